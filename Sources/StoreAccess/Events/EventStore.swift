import Foundation
import Logging

/// The event log of one tenant. Every write goes through the schema's SQL functions (`append`,
/// `append_multi`, `append_if`); reads of "everything after p" go through `read_all`, which never skips an
/// event that commits later with a lower position. A handle bound to a tenant cannot read or write another
/// tenant's events.
public final class EventStore: Sendable {
    public let store: Store
    public let tenant: String
    var schema: Identifier { store.schema.name }

    /// A handle for `tenant`. Throws `.invalidName` for a bad tenant name (nothing is sent).
    public init(store: Store, tenant: String) throws {
        self.store = store
        self.tenant = try Names.tenant(tenant)
    }

    // MARK: writes

    /// Appends events to one stream if its version matches `expected`. Throws `.conflict` (naming stream,
    /// expected and actual), `.invalidArgument` for an empty append, a payload that is not a JSON object or a
    /// negative expected version, `.invalidName` for a bad stream or event type; either way nothing is written.
    ///
    /// Events may carry ids (`EventData.id`): an id the tenant already has is `.duplicateEvent`; with
    /// `idempotent: true` an append whose every id is already stored is the same append retried, and answers with
    /// the positions the first one got, writing nothing.
    @discardableResult
    public func append(
        to stream: String, expected: ExpectedVersion = .any, _ events: [EventData], idempotent: Bool = false
    ) throws -> AppendResult {
        let results = try appendMulti([StreamWrite(stream: stream, expected: expected, events: events)], idempotent: idempotent)
        return results[0]
    }

    /// Appends to several streams atomically: every stream's expected version is checked, then all events are
    /// written in one transaction, or nothing is. Streams are locked in name order, so concurrent multi-stream
    /// appends cannot deadlock. Streams with no events only take part in the check.
    /// Event ids and `idempotent` as in `append(to:expected:_:idempotent:)`; a retried multi-stream append answers
    /// each stream's positions as the first one wrote them.
    @discardableResult
    public func appendMulti(_ writes: [StreamWrite], idempotent: Bool = false) throws -> [AppendResult] {
        try validate(writes)
        let json = JSONText("[" + writes.map(\.json).joined(separator: ",") + "]")
        let sql: SQL =
            "SELECT stream, first_position, last_position, first_version, last_version FROM \(ident: schema).append_multi(\(tenant), \(json), \(idempotent))"
        let results = try logged("events.append") { try store.pool.query(sql.named("events.append")).rows.map(Self.result) }
        store.logger.trace(
            "append", metadata: ["tenant": "\(tenant)", "streams": "\(results.map(\.stream))", "last_position": "\(results.last?.lastPosition ?? 0)"])
        return results
    }

    /// Runs an append, logging a version conflict (debug: a conflict is optimistic concurrency at work, not a
    /// fault) with the statement and the server's detail (stream, expected, actual) before it is thrown.
    func logged<T>(_ statement: String, _ body: () throws -> T) throws -> T {
        do { return try body() } catch let e as StoreError where e.code == .conflict {
            store.logger.debug(
                "version conflict", metadata: ["tenant": "\(tenant)", "statement": "\(statement)", "detail": "\(e.detail ?? e.message)"])
            throw e
        }
    }

    /// Conditional append (factstr's `append_if`): appends only if no event of this tenant matching `query`
    /// has a position above `context` (nil: none may exist at all), and the stream's version matches.
    /// A conflict (`.conflict`) leaves no trace: no event, no consumed position.
    @discardableResult
    public func appendIf(
        to stream: String, expected: ExpectedVersion = .any, _ events: [EventData],
        query: EventQuery, context: Int64?
    ) throws -> AppendResult {
        try validate([StreamWrite(stream: stream, expected: expected, events: events)])
        let json = JSONText("[" + events.map(\.json).joined(separator: ",") + "]")
        let sql: SQL = """
            SELECT stream, first_position, last_position, first_version, last_version \
            FROM \(ident: schema).append_if(\(tenant), \(stream), \(expected.sqlValue), \(json), \(query.json), \(context))
            """
        guard let row = try logged("events.append_if", { try store.pool.query(sql.named("events.append_if")).first }) else {
            throw StoreError(.server, "append_if returned nothing", statement: "events.append_if")
        }
        return try Self.result(row)
    }

