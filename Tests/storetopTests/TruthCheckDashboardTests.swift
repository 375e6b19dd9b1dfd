import Foundation
import StoreAccess
import StoreTestSupport
import Testing

/// Issue 15's test on the dashboard itself: the truth check's store (`TruthCheckStore`), the real `storetop` in tmux
/// at 200×50, Overview, Consumers and Sessions visited by their keys (1, 5, 2; Enter expands a Sessions group), and
/// every figure a DBA acts on compared with SQL read just before and just after the pane is captured.
///
/// Tolerances: a figure that does not move while the hold pins the safe position (positions, lags, counts, pids,
/// session counts) must equal SQL's, to the precision of its format (`1.6k` stands for 1550…1650). A figure that
/// moves with the clock (a LAG TIME, "no progress for …", a transaction's age) must stand for a value between the
/// two readings: the frame on screen was drawn from a refresh that started after the first reading (the pane is
/// captured five refresh intervals after it) and before the second. Statuses follow the rules of docs/snapshot.md
/// where SQL decides them (behind and not moving past the 10 s threshold: STALLED; caught up: OK); the Overview's
/// worst status and consumer, and the header's worst lag, must agree with the Consumers rows and SQL's lags.
///
/// It extends `TruthCheckTests` (a serialized suite) so that no other truth-check store runs alongside: the
/// sessions view groups sessions by application_name, and the xmin horizon is the whole database's.
extension TruthCheckTests {
    /// The dashboard's refresh interval (seconds); a capture waits `5 * interval` after the first reading.
    static let dashboardInterval = 0.5

    @Test func theDashboardInTmuxShowsWhatSQLReads() throws {
        let f = try TruthCheckStore()
        defer { f.close() }
        try f.seed()
        let t = EndToEndTests.Tmux()
        defer { _ = t.run(["kill-server"]) }
        let bin = TestServer.builtProduct("storetop")
        t.launch(
            "LC_ALL=C.UTF-8 SWIFT_BACKTRACE=enable=no '\(bin)' '\(f.server.directDSN)' --schema \(f.schema) --interval \(Self.dashboardInterval)",
            width: 200, height: 50)
        try #require(t.waitFor("Worst lag", timeout: 60) && t.waitFor("big held"), "\(t.pane)")
        let overview = try DashboardScreen.capture(t, f)
        t.keys("5")
        try #require(t.waitFor("TENANT/CONSUMER"), "\(t.pane)")
        let consumers = try DashboardScreen.capture(t, f)
        t.keys("2")
        try #require(t.waitFor("SERVICE/STORE/TENANT"), "\(t.pane)")
        let sessions = try DashboardScreen.capture(t, f)
        let expanded = try expandedGroups(t, f)
        t.keys("q")
        #expect(t.waitFor("EXITED 0"), "\(t.pane)")

        var d = TruthDiffs("dashboard in tmux")
        let check = DashboardCheck(f: f)
        for (screen, view) in [(overview, "Overview"), (consumers, "Consumers"), (sessions, "Sessions")] {
            check.header(screen, view, &d)
        }
        let statuses = check.consumers(consumers, &d)
        check.overview(overview, statuses: statuses, &d)
        check.sessions(sessions, &d)
        check.expanded(expanded, &d)
        d.judge()
    }

    /// Sessions: the group holding delivery back, then the group holding the xmin horizon, each found by the filter
    /// and expanded with Enter; the pane with both open, between two readings.
    func expandedGroups(_ t: EndToEndTests.Tmux, _ f: TruthCheckStore) throws -> DashboardScreen {
        for group in ["truth-held", "truth-report"] {
            t.keys("/"); t.keys("-l", group); t.keys("Enter"); t.keys("Home"); t.keys("Enter")
            #expect(t.waitFor("▾ \(group) (other client)"), "\(t.pane)")
            t.keys("Escape")
        }
        #expect(t.waitFor("▾ truth-report (other client)") && t.pane.contains("▾ truth-held (other client)"), "\(t.pane)")
        return try DashboardScreen.capture(t, f)
    }
}

