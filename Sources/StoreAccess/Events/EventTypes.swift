import Foundation

/// An event to append: a type, a JSON payload and JSON metadata.
public struct EventData: Sendable, Equatable {
    public var type: String
    public var payload: JSONText
    public var metadata: JSONText
    /// The caller's id for the event, unique within its tenant (nil: none). An append giving an id the tenant
    /// already has is refused (`.duplicateEvent`), or with `idempotent: true` answered with the positions the
    /// first append got, so a retried publish is never written twice.
    public var id: UUID?

    /// - Parameters:
    ///   - metadata: free JSON object; use `EventData.metadata(causation:correlation:user:fields:)` for the
    ///     usual fields.
    ///   - id: the caller's id for the event (see `id`).
    public init(type: String, payload: JSONText = JSONText("{}"), metadata: JSONText = JSONText("{}"), id: UUID? = nil) {
        self.type = type
        self.payload = payload
        self.metadata = metadata
        self.id = id
    }

    /// Encodes `payload` with JSONEncoder.
    public init<P: Encodable>(type: String, encoding payload: P, metadata: JSONText = JSONText("{}")) throws {
        self.init(type: type, payload: try JSONText(encoding: payload), metadata: metadata)
    }

    /// Metadata with causation, correlation and user ids plus free string fields.
    public static func metadata(
        causation: String? = nil, correlation: String? = nil, user: String? = nil,
        fields: [String: String] = [:]
    ) -> JSONText {
        var d = fields
        if let causation { d["causation_id"] = causation }
        if let correlation { d["correlation_id"] = correlation }
        if let user { d["user_id"] = user }
        return (try? JSONText(encoding: d)) ?? JSONText("{}")
    }

    /// Whether the payload is a JSON object (its first non-blank character opens one; the server parses the rest).
    var payloadIsObject: Bool {
        payload.text.utf8.first { $0 != 0x20 && $0 != 0x0A && $0 != 0x0D && $0 != 0x09 } == UInt8(ascii: "{")
    }

    var json: String {
        "{\"type\":" + jsonString(type) + ",\"payload\":" + payload.text + ",\"metadata\":" + metadata.text
            + (id.map { ",\"id\":\"\($0.uuidString)\"" } ?? "") + "}"
    }
}

/// An event as stored.
public struct RecordedEvent: Sendable, Equatable {
    /// Global position: unique and increasing in commit-safe order, but not dense. An append that rolls back after
    /// taking its positions leaves a hole that nothing fills; a reader never skips a position that commits later
    /// (it delivers only up to `EventStore.safePosition()`), so continuing after the last position seen is correct.
    public let position: Int64
    public let tenant: String
    public let stream: String
    /// Version within the stream, from 1.
    public let version: Int64
    public let type: String
    public let payload: JSONText
    public let metadata: JSONText
    /// First position of the multi-event append this event belongs to (nil for a single-event append).
    public let batchFirst: Int64?
    /// Number of events in that append.
    public let batchSize: Int
    public let recordedAt: Date
    /// The id the appender gave the event, if any.
    public let id: UUID?

    /// Decodes the payload.
    public func decode<T: Decodable>(_ type: T.Type) throws -> T { try payload.decode(type) }

    static let columns = "position, tenant, stream, version, type, payload, metadata, batch_first, batch_size, recorded_at, event_id"

    init(row: Row) throws {
        position = try row.decode(0)
        tenant = try row.decode(1)
        stream = try row.decode(2)
        version = try row.decode(3)
        type = try row.decode(4)
        payload = try row.decode(5)
        metadata = try row.decode(6)
        batchFirst = try row.decodeOptional(7)
        batchSize = try row.decode(8)
        recordedAt = try row.decode(9)
        id = try row.decodeOptional(10, as: String.self).map { text in
            guard let u = UUID(uuidString: text) else { throw StoreError(.decoding, "not a UUID: \(text.prefix(40))") }
            return u
        }
    }
}

/// What a stream's version must be for an append to go ahead.
public enum ExpectedVersion: Sendable, Equatable, CustomStringConvertible {
    /// No check.
    case any
    /// The stream must not exist (have no events).
    case noStream
    /// The stream must exist.
    case streamExists
    /// The stream's current version must be exactly this (0 = no events).
    case exact(Int64)