    private func validate(_ writes: [StreamWrite]) throws {
        guard !writes.isEmpty else { throw StoreError(.invalidArgument, "append needs at least one stream") }
        guard writes.contains(where: { !$0.events.isEmpty }) else {
            throw StoreError(.invalidArgument, "append needs at least one event")
        }
        var seen = Set<String>(), ids = Set<UUID>()
        for w in writes {
            for id in w.events.compactMap(\.id) where !ids.insert(id).inserted {
                throw StoreError(.invalidArgument, "event id \(id.uuidString.lowercased()) appears twice in one append")
            }
            _ = try Names.stream(w.stream)
            guard seen.insert(w.stream).inserted else {
                throw StoreError(.invalidArgument, "stream \(w.stream) appears twice in one append")
            }
            if case .exact(let v) = w.expected, v < 0 { throw StoreError(.invalidArgument, "expected version must be ≥ 0") }
            for e in w.events {
                _ = try Names.eventType(e.type)
                guard e.payloadIsObject else {
                    throw StoreError(
                        .invalidArgument,
                        "the payload of every event must be a JSON object (event \(Identifier.show(e.type)) of stream \(Identifier.show(w.stream)))")
                }
            }
        }
        // One append travels as one jsonb value, and PostgreSQL caps a jsonb value at 256 MiB: refuse before
        // sending (a clear error rather than the server's, and nothing half-sent).
        let bytes = writes.reduce(0) {
            $0 + $1.events.reduce(0) { $0 + $1.payload.text.utf8.count + $1.metadata.text.utf8.count + $1.type.utf8.count + 64 }
        }
        guard bytes <= EventStore.maxAppendBytes else {
            throw StoreError(
                .invalidArgument,
                "append of \(bytes) bytes exceeds \(EventStore.maxAppendBytes) bytes (one append is one jsonb value, which PostgreSQL caps at 256 MiB); split it into several appends"
            )
        }
    }

    /// The largest append (payloads, metadata and types of all its events) StoreAccess sends: 255 MiB.
    public static let maxAppendBytes = 255 << 20

    static func result(_ r: Row) throws -> AppendResult {
        AppendResult(
            stream: try r.decode(0), firstPosition: try r.decode(1), lastPosition: try r.decode(2),
            firstVersion: try r.decode(3), lastVersion: try r.decode(4))
    }

    // MARK: reads

    /// Reads a stream forward from `fromVersion` (inclusive) or backward from it (inclusive; nil = the end).
    public func readStream(
        _ stream: String, fromVersion: Int64? = nil, backward: Bool = false,
        limit: Int = 1000
    ) throws -> [RecordedEvent] {
        _ = try Names.stream(stream)
        try Self.checkLimit(limit)
        let cols = RecordedEvent.columns
        let sql: SQL
        if backward {
            sql = """
                SELECT \(unsafeRaw: cols) FROM \(ident: schema).events WHERE tenant = \(tenant) AND stream = \(stream) \
                AND version <= \(fromVersion ?? Int64.max) ORDER BY version DESC LIMIT \(limit)
                """
        } else {
            sql = """
                SELECT \(unsafeRaw: cols) FROM \(ident: schema).events WHERE tenant = \(tenant) AND stream = \(stream) \
                AND version >= \(fromVersion ?? 1) ORDER BY version LIMIT \(limit)
                """
        }
        let events = try store.pool.queryEvents(sql.named("events.read_stream"))
        store.logger.trace("read_stream", metadata: ["tenant": "\(tenant)", "stream": "\(stream)", "events": "\(events.count)"])
        return events
    }

    /// Reads this tenant's events after `position`, in position order, gap-free: an event that commits later
    /// never has a position at or below the last one returned. Exactly `limit` events come back (fewer at the
    /// end of the log); a page may end inside a multi-event append, and reading on after its last position is
    /// correct. `wholeAppends` keeps appends whole instead (factstr's batch shape): slightly more than `limit`
    /// events may then come back.
    public func readAll(after position: Int64 = 0, limit: Int = 1000, wholeAppends: Bool = false) throws -> [RecordedEvent] {
        try Self.checkLimit(limit)
        let sql: SQL =
            "SELECT \(unsafeRaw: RecordedEvent.columns) FROM \(ident: schema).read_all(\(tenant), \(position), \(limit), NULL, \(wholeAppends))"
        return try store.pool.queryEvents(sql.named("events.read_all"))
    }