/// SQL beside the truth check's reading that only the dashboard needs.
struct DashboardReading {
    let t: TruthReading
    /// Committed events of each tenant above the safe position (waiting for the hold to end).
    var waiting: [String: Int64] = [:]
    /// Backends that hold delivery back (`events_blockers()`), and the backends others wait on for a lock.
    var blockerPIDs: Set<Int32> = []
    var lockBlockers: Set<Int32> = []
    /// The check's own sessions: application_name by pid, and each group's oldest open transaction (epoch).
    var application: [Int32: String] = [:]
    var oldestTransaction: [String: Double] = [:]
    /// When the xmin horizon holder's transaction began (epoch).
    var horizonStart: Double?

    static func read(_ f: TruthCheckStore) throws -> DashboardReading {
        var r = DashboardReading(t: try TruthReading.read(f))
        for row in try f.sql("SELECT tenant, count(*) FROM @s.events WHERE position > \(r.t.safe) GROUP BY tenant", on: f.truth) {
            r.waiting[row[0] ?? ""] = try row.decode(1)
        }
        r.blockerPIDs = Set(try f.sql("SELECT pid FROM @s.events_blockers()", on: f.truth).compactMap { $0[0].flatMap { Int32($0) } })
        r.lockBlockers = Set(
            try f.sql("SELECT DISTINCT unnest(pg_blocking_pids(pid)) FROM pg_stat_activity", on: f.truth).compactMap { $0[0].flatMap { Int32($0) } })
        for row in try f.sql(
            "SELECT pid, application_name, extract(epoch FROM xact_start) FROM pg_stat_activity WHERE application_name LIKE 'truth-%'", on: f.truth)
        {
            let pid = Int32(row[0] ?? "") ?? 0, app = row[1] ?? ""
            r.application[pid] = app
            if let start = row[2].flatMap(Double.init) { r.oldestTransaction[app] = min(r.oldestTransaction[app] ?? start, start) }
        }
        if let holder = r.t.xminHolder {
            r.horizonStart = try f.value("SELECT extract(epoch FROM xact_start) FROM pg_stat_activity WHERE pid = \(holder)", on: f.truth)
                .flatMap(Double.init)
        }
        return r
    }
}

/// One captured pane and the SQL readings taken just before and just after it.
struct DashboardScreen {
    let pane: String
    let before: DashboardReading
    let after: DashboardReading

    /// Reads SQL, waits five refresh intervals (so the frame on screen comes from a refresh begun after the reading),
    /// captures the pane, reads SQL again.
    static func capture(_ t: EndToEndTests.Tmux, _ f: TruthCheckStore) throws -> DashboardScreen {
        let before = try DashboardReading.read(f)
        usleep(useconds_t(TruthCheckTests.dashboardInterval * 5 * 1_000_000))
        let pane = t.pane
        return DashboardScreen(pane: pane, before: before, after: try DashboardReading.read(f))
    }

    /// The pane's lines (the last newline dropped).
    var lines: [String] {
        var ls = pane.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        if ls.last == "" { ls.removeLast() }
        return ls
    }

    /// The footer's status line (above the key line).
    var footer: String { lines.count >= 2 ? lines[lines.count - 2] : "" }

    /// The ages a clock figure measured from `at` can have on this frame: from the first reading's start to the
    /// second's end.
    func age(since at: Double?) -> ClosedRange<Double>? {
        guard let at else { return nil }
        return (before.t.clockStart - at)...(after.t.clockEnd - at)
    }
}

/// A table on a pane, read by the column positions of its header line.
struct PaneTable {
    /// A column: its heading, right-aligned values, values with spaces (read up to the next heading).
    struct Column {
        let label: String
        var right = false
        var spaced = false
    }

    let columns: [Column]
    /// Where each heading starts and ends (inclusive), in characters.
    private var spans: [(start: Int, end: Int)] = []
    /// The lines under the heading up to the first blank one.
    private(set) var rows: [[Character]] = []

