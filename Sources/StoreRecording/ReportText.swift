import Foundation
import SafeText
import StoreMetrics

/// The report for a terminal: one section per question, tables with aligned columns. Every name from the database
/// (tenants, consumers, application names, errors) goes through `DisplayText.sanitize`: they are data.
public enum ReportText {
    /// The text of `reports` (one per target).
    public static func render(_ reports: [RecordingReport]) -> String {
        reports.map(render).joined(separator: "\n")
    }

    /// The text of one target's report.
    public static func render(_ r: RecordingReport) -> String {
        var out = "storetop report: \(safe(r.target))"
        if let from = r.from, let to = r.to {
            out += ", \(time(from)) → \(time(to)) (\(Format.duration(to.timeIntervalSince(from)))), \(r.snapshots) snapshots\n"
        } else {
            out += ": no snapshot in the interval\n"
            return out
        }
        out += stalls(r) + consumers(r) + rates(r) + outboxes(r) + sessions(r) + transactions(r) + horizon(r) + pools(r) + server(r)
        return out
    }

    static func stalls(_ r: RecordingReport) -> String {
        var rows: [[String]] = [["CONSUMER", "STATUS", "START", "END", "DURATION", "HELD BY"]]
        var reasons: [Int: String] = [:]
        for i in r.stalls {
            let start = (i.fromStart ? "≤ " : "") + time(i.start)
            let end = i.end.map(time) ?? "still \(i.status.uppercased()) at the end"
            let held = i.heldBy.map { "\($0.holds) pid \($0.pid)" + ($0.application.map { " (\(safe($0)))" } ?? "") }.joined(separator: ", ")
            rows.append([
                "\(safe(i.tenant))/\(safe(i.name))", i.status.uppercased(), start, end, Format.duration(i.seconds), held.isEmpty ? "-" : held,
            ])
            reasons[rows.count - 1] = safe(i.reason)
        }
        return section("Stalls: consumers not OK, or their delivery held back (the dashboard's statuses)", rows, notes: reasons)
    }

    static func consumers(_ r: RecordingReport) -> String {
        var rows: [[String]] = [["CONSUMER", "WORST LAG", "AT", "OLDEST ROW", "AT", "WORST STATUS", "LAST STATUS"]]
        for c in r.consumers {
            rows.append([
                "\(safe(c.tenant))/\(safe(c.name))", (c.lagCapped ? "≥" : "") + Format.count(c.worstLagEvents), time(c.worstLagEventsAt),
                Format.duration(c.worstLagSeconds), time(c.worstLagSecondsAt), c.worstStatus.rawValue.uppercased(),
                c.lastStatus.rawValue.uppercased(),
            ])
        }
        return section("Consumers: worst lag", rows)
    }

    static func rates(_ r: RecordingReport) -> String {
        var rows: [[String]] = [["TENANT", "P50", "P99", "MAX", "AT", "SAMPLES"]]
        for t in r.tenants {
            rows.append([safe(t.tenant), rate(t.p50), rate(t.p99), rate(t.max), t.maxAt.map(time) ?? "-", String(t.samples)])
        }
        return section("Append rate per tenant (events/s between consecutive snapshots)", rows)
    }

    static func outboxes(_ r: RecordingReport) -> String {
        var rows: [[String]] = [["OUTBOX", "FIRST", "LAST", "MAX", "AT", "APPENDED", "PRUNES", "PRUNED ROWS", "LAST PRUNE"]]
        for o in r.outboxes {
            rows.append([
                "\(safe(o.tenant))/\(safe(o.kind))", Format.count(o.rowsFirst), Format.count(o.rowsLast), Format.count(o.rowsMax), time(o.rowsMaxAt),
                Format.count(o.appended), String(o.prunes), Format.count(o.prunedRows), o.lastPruneAt.map(time) ?? "-",
            ])
        }
        return section("Outboxes: rows (first, last, peak), appends and prunes", rows)
    }

    /// A titled table, "(none)" when it has no row; `notes[i]` is printed indented under row `i`.
    static func section(_ title: String, _ rows: [[String]], notes: [Int: String] = [:]) -> String {
        guard rows.count > 1 else { return "\n\(title)\n  (none)\n" }
        var widths = [Int](repeating: 0, count: rows[0].count)
        for row in rows { for (i, cell) in row.enumerated() { widths[i] = max(widths[i], cell.count) } }
        var out = "\n\(title)\n"
        for (n, row) in rows.enumerated() {
            let cells = row.enumerated().map { i, cell in i == row.count - 1 ? cell : cell + String(repeating: " ", count: widths[i] - cell.count) }
            out += "  " + cells.joined(separator: "  ") + "\n"
            if let note = notes[n] { out += "      \(note)\n" }
        }
        return out
    }

    /// A name or text from the database, made safe to print.
    static func safe(_ s: String) -> String { DisplayText.sanitize(s) }

    /// A moment in UTC, to the second (as `--from`/`--to` take it).
    static func time(_ d: Date) -> String {
        let f = ISO8601DateFormatter()
        f.formatOptions = [.withInternetDateTime]
        return f.string(from: d)
    }

    /// A rate with a precision that suits its size.
    static func rate(_ v: Double) -> String { v < 10 ? String(format: "%.2f", v) : Format.count(v) }
}
