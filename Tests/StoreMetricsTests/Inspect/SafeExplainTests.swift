import Testing

@testable import StoreMetrics

/// `SafeExplain.refusal`'s rules without a server: which query texts are sent to EXPLAIN and why the others are not.
@Suite struct SafeExplainTests {
    private func allowed(_ q: String) -> Bool { SafeExplain.refusal(query: q, truncated: false) == nil }
    private func reason(_ q: String) -> String { SafeExplain.refusal(query: q, truncated: false) ?? "" }

    @Test func readOnlyQueriesAreExplained() {
        #expect(allowed("SELECT id FROM orders WHERE id = 42"))
        #expect(allowed("select id from orders where id = 42;"))
        #expect(allowed("  \n\t-- the dashboard's query\n/* a /* nested */ comment */ SELECT 1"))
        #expect(allowed("WITH recent AS (SELECT * FROM orders WHERE id > 10) SELECT count(*) FROM recent"))
        #expect(allowed("VALUES (1), (2)"))
        #expect(allowed("TABLE orders"))
        #expect(allowed("(SELECT 1) UNION (SELECT 2)"))
        #expect(allowed("SELECT substring(name FOR 3) FROM orders"), "FOR without a lock strength is no row lock")
    }

    @Test func keywordsInsideLiteralsCommentsAndQuotedNamesDoNotCount() {
        #expect(allowed("SELECT '$1', 'DELETE FROM x; UPDATE y' FROM orders"))
        #expect(allowed("SELECT $$DELETE FROM orders; $1$$ AS body, $fn$ INSERT $fn$ FROM orders"))
        #expect(allowed("SELECT 1 -- ; DELETE FROM orders\n"))
        #expect(allowed("SELECT /* ; UPDATE orders SET v = 1 */ \"delete\", \"a\"\"; insert\" FROM orders"))
        #expect(allowed("SELECT E'it\\'s; DELETE' FROM orders"), "a backslash-escaped quote does not end an E string")
        #expect(allowed("SELECT a$1 FROM t"), "$ inside a name is no parameter")
    }

    @Test func dataModifyingStatementsAreRefused() {
        #expect(reason("UPDATE orders SET v = 1 WHERE id = 1").contains("UPDATE"))
        #expect(reason("insert into orders values (1)").contains("INSERT"))
        #expect(reason("DELETE FROM orders").contains("DELETE"))
        #expect(reason("MERGE INTO t USING s ON t.id = s.id WHEN MATCHED THEN DELETE").contains("MERGE"))
        let cte = reason("WITH gone AS (DELETE FROM orders WHERE id < 5 RETURNING id) SELECT count(*) FROM gone")
        #expect(cte.contains("DELETE") && cte.contains("WITH"), "\(cte)")
        #expect(reason("with x as (select 1) update orders set v = 2").contains("UPDATE"))
        #expect(reason("SELECT * INTO copy_of_orders FROM orders").contains("INTO"))
    }

    @Test func moreThanOneStatementIsRefused() {
        #expect(reason("SELECT 1; DELETE FROM orders").contains("2 statements"))
        #expect(reason("SELECT 1; SELECT 2;").contains("2 statements"))
        #expect(reason(" ; -- nothing\n").contains("no statement"))
    }

    @Test func parametersAreRefusedButNotInsideLiterals() {
        #expect(reason("SELECT v FROM orders WHERE id = $1").contains("$1"))
        #expect(reason("SELECT v FROM orders WHERE id = $12 AND name = '$1'").contains("$12"))
        #expect(allowed("SELECT v FROM orders WHERE name = '$1'"))
    }

    @Test func truncatedTextIsRefused() {
        #expect(SafeExplain.refusal(query: "SELECT 1", truncated: true)?.contains("cut off") == true)
        #expect(reason("SELECT 'unterminated").contains("never closes"))
        #expect(reason("SELECT 1 /* unterminated").contains("never closes"))
        #expect(reason("SELECT $x$ unterminated").contains("never closes"))
    }

    @Test func explainAnalyzeRowLocksAndUtilitiesAreRefused() {
        #expect(reason("EXPLAIN ANALYZE SELECT 1").contains("ANALYZE"))
        #expect(reason("explain select 1").contains("EXPLAIN"))
        #expect(reason("SELECT * FROM orders WHERE id = 1 FOR UPDATE").contains("FOR UPDATE"))
        #expect(reason("SELECT * FROM orders FOR NO KEY UPDATE SKIP LOCKED").contains("FOR NO KEY UPDATE"))
        #expect(reason("SELECT * FROM orders FOR SHARE").contains("FOR SHARE"))
        #expect(reason("SELECT * FROM orders FOR KEY SHARE").contains("FOR KEY SHARE"))
        for q in ["COPY orders TO STDOUT", "CALL do_it()", "DO $$ BEGIN PERFORM 1; END $$", "VACUUM orders", "SET x = 1"] {
            let r = reason(q)
            #expect(r.contains("not a query"), "\(q): \(r)")
        }
        #expect(reason("123").contains("keyword"))
    }
}
