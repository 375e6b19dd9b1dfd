import Foundation

/// What a prune dialog acts on: an outbox of storetop's own store, or of another library's (`store` is its label,
/// `zestor:app`: zestor outboxes are the only foreign ones storetop prunes, by age).
public struct PruneTarget: Equatable, Hashable, Sendable {
    /// The foreign store's label; nil for StoreAccess's own outbox.
    public var store: String?
    /// The tenant (zestor: the ns_id).
    public var tenant: String
    /// The outbox kind.
    public var kind: String

    /// A target; `store` nil for the own store.
    public init(store: String? = nil, tenant: String, kind: String) { (self.store, self.tenant, self.kind) = (store, tenant, kind) }

    /// The dialog's name for it: `acme/orders`, or `zestor:app 7/order`.
    public var name: String { (store.map { $0 + " " } ?? "") + "\(tenant)/\(kind)" }

    /// The choices the dialog offers: safe mode needs durable watchers, which only StoreAccess's outboxes have
    /// (zestor's watchers live in the application's memory), so a foreign outbox is pruned by age only.
    public var choices: [PruneChoice] { store == nil ? PruneChoice.allCases : [.olderThan1h, .olderThan24h] }
}

/// The prune choices offered by the dialog.
public enum PruneChoice: Equatable, Sendable, CaseIterable {
    case safe, olderThan1h, olderThan24h

    /// The dialog line.
    var label: String {
        switch self {
        case .safe: return "safe: only rows every registered watcher has passed"
        case .olderThan1h: return "forced: rows older than 1 hour, whatever the watchers"
        case .olderThan24h: return "forced: rows older than 24 hours, whatever the watchers"
        }
    }

    /// Forced mode's age in seconds; nil for safe mode (only rows every watcher passed).
    public var forcedOlderThanSeconds: Double? {
        switch self {
        case .safe: return nil
        case .olderThan1h: return 3600
        case .olderThan24h: return 86400
        }
    }
}

/// A planned prune as the confirm dialog shows it. The UI never imports StoreAccess, so the action service
/// that made the plan keeps the plan itself in `payload` and reads it back to execute it.
public struct PruneProposal: Equatable, Sendable {
    /// A durable watcher and how far it got.
    public struct Watcher: Equatable, Sendable {
        /// The consumer name.
        public var name: String
        /// The last outbox id it handled.
        public var position: Int64
        /// A watcher at `position`.
        public init(name: String, position: Int64) { self.name = name; self.position = position }
    }

    /// The outbox: tenant and kind.
    public var tenant: String
    /// The outbox kind.
    public var kind: String
    /// `safe` or `forced`.
    public var modeName: String
    /// Rows must also be older than this (nil: no age condition).
    public var olderThan: Date?
    /// Rows the plan deletes.
    public var rows: Int
    /// Rows in the outbox now.
    public var totalRows: Int
    /// Oldest candidate id.
    public var firstID: Int64?
    /// Newest candidate id.
    public var lastID: Int64?
    /// Registered watchers and their positions.
    public var watchers: [Watcher]
    /// Watchers that will miss rows (forced mode).
    public var missedWatchers: [Watcher]
    /// The service's own plan (opaque here; not compared).
    public var payload: (any Sendable)?
    /// The foreign store's label (`zestor:app`); nil for the own store.
    public var store: String? = nil
    /// Why the prune would be refused (a listener idle longer than the age, a missing privilege): shown, and the
    /// dialog then offers no Yes.
    public var refusal: String? = nil
    /// Further lines for the dialog (a zestor outbox's listener sessions and their idle times, the audit table).
    public var notes: [String] = []

    /// A proposal; `payload` is whatever the action service needs to execute it.
    public init(
        tenant: String, kind: String, modeName: String, olderThan: Date?, rows: Int, totalRows: Int, firstID: Int64?,
        lastID: Int64?, watchers: [Watcher], missedWatchers: [Watcher], payload: (any Sendable)? = nil
    ) {
        (self.tenant, self.kind, self.modeName, self.olderThan, self.rows, self.totalRows) = (tenant, kind, modeName, olderThan, rows, totalRows)
        (self.firstID, self.lastID, self.watchers, self.missedWatchers, self.payload) = (firstID, lastID, watchers, missedWatchers, payload)
    }

    /// Equal when everything shown is equal (the payload is not compared).
    public static func == (a: PruneProposal, b: PruneProposal) -> Bool {
        (a.tenant, a.kind, a.modeName, a.olderThan) == (b.tenant, b.kind, b.modeName, b.olderThan)
            && (a.rows, a.totalRows, a.firstID, a.lastID) == (b.rows, b.totalRows, b.firstID, b.lastID) && a.watchers == b.watchers
            && a.missedWatchers == b.missedWatchers && (a.store, a.refusal, a.notes) == (b.store, b.refusal, b.notes)
    }
}

/// What an executed prune reports back to the dashboard.
public struct PruneOutcome: Sendable, Equatable {
    /// Rows deleted.
    public var deleted: Int
    /// Batches run.
    public var batches: Int
    /// Wall time of the prune.
    public var milliseconds: Double
    /// Stopped early on request.
    public var cancelled: Bool
    /// The audit row's id.
    public var auditID: Int64
    /// The audit table holding it (`prune_audit`, or the DBA-named schema's `storetop_foreign_prune_audit`).
    public var auditTable = "prune_audit"
    /// An outcome.
    public init(deleted: Int, batches: Int, milliseconds: Double, cancelled: Bool, auditID: Int64) {
        (self.deleted, self.batches, self.milliseconds, self.cancelled, self.auditID) = (deleted, batches, milliseconds, cancelled, auditID)
    }
}
