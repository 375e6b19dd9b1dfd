import Foundation

/// The reads behind a preview: the consumer's row with its lock holder and deliverable head, where a move lands,
/// and its own rows in a range.
extension ConsumerAdmin {
    /// The cursor row, the backend holding its lock (`holder`) and its source's deliverable head (`head`).
    func state(_ c: ConsumerRef, on conn: Connection) throws -> Row {
        let holder = StoreProtocol.consumerLockHolderSQL(tenant: "c.tenant", name: "c.name", in: schema)
        guard
            let row = try conn.query(
                SQL(
                    """
                    SELECT c.source, c.position, c.paused_at, c.paused_by, c.loop_state, \(unsafeRaw: holder) AS holder,
                           c.owner_application, c.owner_host, c.owner_pid,
                           CASE WHEN c.source = 'events' THEN \(ident: schema).events_safe_position()
                                ELSE \(ident: schema).outbox_safe_position() END AS head
                      FROM \(ident: schema).cursors c WHERE c.tenant = \(c.tenant) AND c.name = \(c.name)
                    """
                ).named("consumers.state")
            ).first
        else { throw StoreError(.notFound, "no consumer \(c.name) for tenant \(c.tenant)") }
        return row
    }

    /// The position `move` lands on, from `from` with the deliverable head at `head`.
    func target(_ c: ConsumerRef, _ move: ConsumerMove, from: Int64, head: Int64, on conn: Connection) throws -> Int64 {
        switch move {
        case .rewindTo(let p):
            guard p >= 0, p <= from else {
                throw StoreError(.invalidArgument, "a rewind goes back: \(p) is not between 0 and the position \(from)")
            }
            return p
        case .rewindToTime(let t):
            // Just after the newest of its source's rows recorded before t (any row: a boundary, not a delivery).
            let before = try rowsBefore(c, time: t, from: from, on: conn)
            return before ?? 0
        case .rewindBy(let n):
            guard n > 0 else { throw StoreError(.invalidArgument, "rewind by a positive number of events, not \(n)") }
            let back = try rows(c, after: 0, upto: from, descending: true, limit: Int64(n), on: conn)
            return back.count < n ? 0 : back[n - 1].position - 1
        case .skip(let n):
            guard n > 0 else { throw StoreError(.invalidArgument, "skip a positive number of events, not \(n)") }
            let ahead = try rows(c, after: from, upto: max(head, from), descending: false, limit: Int64(n), on: conn)
            return ahead.last?.position ?? from
        case .skipToHead, .resetToNow:
            return max(head, from)
        case .resetToStart:
            return 0
        }
    }

    /// The newest position at or before `from` recorded before `time`, read backwards by position through the
    /// source's (tenant, position) index: it stops at the first such row, having read only what a rewind redelivers.
    private func rowsBefore(_ c: ConsumerRef, time: Date, from: Int64, on conn: Connection) throws -> Int64? {
        let sql: SQL = """
            SELECT CASE WHEN x.source = 'events'
                THEN (SELECT e.position FROM \(ident: schema).events e WHERE e.tenant = x.tenant AND e.position <= \(from)
                       AND e.recorded_at < \(time) ORDER BY e.position DESC LIMIT 1)
                ELSE (SELECT o.id FROM \(ident: schema).outbox o WHERE o.tenant = x.tenant AND o.kind = x.filter ->> 'kind'
                       AND o.id <= \(from) AND o.at < \(time) ORDER BY o.id DESC LIMIT 1) END
              FROM \(ident: schema).cursors x WHERE x.tenant = \(c.tenant) AND x.name = \(c.name)
            """
        return try conn.query(sql.named("consumers.rewind_time")).first?.decodeOptional(0, as: Int64.self)
    }

    /// The consumer's own rows in (after, upto].
    func rows(_ c: ConsumerRef, after: Int64, upto: Int64, descending: Bool, limit: Int64, on conn: Connection) throws
        -> [EventSummary]
    {
        guard upto > after else { return [] }
        return try conn.query(
            SQL(
                """
                SELECT row_position, row_type, row_stream, row_at FROM \(ident: schema).consumer_rows(\(c.tenant), \(c.name), \(after), \
                \(upto), \(descending), \(limit))
                """
            ).named("consumers.rows")
        ).rows.map {
            EventSummary(position: try $0.decode(0), type: try $0.decode(1), stream: try $0.decode(2), recordedAt: try $0.decode(3))
        }
    }

    /// The lock holder of a `state` row.
    func runner(_ row: Row) throws -> ConsumerRunner? {
        guard let pid: Int32 = try row.decodeOptional("holder") else { return nil }
        return ConsumerRunner(
            backendPID: pid, application: try row.decodeOptional("owner_application"), host: try row.decodeOptional("owner_host"),
            pid: try row.decodeOptional("owner_pid"))
    }

    /// The pause of a `state` row.
    func pauseState(_ row: Row) throws -> PauseState {
        guard let at: Date = try row.decodeOptional("paused_at") else { return .none }
        let by: String = try row.decodeOptional("paused_by") ?? "?"
        let loop: String? = try row.decodeOptional("loop_state")
        return loop == "paused" ? .acknowledged(at: at, by: by) : .requested(at: at, by: by)
    }
}
