import Testing

@testable import StoreMetrics

/// `QueryShape.normalize`: literals of every kind become `?`, lists collapse, comments go, identifiers stay.
@Suite struct QueryShapeTests {
    @Test(arguments: [
        ("SELECT * FROM t WHERE name = 'O''Brien' AND id = 42", "SELECT * FROM t WHERE name = ? AND id = ?"),
        ("SELECT E'it\\'s', 'a''b'", "SELECT ?, ?"),
        ("SELECT $$don't$$, $fn$ body $$ inner $fn$ FROM x", "SELECT ?, ? FROM x"),
        ("SELECT 1.5e-3, .5, 0x1F, 1_000", "SELECT ?, ?, ?, ?"),
        ("SELECT -1, a - 1, a-1, f(-2), x = -3.5", "SELECT ?, a - ?, a-?, f(?), x = ?"),
        ("SELECT * FROM t WHERE id IN (1, 2, 3) AND k NOT IN ('a','b')", "SELECT * FROM t WHERE id IN (?) AND k NOT IN (?)"),
        ("SELECT ARRAY[1, 2, 3], id = ANY(ARRAY[$1, $2])", "SELECT ARRAY[?], id = ANY(ARRAY[?])"),
        ("SELECT t1.col2, \"Weird \"\"Name\"\"\" FROM s1.t1", "SELECT t1.col2, \"Weird \"\"Name\"\"\" FROM s1.t1"),
        ("SELECT 1 -- trailing 'comment'\n  /* block /* nested */ 'x' */ FROM  t", "SELECT ? FROM t"),
        ("SELECT $1::int, x::text FROM t LIMIT $2", "SELECT ?::int, x::text FROM t LIMIT ?"),
        ("SELECT B'101', X'FF', U&'d\\0061t', N'n'", "SELECT ?, ?, ?, ?"),
        ("SELECT 'unterminated", "SELECT ?"),
        ("UPDATE t SET a = a - 1 WHERE b <> -2", "UPDATE t SET a = a - ? WHERE b <> ?"),
    ])
    func shapes(_ input: String, _ shape: String) {
        #expect(QueryShape.normalize(input) == shape)
    }

    @Test func queriesThatDifferOnlyInValuesShareAShape() {
        let a = QueryShape.normalize("select pg_sleep(0.2) /* run 1 */")
        let b = QueryShape.normalize("select  pg_sleep(1)")
        #expect(a == b && a == "select pg_sleep(?)")
        #expect(QueryShape.normalize("SELECT * FROM t WHERE id IN (1)") == QueryShape.normalize("SELECT * FROM t WHERE id IN (1, 2, 3, 4)"))
    }
}
