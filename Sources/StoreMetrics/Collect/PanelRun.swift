import Foundation
import StoreAccess

/// Panels switched off for good (a missing privilege, table, function or schema), with the reason. Shared by
/// the collector's snapshots and read by the dashboard from another thread.
final class DisabledPanels: @unchecked Sendable {
    private let lock = NSLock()
    private var reasons: [String: (reason: String, at: ContinuousClock.Instant)] = [:]
    /// A panel switched off is tried again after this long (a grant given meanwhile brings it back).
    let retryAfter: Duration

    init(retryAfter: Duration = .seconds(60)) { self.retryAfter = retryAfter }

    /// The reason `panel` is off, if it is; nil once `retryAfter` has passed (the panel is then tried again).
    func reason(_ panel: String) -> String? {
        lock.withLock {
            guard let r = reasons[panel] else { return nil }
            if r.at.duration(to: .now) >= retryAfter {
                reasons[panel] = nil
                return nil
            }
            return r.reason
        }
    }
    /// Switches `panel` off (until `retryAfter` or `retryAll`).
    func disable(_ panel: String, _ reason: String) { lock.withLock { reasons[panel] = (reason, .now) } }
    /// Tries every switched-off panel again at the next snapshot.
    func retryAll() { lock.withLock { reasons = [:] } }
    /// Every panel switched off, with its reason.
    var all: [String: String] { lock.withLock { reasons.mapValues(\.reason) } }
}

/// One snapshot in the making: runs panels one at a time, counts their statements and records their failures.
/// A lost connection fails the snapshot; any other error is the panel's alone.
struct PanelRun {
    /// The snapshot so far.
    var snapshot: Snapshot
    /// Statements sent so far.
    private(set) var statements = 0
    let schema: StoreSchema
    let disabled: DisabledPanels

    /// Panels not started by then are not read (the rest of the snapshot is served, each one named in `errors`).
    let deadline: ContinuousClock.Instant?
    let deadlineText: String
    /// Set when the snapshot runs in one transaction (behind a pooler, `Collector.underTimeouts`): each panel
    /// then runs in a savepoint, so one panel's error does not abort the rest.
    var savepoints: Connection?

    init(takenAt: Date, schema: StoreSchema, disabled: DisabledPanels, deadline: Duration? = nil) {
        snapshot = Snapshot(takenAt: takenAt)
        self.schema = schema
        self.disabled = disabled
        self.deadline = deadline.map { ContinuousClock.now + $0 }
        deadlineText = deadline.map { Format.duration($0.seconds) } ?? "-"
    }

    /// Runs one statement of `panel` (nil when it is off or failed).
    mutating func callAsFunction<T>(_ panel: String, _ body: () throws -> T) throws -> T? {
        try self(panel) { (_: inout Int) in try body() }
    }

    /// Runs `panel`; `body` adds the statements it sends beyond its first to its argument.
    mutating func callAsFunction<T>(_ panel: String, _ body: (inout Int) throws -> T) throws -> T? {
        if let off = disabled.reason(panel) {
            snapshot.errors.append(.init(panel: panel, reason: off, disabled: true))
            return nil
        }
        if let deadline, ContinuousClock.now > deadline {
            if !snapshot.errors.contains(where: { $0.panel == panel }) {
                snapshot.errors.append(
                    .init(panel: panel, reason: "\(panel): not read: the refresh passed its \(deadlineText) deadline", disabled: false))
            }
            return nil
        }
        do {
            statements += 1
            guard let c = savepoints else { return try body(&statements) }
            try c.query(SQL("SAVEPOINT panel").named("collect.savepoint"))
            let value = try body(&statements)
            try c.query(SQL("RELEASE SAVEPOINT panel").named("collect.release"))
            statements += 2
            return value
        } catch let e as StoreError where e.isConnectionError {
            throw e
        } catch let e as StoreError {
            if let c = savepoints {
                try c.query(SQL("ROLLBACK TO SAVEPOINT panel").named("collect.rollback_panel"))
                statements += 2
            }
            let permanent = e.isPrivilegeError || e.has(.undefinedTable) || e.has(.undefinedFunction) || e.has(.invalidSchemaName)
            let reason = PanelRun.explain(panel, e, schema: schema)
            if permanent { disabled.disable(panel, reason) }
            snapshot.errors.append(.init(panel: panel, reason: reason, disabled: permanent))
            return nil
        }
    }

    /// Adds statements sent outside any panel.
    mutating func counted(_ n: Int) { statements += n }

    /// A panel error in words, with the grant to add when a privilege is missing.
    static func explain(_ panel: String, _ e: StoreError, schema: StoreSchema) -> String {
        if e.isPrivilegeError, panel.hasPrefix("foreign."), var schema = panel.split(separator: ":", maxSplits: 1).last {
            // a faucet panel ends in `/<table>` (faucet's names have no slash)
            if panel.hasPrefix("foreign.faucet:"), let slash = schema.lastIndex(of: "/") { schema = schema[..<slash] }
            return "\(panel): permission denied (\(e.message)); grant the monitoring role USAGE on schema \(schema) and SELECT on its tables"
        }
        if e.isPrivilegeError {
            return
                "\(panel): permission denied (\(e.message)); grant the monitoring role pg_monitor and SELECT on schema \(schema.name) (docs/operations.md)"
        }
        if e.code == .timeout { return "\(panel): statement timeout (\(e.message))" }
        return "\(panel): \(e.message)"
    }

    /// A note about `panel` that switches nothing off (a cut list, a missing schema).
    mutating func note(_ panel: String, _ reason: String) {
        snapshot.errors.append(.init(panel: panel, reason: reason, disabled: false))
    }
}
