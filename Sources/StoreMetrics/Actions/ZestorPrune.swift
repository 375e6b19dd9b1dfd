import Foundation

/// A session listening on `zestor_events`: each zestor store instance keeps one, and its watchers (in memory only)
/// read the outbox when it is notified.
public struct ZestorListener: Sendable, Equatable, Codable {
    /// The backend's process id.
    public let pid: Int32
    /// Its `application_name` (zestor sets none, so usually the application's own or empty).
    public let application: String
    /// Its role.
    public let user: String
    /// `pg_stat_activity.state`.
    public let state: String
    /// Seconds since its state last changed (0 while active): how long it has not LISTENed again.
    public let idleSeconds: Double
}

/// What a zestor outbox prune would delete, computed by `Actions.planZestorPrune` (changes nothing). The candidates
/// are the outbox rows of one namespace and kind, oldest first by id, up to the first row younger than the age.
public struct ZestorPrunePlan: Sendable, Equatable {
    /// The zestor store's schema.
    public let schema: String
    /// The namespace (`ns_id`) as text, as the dashboard shows tenants.
    public let tenant: String
    /// The namespace as zestor stores it.
    public let nsID: Int64
    /// The outbox kind.
    public let kind: String
    /// The age asked: rows older than this are candidates.
    public let olderThan: Duration
    /// The schema of the audit table (`storetop_foreign_prune_audit`).
    public let auditSchema: String
    /// The server's time when planned.
    public let plannedAt: Date
    /// `plannedAt - olderThan`: candidates were written before this (server time).
    public let cutoff: Date
    /// The exact number of candidate rows.
    public let rows: Int
    /// The first and last candidate id (nil when there is nothing to delete); execute deletes only within them.
    public let firstID: Int64?
    /// See `firstID`.
    public let lastID: Int64?
    /// Rows in this outbox now.
    public let totalRows: Int
    /// Age of the outbox's oldest row at `plannedAt` (nil when it is empty).
    public let oldestAgeSeconds: Double?
    /// The database's `LISTEN zestor_events` sessions, longest idle first.
    public let listeners: [ZestorListener]
    /// Sessions of this database whose statements this role may not see (without pg_monitor): listeners among them
    /// could not be checked.
    public let hiddenSessions: Int
    /// Why this role may not execute the prune (nil: it may), naming each missing privilege.
    public let missingPrivileges: String?

    /// Listeners idle longer than the age asked: each may be a watcher that started before the candidate rows and
    /// still reads them, so the prune is refused while there is one.
    public var blockingListeners: [ZestorListener] { Self.blocking(listeners, olderThan: olderThan) }

    /// Why executing this plan is refused (nil: it may run): a listener idle longer than the age, or a privilege.
    public var refusal: String? { Self.refusal(blockingListeners, olderThan: olderThan) ?? missingPrivileges }

    static func blocking(_ listeners: [ZestorListener], olderThan: Duration) -> [ZestorListener] {
        listeners.filter { $0.idleSeconds > olderThan.seconds }
    }

    /// The refusal naming each blocking listener, its application and idle time (nil when none blocks).
    static func refusal(_ blocking: [ZestorListener], olderThan: Duration) -> String? {
        guard !blocking.isEmpty else { return nil }
        let who = blocking.prefix(5).map { l in
            "pid \(l.pid) (application \(l.application.isEmpty ? "unset" : "'\(l.application)'"), role \(l.user)) idle for \(Format.duration(l.idleSeconds))"
        }
        let more = blocking.count > 5 ? " and \(blocking.count - 5) more" : ""
        return "zestor listener " + who.joined(separator: ", ") + more
            + " longer than the age asked (\(Format.duration(olderThan.seconds))): it may be a watcher that started before those rows and"
            + " still reads them; a live zestor listener LISTENs again about every minute, so find out why it is stuck (or end it), or ask for an older age"
    }
}

/// The result of an executed zestor prune, as its audit row says it.
public struct ZestorPruneReport: Sendable, Equatable {
    /// The plan executed.
    public let plan: ZestorPrunePlan
    /// Rows deleted (committed).
    public let deleted: Int
    /// Batches that deleted rows.
    public let batches: Int
    /// First and last id deleted.
    public let firstID: Int64?
    /// See `firstID`.
    public let lastID: Int64?
    /// Wall time of the execution.
    public let duration: Duration
    /// True when the progress callback stopped it (status `cancelled`).
    public let cancelled: Bool
    /// Batches retried after a lock timeout.
    public let lockTimeouts: Int
    /// The audit row's id in `<auditSchema>.storetop_foreign_prune_audit`.
    public let auditID: Int64
    /// The audit table, qualified (for messages).
    public var auditTable: String { plan.auditTable }
}
