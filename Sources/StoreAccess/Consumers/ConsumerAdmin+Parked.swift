import Foundation

/// Parked events: list them, preview a replay or discard, and carry it out (`parked_replay`, `parked_discard`: one
/// transaction each, refusing when a previewed event is no longer parked, audited).
extension ConsumerAdmin {
    /// Parked events, oldest first: of one consumer, of one tenant, or all (at most `limit`).
    public func parked(tenant: String? = nil, consumer: String? = nil, limit: Int = 500) throws -> [ParkedEvent] {
        try store.pool.query(
            SQL(
                """
                SELECT \(unsafeRaw: ParkedEvent.columns) FROM \(ident: schema).parked p
                 WHERE (\(tenant)::text IS NULL OR p.tenant = \(tenant)) AND (\(consumer)::text IS NULL OR p.consumer = \(consumer))
                 ORDER BY p.tenant, p.consumer, p.position LIMIT \(limit)
                """
            ).named("consumers.parked")
        ).rows.map(ParkedEvent.init(row:))
    }

    /// What replaying or discarding parked events of `c` would touch: `positions`, or all parked now (nil).
    public func previewParked(_ c: ConsumerRef, positions: [Int64]?) throws -> ParkedPreview {
        try store.pool.withConnection { conn in
            let row = try state(c, on: conn)
            let events = try conn.query(
                SQL(
                    """
                    SELECT \(unsafeRaw: ParkedEvent.columns) FROM \(ident: schema).parked p
                     WHERE p.tenant = \(c.tenant) AND p.consumer = \(c.name) AND p.state = 'parked'
                       AND (\(positions.map(Self.array))::bigint[] IS NULL OR p.position = ANY (\(positions.map(Self.array))::bigint[]))
                     ORDER BY p.position
                    """
                ).named("consumers.parked_preview")
            ).rows.map(ParkedEvent.init(row:))
            if let positions, events.count != Set(positions).count {
                let missing = Set(positions).subtracting(events.map(\.position)).sorted()
                throw StoreError(
                    .notFound, "no parked event of consumer \(c) at \(missing.map(String.init).joined(separator: ", "))")
            }
            return ParkedPreview(consumer: c, events: events, running: try runner(row), previewedAt: Date())
        }
    }

    /// Asks for the previewed parked events to be delivered again, to their consumer only (at least once): the
    /// consumer takes them before its next batch and deletes each once its handler succeeded.
    public func replay(_ p: ParkedPreview, reason: String) throws -> ActionRecord {
        try parkedAction(p, reason: reason, function: "parked_replay")
    }

    /// Deletes the previewed parked events (the audit keeps their positions).
    public func discard(_ p: ParkedPreview, reason: String) throws -> ActionRecord {
        try parkedAction(p, reason: reason, function: "parked_discard")
    }

    private func parkedAction(_ p: ParkedPreview, reason: String, function: String) throws -> ActionRecord {
        guard !p.events.isEmpty else { throw StoreError(.invalidArgument, "consumer \(p.consumer) has no parked event to act on") }
        let id = try store.pool.query(
            SQL(
                """
                SELECT \(ident: schema).\(unsafeRaw: function)(\(p.consumer.tenant), \(p.consumer.name), \
                \(Self.array(p.positions))::bigint[], \(reason))
                """
            ).named("consumers." + function)
        ).first!.decode(0, as: Int64.self)
        return try record(id)
    }

    /// A bigint[] literal.
    static func array(_ positions: [Int64]) -> String { "{" + positions.map(String.init).joined(separator: ",") + "}" }
}

extension ParkedEvent {
    static let columns =
        "p.tenant, p.consumer, p.position, p.stream, p.type, p.error, p.attempts, p.first_failed_at, p.last_failed_at, p.parked_at, p.state = 'replay'"

    init(row: Row) throws {
        self.init(
            consumer: ConsumerRef(tenant: try row.decode(0), name: try row.decode(1)), position: try row.decode(2),
            stream: try row.decode(3), type: try row.decode(4), error: try row.decode(5), attempts: try row.decode(6),
            firstFailedAt: try row.decode(7), lastFailedAt: try row.decode(8), parkedAt: try row.decode(9),
            replayRequested: try row.decode(10))
    }
}
