/// Reading every tenant's events for catch-up (global projections, replication): one page, or the whole log in
/// pages on one connection with the next page on its way while the previous one is decoded and handled.
extension Store {
    /// Every tenant's events after `position`, gap-free, in position order (for global projections and
    /// catch-up): exactly `limit` of them, or with `wholeAppends` every multi-event append kept whole (see `readAll`).
    public func readAllTenants(after position: Int64 = 0, limit: Int = 1000, wholeAppends: Bool = false) throws -> [RecordedEvent] {
        try EventStore.checkLimit(limit)
        return try pool.queryEvents(allTenantsPage(after: position, limit: limit, wholeAppends: wholeAppends))
    }

    /// Reads every tenant's events after `position` up to the end of the log, gap-free, in position order, in
    /// pages of `pageSize` (those of `readAllTenants(after:limit:)`), calling `body` with each page; returns the
    /// last position read (`position` when there was nothing). One pooled connection is held throughout, and each
    /// page is requested as soon as the previous one arrived: the server reads and sends it while the client
    /// decodes the previous page and `body` handles it (Benchmarks/results/catchup.md). The end is the first page
    /// shorter than `pageSize`; events committed after it are for the next call. An error from `body` ends the
    /// read (the page in flight is dropped) and is rethrown.
    @discardableResult
    public func readAllTenants(
        after position: Int64 = 0, pageSize: Int = 5000, _ body: ([RecordedEvent]) throws -> Void
    ) throws -> Int64 {
        try EventStore.checkLimit(pageSize)
        return try pool.withConnection { c in
            var sql = allTenantsPage(after: position, limit: pageSize, wholeAppends: false)
            var last = position
            var page: [RecordedEvent] = []  // one buffer for every page (unless `body` keeps one)
            // the previous page's result is freed only once the next one is in: malloc then reuses its memory
            // instead of giving the top of the heap back and faulting it in again for every page
            var previous: PGResult?
            try c.sendBinary(sql)
            while true {
                let res = try c.awaitResult(sql)
                withExtendedLifetime(previous) {}
                previous = res
                let rows = res.rowCount
                guard rows > 0 else { return last }
                last = try BinaryRow(result: res, index: rows - 1).int64(0)
                let more = rows == pageSize
                let sent = sql
                if more {
                    sql = allTenantsPage(after: last, limit: pageSize, wholeAppends: false)
                    try c.sendBinary(sql)
                }
                do {
                    page.removeAll(keepingCapacity: true)
                    var repeated = RecordedEvent.RepeatedColumns()
                    try c.decodeBinary(res, sent, columns: RecordedEvent.columnTypes, into: &page) {
                        try RecordedEvent(binary: $0, repeated: &repeated)
                    }
                    try body(page)
                } catch {
                    if more { c.discardResult() }
                    throw error
                }
                if !more { return last }
            }
        }
    }

    /// One page of every tenant's events: a plain keyset read up to the safe position (the same rows as
    /// `read_all(NULL, …)`, without the function's materialised result), or `read_all` for whole appends.
    func allTenantsPage(after position: Int64, limit: Int, wholeAppends: Bool) -> SQL {
        let sql: SQL
        if wholeAppends {
            sql =
                "SELECT \(unsafeRaw: RecordedEvent.columns) FROM \(ident: schema.name).read_all(NULL, \(position), \(limit), NULL, true)"
        } else {
            sql = """
                SELECT \(unsafeRaw: RecordedEvent.columns) FROM \(ident: schema.name).events WHERE position > \(position) \
                AND position <= (SELECT \(ident: schema.name).events_safe_position()) ORDER BY position LIMIT \(limit)
                """
        }
        return sql.named("events.read_all_tenants")
    }
}