    /// Finds the heading line (the first starting with the first column's heading and naming the second) and reads
    /// the rows under it; nil when there is none.
    init?(_ lines: [String], _ columns: [Column]) {
        self.columns = columns
        guard let h = lines.firstIndex(where: { $0.hasPrefix(columns[0].label) && $0.contains(columns[1].label) }) else { return nil }
        let heading = Array(lines[h])
        var from = 0
        for c in columns {
            let label = Array(c.label)
            guard
                let at = (from...max(from, heading.count - label.count)).first(where: {
                    Array(heading[$0..<min(heading.count, $0 + label.count)]) == label
                })
            else { return nil }
            spans.append((at, at + label.count - 1))
            from = at + label.count
        }
        rows = lines[(h + 1)...].prefix { !$0.allSatisfy { $0 == " " } }.map { Array($0) }
    }

    /// The cell of column `i` on a row: a right-aligned value ends under its heading's end; a left-aligned one starts
    /// under its heading's start (and runs to the next space, or to the next heading when its values have spaces).
    func cell(_ line: [Character], _ i: Int) -> String {
        let c = columns[i], (s, e) = spans[i]
        if c.right {
            guard e < line.count, line[e] != " " else { return "" }
            var b = e
            while b > 0 && line[b - 1] != " " { b -= 1 }
            return String(line[b...e])
        }
        guard s < line.count else { return "" }
        if c.spaced {
            let end = i + 1 < columns.count ? min(spans[i + 1].start, line.count) : line.count
            return String(line[s..<max(s, end)]).trimmingCharacters(in: .whitespaces)
        }
        return String(line[s...].prefix { $0 != " " })
    }

    /// Every row as heading → cell, keyed by its first column's cell.
    var byKey: [String: [String: String]] {
        var out: [String: [String: String]] = [:]
        for line in rows {
            let cells = Dictionary(uniqueKeysWithValues: columns.indices.map { (columns[$0].label, cell(line, $0)) })
            out[cells[columns[0].label] ?? ""] = out[cells[columns[0].label] ?? ""] ?? cells
        }
        return out
    }
}

/// What a cell's text can stand for (the formats of `Format.count` and `Format.duration`).
enum DashboardText {
    /// "950" is 950; "1.6k" 1550…1650; "≥100k" at least 100,000 (a capped count).
    static func count(_ s: String) -> ClosedRange<Double>? {
        let capped = s.hasPrefix("≥"), body = capped ? String(s.dropFirst()) : s
        let scales: [(String, Double)] = [("k", 1e3), ("M", 1e6), ("G", 1e9)]
        let value: Double
        var half = 0.0
        if let unit = scales.first(where: { body.hasSuffix($0.0) }) {
            let scale = unit.1
            guard let v = Double(body.dropLast(unit.0.count)) else { return nil }
            value = v * scale
            half = body.contains(".") ? 0.05 * scale : 0.5 * scale
        } else {
            guard let v = Double(body) else { return nil }
            value = v
        }
        return capped ? (value - half)...Double.greatestFiniteMagnitude : (value - half)...(value + half)
    }

    /// "4.2s" is 4.15…4.25 s; "12s" and "3m05s" ±0.5 s (rounded); "2h14m" 2h14m…2h15m and "3d4h" 3d4h…3d5h
    /// (the last unit cut, the seconds rounded).
    static func duration(_ s: String) -> ClosedRange<Double>? {
        let units: [Character: Double] = ["d": 86400, "h": 3600, "m": 60, "s": 1]
        var total = 0.0, last = 0.0, number = ""
        for ch in s {
            if ch.isNumber || ch == "." { number.append(ch); continue }
            guard let u = units[ch], let v = Double(number) else { return nil }
            total += v * u
            last = u
            number = ""
        }
        guard number.isEmpty, last > 0 else { return nil }
        if s.contains(".") { return (total - 0.05)...(total + 0.05) }
        return last == 1 ? (total - 0.5)...(total + 0.5) : (total - 0.5)...(total + last + 0.5)
    }

    /// The word after `marker` in `text` (up to a space or `)`), if `marker` is there.
    static func after(_ marker: String, in text: String) -> String? {
        guard let r = text.range(of: marker) else { return nil }
        return String(text[r.upperBound...].prefix { $0 != " " && $0 != ")" })
    }

    /// Order of badness of the STATUS column (docs/snapshot.md, "worst").
    static let severity = ["OK": 0, "LAGGING": 1, "PAUSED": 1, "REWOUND": 2, "STALLED": 3, "STOPPED": 4]
}
