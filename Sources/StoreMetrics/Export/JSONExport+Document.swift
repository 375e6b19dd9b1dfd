import Foundation

/// The snapshot document's parts: the Snapshot's own types where the document is the same, wrappers that add
/// the derived figures (status, rates, ages) where it is not.
extension JSONExport {
    struct Document: Encodable {
        let takenAt: Date
        let server: Snapshot.Server?
        /// Standbys, slots and a standby's receiver (issue 19); null when the server panel failed.
        let replication: Snapshot.Replication?
        let sessions: Snapshot.Sessions?
        let pools: [Snapshot.Pool]
        let streams: StreamsOut?
        let cursors: [CursorOut]
        let outboxes: [OutboxOut]
        let bookmarks: [BookmarkOut]
        let tenants: [TenantOut]
        /// Stores of other libraries (issue 18): always present, empty when none was found or detection is off.
        let foreign: [Snapshot.ForeignStore]
        let errors: [Snapshot.PanelError]
    }

    struct StreamsOut: Encodable {
        let headPosition: Int64
        let safePosition: Int64
        let lastWriteAt: Date?
        let appendRatePerSecond: Double?
        let tenants: [Snapshot.TenantHead]
        let mostActive: [Snapshot.StreamHead]
    }

    struct CursorOut: Encodable {
        let cursor: Snapshot.Cursor
        let status: String?
        let reason: String?
        let consumeRatePerSecond: Double?
        let catchUpSeconds: Double?
        func encode(to encoder: Encoder) throws {
            try cursor.encode(to: encoder)
            var c = encoder.container(keyedBy: K.self)
            try c.encodeIfPresent(status, forKey: .status)
            try c.encodeIfPresent(reason, forKey: .reason)
            try c.encodeIfPresent(consumeRatePerSecond, forKey: .consumeRatePerSecond)
            try c.encodeIfPresent(catchUpSeconds, forKey: .catchUpSeconds)
        }
        enum K: String, CodingKey { case status, reason, consumeRatePerSecond, catchUpSeconds }
    }

    struct OutboxOut: Encodable {
        let outbox: Snapshot.Outbox
        let oldestAgeSeconds: Double?
        let growthRowsPerSecond: Double?
        func encode(to encoder: Encoder) throws {
            try outbox.encode(to: encoder)
            var c = encoder.container(keyedBy: K.self)
            try c.encodeIfPresent(oldestAgeSeconds, forKey: .oldestAgeSeconds)
            try c.encodeIfPresent(growthRowsPerSecond, forKey: .growthRowsPerSecond)
        }
        enum K: String, CodingKey { case oldestAgeSeconds, growthRowsPerSecond }
    }

    struct BookmarkOut: Encodable {
        let tenant: String
        let key: String
        let updatedAt: Date
        let ageSeconds: Double
    }

    struct TenantOut: Encodable {
        let tenant: String
        let sessions: Int
        let pools: Int
        let events: Int64
        let appendRatePerSecond: Double?
        let worstLagEvents: Int64
        /// Its consumers whose lag this snapshot did not count (their `lag_events` is null): the worst may be among them.
        let lagsNotCounted: Int
        let worstLagSeconds: Double
        let worstStatus: String
        let outboxRows: Int64
        let oldestOutboxAgeSeconds: Double?
        /// Events the tenant's consumers parked (schema version 9; 0 before it).
        let parked: Int64
    }
}