    var sqlValue: Int64 {
        switch self {
        case .any: return -1
        case .noStream: return -2
        case .streamExists: return -3
        case .exact(let v): return v
        }
    }

    public var description: String {
        switch self {
        case .any: return "any"
        case .noStream: return "no stream"
        case .streamExists: return "stream exists"
        case .exact(let v): return String(v)
        }
    }
}

/// What an append wrote to one stream.
public struct AppendResult: Sendable, Equatable {
    public let stream: String
    public let firstPosition: Int64
    public let lastPosition: Int64
    public let firstVersion: Int64
    public let lastVersion: Int64
}

/// One stream's part of an atomic multi-stream append. `events` may be empty: the stream then only takes part
/// in the version check (a read-only participant).
public struct StreamWrite: Sendable {
    public var stream: String
    public var expected: ExpectedVersion
    public var events: [EventData]
    public init(stream: String, expected: ExpectedVersion, events: [EventData]) {
        self.stream = stream
        self.expected = expected
        self.events = events
    }

    var json: String {
        "{\"stream\":" + jsonString(stream) + ",\"expected\":\(expected.sqlValue),\"events\":["
            + events.map(\.json).joined(separator: ",") + "]}"
    }
}

/// factstr's query model: filters OR-ed together; within a filter, the event type is one of `types` (nil: any
/// type; an empty list: no type, so the filter matches nothing, like factstr's `Some(vec![])`) AND the payload contains at least one of the JSON objects in `payload` (when given): the payload
/// conditions of one filter are OR-ed, as factstr's are. To require several conditions at once, put them in one
/// object (`{"a": 1, "b": 2}`).
public struct EventQuery: Sendable, Equatable {
    /// One filter: a type condition AND a payload condition.
    public struct Filter: Sendable, Equatable {
        /// The admitted event types: nil admits every type; an empty list admits none (the filter matches
        /// nothing: factstr's `event_types: Some(vec![])`, as against `None`).
        public var types: [String]?
        /// Objects the payload may contain (`@>`): an event matches when it contains at least one of them;
        /// an empty list admits every payload.
        public var payload: [JSONText]

        /// - Parameters:
        ///   - types: nil (the default): any type; `[]`: no type at all; otherwise one of these.
        ///   - payload: the payload contains at least one of these objects (empty: any payload).
        public init(types: [String]? = nil, payload: [JSONText] = []) {
            self.types = types
            self.payload = payload
        }

        /// Any type, payload containing at least one of `payload`.
        public static func payload(_ payload: [JSONText]) -> Filter { Filter(types: nil, payload: payload) }

        var json: String {
            let types = self.types.map { "\"types\":[" + $0.map(jsonString).joined(separator: ",") + "]," } ?? ""
            return "{" + types + "\"payload\":[" + payload.map(\.text).joined(separator: ",") + "]}"
        }
    }

    public var filters: [Filter]
    public init(_ filters: [Filter]) { self.filters = filters }

    /// Every event.
    public static let all = EventQuery([])

    /// Events of these types.
    public static func types(_ types: String...) -> EventQuery { EventQuery([Filter(types: types)]) }

    var json: JSONText { JSONText("[" + filters.map(\.json).joined(separator: ",") + "]") }
}

/// The answer to a query: the matching events (up to a limit), the last returned position, and the context
/// version to pass to `appendIf` (the highest matching position in the whole log).
public struct EventQueryResult: Sendable {
    public let events: [RecordedEvent]
    public let lastReturnedPosition: Int64?
    public let contextVersion: Int64?
}

/// A stream's head, as the streams table keeps it.
public struct StreamInfo: Sendable, Equatable {
    public let stream: String
    public let version: Int64
    public let headPosition: Int64
    public let updatedAt: Date
}

/// JSON string literal for `s`.
func jsonString(_ s: String) -> String {
    var out = "\""
    for u in s.unicodeScalars {
        switch u {
        case "\"": out += "\\\""
        case "\\": out += "\\\\"
        case "\n": out += "\\n"
        case "\r": out += "\\r"
        case "\t": out += "\\t"
        default:
            if u.value < 0x20 { out += String(format: "\\u%04x", u.value) } else { out.unicodeScalars.append(u) }
        }
    }
    return out + "\""
}
