import Foundation

/// A streamed query on the table store: the rows of a server-side cursor, a page at a time, through a
/// `BoundedStream` with a backpressure policy (axon's `stream_retrieve`).
extension TableStore {
    /// Rows of `table` matching `where` (nil: all), read through a cursor (`DECLARE … NO SCROLL CURSOR`, then
    /// `FETCH pageSize` at a time) in one transaction on one pooled connection, which the stream holds until it
    /// ends: the rows come from one snapshot, and behind PgBouncer (transaction mode) the transaction keeps one
    /// server connection for the cursor. Under `.pauseUpstream` the next page is fetched only once the previous
    /// one fit in the buffer; a paused stream sits idle in its transaction (mind
    /// `idle_in_transaction_session_timeout`). Cancelling the stream rolls the transaction back and gives the
    /// connection back. The table, the where-expression and its parameters are checked before this returns
    /// (`.notFound`, `.invalidName`, `.invalidArgument`, `.unsupportedType`, as `query` throws them).
    public func stream(
        _ table: String, where expr: String? = nil, _ params: [String: TableValue] = [:],
        backpressure: Backpressure, pageSize: Int = 500
    ) throws -> BoundedStream<[String: TableValue]> {
        try EventStore.checkLimit(pageSize)
        try backpressure.validate()
        let name = try Identifier(table, what: "table name")
        _ = try withColumns(table) { _, t, cols in try Self.selectSQL(t, cols, expr, params) }
        let pool = self.pool
        let (stream, upstream) = try BoundedStream<[String: TableValue]>.make(
            backpressure,
            abandonPause: { pool.isClosed ? StoreError(.closed, "the table store was closed under a paused stream") : nil })
        _ = BackgroundThread(name: "storeaccess-table-stream") { [self] _ in
            do {
                try pool.withConnection { c in
                    try self.runCursor(on: c, name, expr, params, pageSize, upstream)
                }
                upstream.finish()
            } catch {
                upstream.finish(throwing: error)
            }
        }
        return stream
    }

    /// Opens the cursor (once more with fresh columns when a changed table explains the failure, before any row
    /// went out) and feeds its pages to `upstream`; rolls back when the stream takes no more.
    private func runCursor(
        on c: Connection, _ name: Identifier, _ expr: String?, _ params: [String: TableValue], _ pageSize: Int,
        _ upstream: BoundedStream<[String: TableValue]>.Upstream
    ) throws {
        var t = try resolve(name, on: c)
        var first: [[String: TableValue]]
        do {
            first = try openCursor(on: c, t, expr, params, pageSize)
        } catch let e as StoreError where TableStore.staleColumnStates.contains(where: e.has) || e.code == .invalidName {
            let fresh = try resolve(name, refresh: true, on: c)
            guard fresh != t else { throw e }
            t = fresh
            first = try openCursor(on: c, t, expr, params, pageSize)
        }
        do {
            var page = first
            while !page.isEmpty {
                guard upstream.send(contentsOf: page) else { break }
                guard page.count == pageSize else { break }
                // a closed store's connection stays open until released: stop here rather than read on
                guard !pool.isClosed else { throw StoreError(.closed, "the table store was closed under a stream") }
                page = try fetch(on: c, t, pageSize)
            }
            try c.execute(SQL("ROLLBACK").named("table.stream_end"))
        } catch {
            if c.isOpen, c.inTransaction { _ = try? c.execute(SQL("ROLLBACK").named("rollback")) }
            throw error
        }
    }

    /// `BEGIN`, `DECLARE`, and the first page; rolled back when any of it fails.
    private func openCursor(
        on c: Connection, _ t: Resolved, _ expr: String?, _ params: [String: TableValue], _ pageSize: Int
    ) throws -> [[String: TableValue]] {
        let (select, binds) = try Self.selectSQL(t, t.columns, expr, params)
        try c.execute(SQL("BEGIN").named("begin"))
        do {
            let declare = "DECLARE storeaccess_stream NO SCROLL CURSOR FOR " + select
            try c.execute(SQL(unsafeRaw: declare, name: "table.stream_declare").withBinds(binds))
            return try fetch(on: c, t, pageSize)
        } catch {
            if c.isOpen, c.inTransaction { _ = try? c.execute(SQL("ROLLBACK").named("rollback")) }
            throw error
        }
    }

    private func fetch(on c: Connection, _ t: Resolved, _ pageSize: Int) throws -> [[String: TableValue]] {
        let r = try c.query(SQL(unsafeRaw: "FETCH FORWARD \(pageSize) FROM storeaccess_stream", name: "table.stream_fetch"))
        return r.rows.map { row in
            var d: [String: TableValue] = [:]
            for (i, col) in t.columns.enumerated() { d[col.name] = Self.value(row[i], col.base) }
            return d
        }
    }

    /// `SELECT <columns> FROM <table> [WHERE …]` and its binds, as `query` builds it (the same `whereSQL`).
    static func selectSQL(
        _ t: Resolved, _ cols: [Column], _ expr: String?, _ params: [String: TableValue]
    ) throws -> (String, [String?]) {
        var sql = "SELECT " + (try cols.map { try Identifier($0.name).quoted }.joined(separator: ", ")) + " FROM " + t.qualified
        var binds: [String?] = []
        try whereSQL(expr, params, cols, into: &sql, binds: &binds)
        return (sql, binds)
    }
}
