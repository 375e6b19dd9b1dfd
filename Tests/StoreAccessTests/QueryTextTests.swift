import Testing

@testable import StoreAccess

@Suite struct QueryTextTests {
    @Test func passwordLiteralsInRoleStatementsAreMasked() {
        let cases: [(String, String)] = [
            ("ALTER ROLE app PASSWORD 'hunter2'", "ALTER ROLE app PASSWORD '********'"),
            (
                "create user bob with encrypted password 'it''s secret' valid until 'infinity'",
                "create user bob with encrypted password '********' valid until 'infinity'"
            ),
            ("ALTER USER x WITH PASSWORD E'a\\'b' LOGIN", "ALTER USER x WITH PASSWORD '********' LOGIN"),
            ("ALTER ROLE x PASSWORD $pw$s3cr'et$pw$;", "ALTER ROLE x PASSWORD '********';"),
            ("ALTER ROLE x PASSWORD\n  'multi\nline'", "ALTER ROLE x PASSWORD\n  '********'"),
            ("ALTER ROLE x PASSWORD 'cut off by track_activity_query_si", "ALTER ROLE x PASSWORD '********'"),
            ("ALTER ROLE x PASSWORD NULL", "ALTER ROLE x PASSWORD NULL"),
        ]
        for (query, shown) in cases {
            #expect(QueryText.redactPasswords(query) == shown)
            #expect(!QueryText.redactPasswords(query).contains("hunter2"))
        }
    }

    @Test func connectionStringsInsideQueriesAreMasked() {
        let q = "SELECT dblink_connect('host=db user=u password=s3cret dbname=x')"
        let shown = QueryText.redactPasswords(q)
        #expect(!shown.contains("s3cret"))
        #expect(shown.contains("host=db"))
        let url = "SELECT * FROM dblink('postgresql://u:pw123@db/x', 'SELECT 1')"
        #expect(!QueryText.redactPasswords(url).contains("pw123"))
    }

    @Test func ordinaryQueriesAreUnchanged() {
        for q in ["SELECT password_changed_at FROM users", "SELECT 1", "UPDATE t SET passwords = 0", "SELECT 'password'"] {
            #expect(QueryText.redactPasswords(q) == q)
        }
    }
}
