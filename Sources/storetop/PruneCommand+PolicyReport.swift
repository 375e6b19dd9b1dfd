import Foundation
import StoreAccess
import StoreMetrics

/// What one `storetop prune --policy` run did, target by target and outbox by outbox: printed as it goes (text) or
/// at the end (`--json`, the same fields in snake_case).
struct PolicyReport: Encodable {
    /// One target's store in one schema.
    struct TargetRun: Encodable {
        var target: String
        var schema: String
        var outboxes: [OutboxRun] = []
        /// Why the outboxes could not be listed (connection, schema, privilege).
        var error: String?
    }

    /// One outbox and what its rule did (no steps: no rule covers it, it is kept).
    struct OutboxRun: Encodable {
        var tenant: String
        var kind: String
        var rule: String?
        /// The rule's policy (`safe`, `safe+7d`, `safe min 1h`).
        var policy: String?
        /// The rule in full, with what it covers (recorded here until the prune's audit row can carry it).
        var ruleText: String?
        var steps: [Step] = []
    }

    /// One prune (a mode of the rule): its plan and, when executed, its outcome and audit row.
    struct Step: Encodable {
        /// `safe` or `forced` (the age bound of safe+age).
        var mode: String
        /// Rows must be older than this (min_age, or max_age for the age bound).
        var olderThan: Date?
        var plannedRows = 0
        var totalRows = 0
        var firstID: Int64?
        var lastID: Int64?
        /// Watchers that have not passed rows this prune deletes (age bound only).
        var missedWatchers: [String] = []
        var deleted = 0
        var batches = 0
        var durationMs: Double?
        var auditID: Int64?
        /// `dry-run`, `nothing` (no row to delete), `done`, `cancelled` or `failed`.
        var status = "planned"
        var error: String?

        init(mode: PruneMode) { self.mode = mode.name }

        mutating func planned(_ p: PrunePlan) {
            (olderThan, plannedRows, totalRows, firstID, lastID) = (p.olderThan, p.rows, p.totalRows, p.firstID, p.lastID)
            missedWatchers = p.missedWatchers.map(\.name)
        }

        mutating func executed(_ r: PruneReport) {
            (deleted, batches, auditID, durationMs) = (r.deleted, r.batches, r.auditID, r.duration.seconds * 1000)
            (firstID, lastID) = (r.firstID, r.lastID)
            status = r.cancelled ? "cancelled" : "done"
        }
    }

    /// The run in numbers.
    struct Summary: Encodable {
        var outboxes = 0
        var withRule = 0
        var prunes = 0
        var rowsDeleted = 0
        var failed = 0
        var cancelled = 0
    }

    var dryRun: Bool
    var targets: [TargetRun] = []
    var summary = Summary()
    /// A signal stopped the run (a prune was cancelled): nothing more is started.
    var stopped: Bool { summary.cancelled > 0 }

    init(dryRun: Bool) { self.dryRun = dryRun }

    mutating func count(_ s: Step) {
        if s.status == "done" || s.status == "cancelled" { summary.prunes += 1 }
        summary.rowsDeleted += s.deleted
        if s.status == "failed" { summary.failed += 1 }
        if s.status == "cancelled" { summary.cancelled += 1 }
    }
}

/// Prints a policy run: lines as it goes, or the JSON document at the end.
struct PolicyPrinter {
    let json: Bool

    func line(_ s: String) {
        guard !json else { return }
        print(s)
        fflush(nil)
    }

    func target(_ t: PolicyReport.TargetRun) { line("target \(t.target.isEmpty ? "(libpq environment)" : t.target), schema \(t.schema)") }

    func targetError(_ t: PolicyReport.TargetRun) { line("  FAILED: \(t.error ?? "")") }

    func outbox(_ o: PolicyReport.OutboxRun) {
        line("  \(o.tenant)/\(o.kind): " + (o.ruleText ?? "no rule: kept"))
    }

    func step(_ s: PolicyReport.Step) {
        var t = "    \(s.mode == "safe" ? "safe" : "age bound")"
        if let o = s.olderThan { t += " (older than \(ISO8601DateFormatter().string(from: o)))" }
        t += ": \(s.plannedRows) of \(s.totalRows) rows"
        if let f = s.firstID, let l = s.lastID { t += " (ids \(f)…\(l))" }
        if !s.missedWatchers.isEmpty { t += "; WARNING: watchers that will miss rows: " + s.missedWatchers.joined(separator: ", ") }
        switch s.status {
        case "done", "cancelled":
            t += " → \(s.status == "cancelled" ? "cancelled after the current batch: " : "")deleted \(s.deleted) in \(s.batches) batches"
            t += String(format: ", %.0f ms", s.durationMs ?? 0) + "; audit id \(s.auditID.map(String.init) ?? "-")"
        case "failed": t += " → FAILED: \(s.error ?? "")"
        case "dry-run": t += " → dry run: nothing deleted"
        default: t += " → nothing to delete"
        }
        line(t)
    }

    func finish(_ r: PolicyReport) {
        guard json else {
            let s = r.summary
            print(
                "summary: \(s.outboxes) outboxes, \(s.withRule) with a rule, \(s.rowsDeleted) rows deleted in \(s.prunes) prunes, "
                    + "\(s.failed) failed, \(s.cancelled) cancelled\(r.dryRun ? " (dry run)" : "")")
            return
        }
        let e = JSONEncoder()
        e.keyEncodingStrategy = .convertToSnakeCase
        e.dateEncodingStrategy = .iso8601
        e.outputFormatting = [.prettyPrinted, .sortedKeys]
        print(String(decoding: (try? e.encode(r)) ?? Data("{}".utf8), as: UTF8.self))
    }
}
