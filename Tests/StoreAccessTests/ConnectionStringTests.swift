import Testing

@testable import StoreAccess

@Suite struct ConnectionStringTests {
    @Test func masksURLPasswordAndKeepsUser() throws {
        let c = try ConnectionString("postgresql://alice:s3cr%40t@db.example:5433/orders?sslmode=require")
        #expect(c.masked == "postgresql://alice:****@db.example:5433/orders?sslmode=require")
        #expect(!c.description.contains("s3cr"))
    }

    @Test func urlWithoutPasswordKeepsUserVisible() throws {
        let c = try ConnectionString("postgres://alice@db.example/orders")
        #expect(c.masked == "postgres://alice@db.example/orders")
    }

    @Test func masksPasswordQueryParameter() throws {
        let c = try ConnectionString("postgresql://db.example/orders?user=bob&password=hunter2&sslmode=disable")
        #expect(c.masked == "postgresql://db.example/orders?user=bob&password=****&sslmode=disable")
    }

    @Test func masksKeyValuePasswordPlainAndQuoted() throws {
        let a = try ConnectionString("host=db user=bob password=hunter2 dbname=x")
        #expect(a.masked == "host=db user=bob password=**** dbname=x")
        let b = try ConnectionString("host=db password = 'it\\'s secret' user=bob")
        #expect(!b.masked.contains("secret"))
        #expect(b.masked.contains("user=bob"))
        let c = try ConnectionString("host=db user=bob")
        #expect(c.masked == "host=db user=bob")
    }

    @Test func malformedDSNIsATypedErrorWithoutThePassword() {
        #expect(throws: StoreError.self) { try ConnectionString("host=db password='unterminated secret") }
        do {
            _ = try ConnectionString("postgresql://bob:topsecret@db/x?nosuchparam=1")
            Issue.record("expected an error")
        } catch let e as StoreError {
            #expect(e.code == .invalidDSN)
            #expect(!e.description.contains("topsecret"))
        } catch { Issue.record("wrong error \(error)") }
        #expect(throws: StoreError.self) { try ConnectionString("this is not a dsn") }
    }

    @Test func envIndirection() throws {
        let env = ["MY_DB": "postgresql://u:pw@h/db"]
        let c = try ConnectionString("env:MY_DB", environment: env)
        #expect(c.masked == "postgresql://u:****@h/db")
        do {
            _ = try ConnectionString("env:NOPE", environment: env)
            Issue.record("expected an error")
        } catch let e as StoreError {
            #expect(e.code == .invalidDSN)
            #expect(e.message.contains("NOPE"))
        }
    }

    @Test func withDatabaseKeepsParameters() throws {
        let db = try Identifier("target_db")
        let u = try ConnectionString("postgresql://u:pw@h:5/server?sslmode=disable&connect_timeout=3").with(database: db)
        #expect(u.parameters(masked: false)["dbname"] == "target_db")
        #expect(u.parameters()["sslmode"] == "disable")
        #expect(u.parameters()["connect_timeout"] == "3")
        #expect(u.parameters()["password"] == "****")
        let kv = try ConnectionString("host=h user=u").with(database: db)
        #expect(kv.parameters()["dbname"] == "target_db")
        #expect(kv.parameters()["host"] == "h")
        #expect(ConnectionString.environment.with(database: db).parameters()["dbname"] == "target_db")
    }

    /// Cases the fuzzer found or that follow libpq's grammar where a simpler masker goes wrong: each masked form
    /// reads, for libpq, exactly like the original except for the password.
    @Test(arguments: [
        "postgres://u@h?password=secret1",  // query without a path
        "postgresql://u@h/db?pass%77ord=secret1&sslmode=disable",  // percent-encoded parameter name
        "postgresql://u:p%40ss@h:5/db?sslmode=disable&password=other",  // both places
        "host=h password=sec\\ ret1 dbname=x",  // an escaped space inside an unquoted value
        "host=h password='sec ret1'dbname=x",  // the next name right after the closing quote
        "host=h password = 'a\\'b' user=u",  // spaces around '=', escaped quote
    ])
    func maskingFollowsLibpq(dsn: String) throws {
        let c = try ConnectionString(dsn, environment: [:])
        let raw = c.parameters(masked: false)
        #expect(raw["password"] != nil)
        let masked = try ConnectionString(c.masked, environment: [:]).parameters(masked: false)
        var expected = raw
        expected["password"] = Secrets.mask
        #expect(masked == expected, "\(c.masked)")
        #expect(!c.masked.contains("secret1") && !c.masked.contains("ret1") && !c.masked.contains("p%40ss"))
        #expect(ConnectionString.mask(c.masked) == c.masked)
        #expect(Secrets.redact(dsn) == c.masked)
    }

    @Test func redactsFreeText() {
        let t = Secrets.redact("could not connect to postgresql://a:pw1@h/db with password=pw2 or password='pw 3'")
        #expect(!t.contains("pw1"))
        #expect(!t.contains("pw2"))
        #expect(!t.contains("pw 3"))
        #expect(t.contains("postgresql://a:****@h/db"))
    }
}