    /// Events matching `query` after `position` (gap-free, like `readAll`, with appends kept whole), the last
    /// returned position, and the query's context version (the highest matching position in the log) for `appendIf`.
    public func query(_ query: EventQuery, after position: Int64 = 0, limit: Int = 1000) throws -> EventQueryResult {
        try Self.checkLimit(limit)
        return try store.pool.withConnection { c in
            let events = try c.queryEvents(
                SQL(
                    "SELECT \(unsafeRaw: RecordedEvent.columns) FROM \(ident: schema).read_all(\(tenant), \(position), \(limit), \(query.json), true)"
                )
                .named("events.query"))
            let ctx = try c.query(
                SQL(
                    """
                    SELECT position FROM \(ident: schema).events WHERE tenant = \(tenant) \
                    AND position <= \(ident: schema).events_safe_position() \
                    AND \(ident: schema).event_matches(type, payload, \(query.json)) ORDER BY position DESC LIMIT 1
                    """
                ).named("events.context_version")
            ).first?.decodeOptional(0, as: Int64.self)
            return EventQueryResult(events: events, lastReturnedPosition: events.last?.position, contextVersion: ctx)
        }
    }

    /// Events of streams whose name starts with `prefix`, after `position`, in position order (gap-free).
    public func read(streamPrefix prefix: String, after position: Int64 = 0, limit: Int = 1000) throws -> [RecordedEvent] {
        try Self.checkLimit(limit)
        let pattern =
            prefix.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "%", with: "\\%")
            .replacingOccurrences(of: "_", with: "\\_") + "%"
        let sql: SQL = """
            SELECT \(unsafeRaw: RecordedEvent.columns) FROM \(ident: schema).events WHERE tenant = \(tenant) \
            AND stream LIKE \(pattern) AND position > \(position) \
            AND position <= \(ident: schema).events_safe_position() ORDER BY position LIMIT \(limit)
            """
        return try store.pool.queryEvents(sql.named("events.read_prefix"))
    }

    /// Events of streams matching the glob `pattern` (eventcore's stream patterns: `*` any run of characters, `?`
    /// one character, `[0-9]` one of a class, `[!…]` none of it, `\` takes the next character literally), after
    /// `position`, gap-free, exactly `limit` of them: the pattern is applied in SQL before the limit. A pattern
    /// matches the start of a stream id (`account-[0-9]` matches `account-7-x`). Throws `.invalidArgument` for an
    /// empty or unclosed pattern.
    public func read(streamGlob pattern: String, after position: Int64 = 0, limit: Int = 1000) throws -> [RecordedEvent] {
        try Self.checkLimit(limit)
        let sql: SQL =
            "SELECT \(unsafeRaw: RecordedEvent.columns) FROM \(ident: schema).read_all(\(tenant), \(position), \(limit), NULL, false, \(pattern))"
        return try store.pool.queryEvents(sql.named("events.read_glob"))
    }

    /// The stream's head (nil when it has no events).
    public func streamInfo(_ stream: String) throws -> StreamInfo? {
        _ = try Names.stream(stream)
        let sql: SQL =
            "SELECT stream, version, head_position, updated_at FROM \(ident: schema).streams WHERE tenant = \(tenant) AND stream = \(stream) AND version > 0"
        guard let r = try store.pool.query(sql.named("events.stream_info")).first else { return nil }
        return StreamInfo(stream: try r.decode(0), version: try r.decode(1), headPosition: try r.decode(2), updatedAt: try r.decode(3))
    }

    static func checkLimit(_ limit: Int) throws {
        guard limit >= 1 && limit <= 100_000 else { throw StoreError(.invalidArgument, "limit must be 1…100000, not \(limit)") }
    }
}

extension Store {
    /// The event log of `tenant`.
    public func events(tenant: String) throws -> EventStore { try EventStore(store: self, tenant: tenant) }
}
