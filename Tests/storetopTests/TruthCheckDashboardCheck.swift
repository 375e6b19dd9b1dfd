import Foundation
import Testing

/// The dashboard's panes (`DashboardScreen`) against the SQL readings taken around them; tolerances are those of
/// `TruthCheckTests.theDashboardInTmuxShowsWhatSQLReads`.
struct DashboardCheck {
    let f: TruthCheckStore

    static let overviewColumns: [PaneTable.Column] = [
        .init(label: "TENANT", spaced: true), .init(label: "SESS", right: true), .init(label: "POOLS", right: true),
        .init(label: "EVENTS", right: true), .init(label: "APPEND/S", right: true), .init(label: "TREND"),
        .init(label: "WORST LAG", right: true), .init(label: "LAG TIME", right: true), .init(label: "STATUS"), .init(label: "CONSUMER"),
        .init(label: "PARKED", right: true), .init(label: "OUTBOX", right: true), .init(label: "OLDEST", right: true),
    ]
    static let consumerColumns: [PaneTable.Column] = [
        .init(label: "TENANT/CONSUMER"), .init(label: "SOURCE"), .init(label: "POSITION", right: true), .init(label: "LAG", right: true),
        .init(label: "LAG TIME", right: true), .init(label: "RATE/S", right: true), .init(label: "CATCH-UP", right: true),
        .init(label: "PARKED", right: true), .init(label: "STATUS"), .init(label: "WHY", spaced: true),
    ]
    static let sessionColumns: [PaneTable.Column] = [
        .init(label: "SERVICE/STORE/TENANT", spaced: true), .init(label: "TOTAL", right: true), .init(label: "ACTIVE", right: true),
        .init(label: "IDLE", right: true), .init(label: "IDLE-TX", right: true), .init(label: "WAIT", right: true),
        .init(label: "LONGEST Q", right: true), .init(label: "OLDEST TX", right: true),
    ]

    /// A figure that moves with the clock: the value its text stands for lies between the readings (10 ms for the
    /// clocks' own rounding).
    func clock(_ d: inout TruthDiffs, _ figure: String, _ row: String, _ text: String?, _ want: ClosedRange<Double>?) {
        var ok = false
        if let shown = text.flatMap(DashboardText.duration), let want {
            ok = shown.lowerBound <= want.upperBound + 0.01 && want.lowerBound - 0.01 <= shown.upperBound
        }
        d.holds(figure, row, ok, "shown \"\(text ?? "absent")\", SQL between \(want.map { "\($0)" } ?? "absent") s")
    }

    /// A count that does not move: its text stands for SQL's value, the same in both readings.
    func count(_ d: inout TruthDiffs, _ figure: String, _ row: String, _ text: String?, _ before: Int64?, _ after: Int64?) {
        var ok = false
        if let shown = text.flatMap(DashboardText.count), let before, before == after { ok = shown.contains(Double(before)) }
        d.holds(
            figure, row, ok,
            "shown \"\(text ?? "absent")\", SQL \(before.map { "\($0)" } ?? "absent") before, \(after.map { "\($0)" } ?? "absent") after")
    }

    /// The pid the dashboard must name as holding delivery back (the first blocker by registered position).
    func holdingPID(_ s: DashboardScreen) -> String? { s.before.t.blockers.first.flatMap { DashboardText.after("pid ", in: $0) } }

    /// The header's held-back item (pid and transaction age) and horizon item (only once the holder's transaction is
    /// over 5 minutes old), and the status line naming the holder (once its transaction is over 5 s old), on one view.
    func header(_ s: DashboardScreen, _ view: String, _ d: inout TruthDiffs) {
        let top = s.lines.first ?? "", row = "\(view) header", b = s.before
        let pid = holdingPID(s)
        d.check("header: held back by pid N", row, DashboardText.after("held back by pid ", in: top), pid)
        clock(
            &d, "header: the holder's transaction age", row, DashboardText.after("held back by pid \(pid ?? "-") ", in: top),
            s.age(since: b.t.heldTransactionStart))
        if let holder = b.t.xminHolder, holder == s.after.t.xminHolder, let age = s.age(since: b.horizonStart) {
            if age.upperBound < 300 {
                d.holds("header: no horizon item before 5 minutes", row, !top.contains("horizon"), "holder pid \(holder), \(age) s: \(top)")
            } else if age.lowerBound >= 300 {
                d.holds("header: horizon pid N past 5 minutes", row, top.contains("horizon pid \(holder) "), "holder pid \(holder), \(age) s: \(top)")
            }
        }
        // the status line says it in full once the transaction is over 5 s old (either way when it crossed 5 s between the readings)
        guard let open = s.age(since: b.t.heldTransactionStart), open.upperBound > 5 else {
            d.holds("footer: no holder named before 5 s", view, !s.footer.contains("held back"), s.footer)
            return
        }
        if open.lowerBound <= 5 && !s.footer.contains("held back") { return }
        d.check("footer: delivery held back by pid N", view, DashboardText.after("events delivery held back by pid ", in: s.footer), pid)
        clock(&d, "footer: the holder's transaction age", view, DashboardText.after("(transaction ", in: s.footer), open)
    }

    /// Every consumer's row: position, source, LAG in its own unit, LAG TIME, STATUS and WHY. Returns the STATUS
    /// shown for each.
    func consumers(_ s: DashboardScreen, _ d: inout TruthDiffs) -> [String: String] {
        guard let table = PaneTable(s.lines, Self.consumerColumns) else {
            d.holds("the Consumers table", "pane", false, s.pane)
            return [:]
        }
        let rows = table.byKey
        var statuses: [String: String] = [:]
        for c in TruthCheckStore.consumers {
            let row = rows[c.key] ?? [:]
            guard let b = s.before.t.cursors[c.key], let a = s.after.t.cursors[c.key] else { continue }
            statuses[c.key] = row["STATUS"]
            d.check("POSITION", c.key, row["POSITION"], b.position == a.position ? "\(b.position)" : nil)
            d.check("SOURCE", c.key, row["SOURCE"], c.source + (c.kind.map { ":\($0)" } ?? ""))
            count(&d, "LAG (rows of its tenant and filter up to the safe position)", c.key, row["LAG"], b.lagEvents, a.lagEvents)
            if b.lagEvents > 0 {
                clock(&d, "LAG TIME (its first unhandled row's age)", c.key, row["LAG TIME"], s.age(since: b.firstUnhandledAt))
            } else {
                d.check("LAG TIME of a caught-up consumer", c.key, row["LAG TIME"], "-")
            }
            status(s, c, row, b, &d)
            why(s, c, row["WHY"] ?? "", b, &d)
        }
        return statuses
    }

    /// STATUS where SQL decides it: the stuck one STALLED, caught up OK (held back or not), behind and still past
    /// the 10 s threshold with its owner connected STALLED, the lockless SQL consumer not STOPPED.
    func status(_ s: DashboardScreen, _ c: TruthConsumer, _ row: [String: String], _ b: TruthCursor, _ d: inout TruthDiffs) {
        let shown = row["STATUS"] ?? "absent"
        if c.key == TruthCheckStore.stuck {
            d.check("STATUS of the consumer stuck for 20 minutes", c.key, shown, "STALLED")
        } else if c.key == TruthCheckStore.lockless {
            d.holds(
                "STATUS of the lockless consumer that heartbeats: not STOPPED", c.key, shown != "STOPPED" && DashboardText.severity[shown] != nil,
                "STATUS \(shown), WHY \(row["WHY"] ?? "")")
        } else if b.lagEvents == 0 {
            d.check("STATUS of a caught-up consumer (held back or not)", c.key, shown, "OK")
        } else if b.owned && b.stillFor(at: s.before.t.clockStart) > 10 {
            d.check("STATUS behind and not moving for over 10 s", c.key, shown, "STALLED")
        }
    }

    /// WHY: every row behind the hold names the holding pid and its transaction's age, no row with nothing of its own
    /// waiting above the safe position names a hold, and the stuck consumer says for how long it made no progress.
    func why(_ s: DashboardScreen, _ c: TruthConsumer, _ why: String, _ b: TruthCursor, _ d: inout TruthDiffs) {
        if b.heldBack {
            d.check(
                "WHY names the holding pid on every held-back row", c.key, DashboardText.after("delivery held back by pid ", in: why), holdingPID(s))
            clock(
                &d, "WHY: the holder's transaction age", c.key, DashboardText.after("(transaction ", in: why),
                s.age(since: s.before.t.heldTransactionStart))
        } else if b.waitingAboveSafe == 0 {
            d.holds("WHY names no hold where nothing of its own waits above the safe position", c.key, !why.contains("held back"), "WHY \"\(why)\"")
        }
        guard c.key == TruthCheckStore.stuck else { return }
        clock(
            &d, "WHY of the stuck consumer: no progress for (its stored last move)", c.key, DashboardText.after("no progress for ", in: why),
            s.age(since: b.movedAt))
        count(
            &d, "WHY of the stuck consumer: N behind", c.key, DashboardText.after(" while ", in: why), b.lagEvents,
            s.after.t.cursors[c.key]?.lagEvents)
        clock(&d, "WHY of the stuck consumer: oldest", c.key, DashboardText.after("(oldest ", in: why), s.age(since: b.firstUnhandledAt))
    }
}

extension DashboardCheck {
    /// Overview: each tenant's held mark, events, worst lag and its age, outbox rows and their oldest, its worst
    /// status and consumer (from the Consumers rows); the header's worst lag is the worst tenant's.
    func overview(_ s: DashboardScreen, statuses: [String: String], _ d: inout TruthDiffs) {
        guard let table = PaneTable(s.lines, Self.overviewColumns) else {
            d.holds("the Overview table", "pane", false, s.pane)
            return
        }
        let rows = Dictionary(table.byKey.map { ($0.key.split(separator: " ").first.map(String.init) ?? "", $0.value) }) { a, _ in a }
        let b = s.before, a = s.after
        for t in TruthCheckStore.tenants {
            let row = rows[t] ?? [:], mine = TruthCheckStore.consumers.filter { $0.tenant == t }
            let held = !b.blockerPIDs.isEmpty && (b.waiting[t] ?? 0) > 0 && b.waiting[t] == a.waiting[t]
            d.check("TENANT and its held mark (committed events wait above the safe position)", t, row["TENANT"], held ? "\(t) held" : t)
            count(&d, "EVENTS (up to the safe position)", t, row["EVENTS"], b.t.tenants[t]?.events, a.t.tenants[t]?.events)
            count(
                &d, "WORST LAG", t, row["WORST LAG"], mine.compactMap { b.t.cursors[$0.key]?.lagEvents }.max(),
                mine.compactMap { a.t.cursors[$0.key]?.lagEvents }.max())
            clock(&d, "LAG TIME (the worst)", t, row["LAG TIME"], s.age(since: mine.compactMap { b.t.cursors[$0.key]?.firstUnhandledAt }.min()))
            let boxes = b.t.outboxes.filter { $0.key.hasPrefix(t + "/") }.values
            let rowsAfter = a.t.outboxes.filter { $0.key.hasPrefix(t + "/") }.values.reduce(0) { $0 + $1.rows }
            count(&d, "OUTBOX rows", t, row["OUTBOX"], boxes.reduce(0) { $0 + $1.rows }, rowsAfter)
            if let oldest = boxes.filter({ $0.rows > 0 }).map(\.oldestAt).min() {
                clock(&d, "OLDEST outbox row's age", t, row["OLDEST"], s.age(since: oldest))
            } else {
                d.check("OLDEST outbox row's age", t, row["OLDEST"], "-")
            }
            let worst = mine.map { c in
                (name: c.name, status: statuses[c.key] ?? "absent", lag: b.t.cursors[c.key]?.lagEvents ?? 0)
            }
            let top = worst.max { (DashboardText.severity[$0.status] ?? -1, $0.lag) < (DashboardText.severity[$1.status] ?? -1, $1.lag) }
            d.check("STATUS: the worst of its consumers' rows", t, row["STATUS"], top?.status)
            let named = worst.filter { $0.status == top?.status && $0.lag == top?.lag }.map(\.name)
            d.holds(
                "CONSUMER: the one with the worst status (the larger lag on a tie)", t, named.contains(row["CONSUMER"] ?? ""),
                "shown \(row["CONSUMER"] ?? "absent"), wanted one of \(named) (statuses \(worst))")
        }
        worstLag(s, rows, &d)
    }

    /// The header's "Worst lag X D STATUS (tenant/consumer)" is the row of the tenant with the worst status, the
    /// larger lag (by SQL) on a tie, as the Overview shows it.
    func worstLag(_ s: DashboardScreen, _ rows: [String: [String: String]], _ d: inout TruthDiffs) {
        let meters = s.lines.count > 1 ? s.lines[1] : ""
        let shown = meters.range(of: "Worst lag ").map { String(meters[$0.upperBound...].prefix { $0 != ")" }) + ")" } ?? "absent"
        func lag(_ t: String) -> Int64 {
            TruthCheckStore.consumers.filter { $0.tenant == t }.compactMap { s.before.t.cursors[$0.key]?.lagEvents }.max() ?? 0
        }
        func rank(_ t: String) -> (Int, Int64) { (DashboardText.severity[rows[t]?["STATUS"] ?? ""] ?? -1, lag(t)) }
        let top = TruthCheckStore.tenants.map(rank).max { $0 < $1 }
        let wanted = TruthCheckStore.tenants.filter { rank($0) == top! }.map { t in
            let r = rows[t] ?? [:]
            return "\(r["WORST LAG"] ?? "-") \(r["LAG TIME"] ?? "-") \(r["STATUS"] ?? "-") (\(t)/\(r["CONSUMER"] ?? "-"))"
        }
        d.holds("header: Worst lag is the worst tenant's row", "header", wanted.contains(shown), "shown \"\(shown)\", wanted one of \(wanted)")
    }

    /// Sessions: every group of the check's own sessions collapsed, with its marks ([lock], [delivery], [horizon]: one
    /// of its backends holds it, by SQL), its counts and its oldest transaction's age.
    func sessions(_ s: DashboardScreen, _ d: inout TruthDiffs) {
        guard let table = PaneTable(s.lines, Self.sessionColumns) else {
            d.holds("the Sessions table", "pane", false, s.pane)
            return
        }
        let rows = table.byKey, b = s.before, a = s.after
        for g in b.t.groups.keys.sorted() {
            let key = rows.keys.first { $0.hasPrefix("▸ \(g) (other client)") }
            let row = key.flatMap { rows[$0] } ?? [:]
            let wanted = names(g, s)
            d.holds("a collapsed group's name and marks", g, key.map(wanted.contains) == true, "shown \(key ?? "absent"), wanted one of \(wanted)")
            let counts = ["TOTAL", "ACTIVE", "IDLE", "IDLE-TX"].map { row[$0] ?? "-" }.joined(separator: " ")
            d.check("TOTAL ACTIVE IDLE IDLE-TX", g, counts, b.t.groups[g] == a.t.groups[g] ? b.t.groups[g] : nil)
            if let start = b.oldestTransaction[g] {
                clock(&d, "OLDEST TX", g, row["OLDEST TX"], s.age(since: start))
            } else {
                d.check("OLDEST TX", g, row["OLDEST TX"], "-")
            }
        }
    }

    /// The collapsed group line(s) SQL allows: marks for a lock others wait on, an append holding delivery back, the
    /// xmin horizon (either way when the holder changed between the readings).
    func names(_ g: String, _ s: DashboardScreen) -> [String] {
        let pids = Set(s.before.application.filter { $0.value == g }.keys)
        var marks: [String] = []
        if !pids.isDisjoint(with: s.before.lockBlockers.intersection(s.after.lockBlockers)) { marks.append("lock") }
        if !pids.isDisjoint(with: s.before.blockerPIDs.intersection(s.after.blockerPIDs)) { marks.append("delivery") }
        let holders = Set([s.before.t.xminHolder, s.after.t.xminHolder].compactMap { $0 })
        func name(_ m: [String]) -> String { "▸ \(g) (other client)" + (m.isEmpty ? "" : " [" + m.joined(separator: ",") + "]") }
        if holders.count == 1, pids.contains(holders.first!) { return [name(marks + ["horizon"])] }
        return pids.isDisjoint(with: holders) ? [name(marks)] : [name(marks), name(marks + ["horizon"])]
    }

    /// The expanded groups: the backend holding delivery back says so on its line, and the xmin horizon holder's line
    /// names it, each under its group.
    func expanded(_ s: DashboardScreen, _ d: inout TruthDiffs) {
        let lines = s.lines
        func backend(_ pid: Int32) -> String? {
            guard let app = s.before.application[pid], let g = lines.firstIndex(where: { $0.hasPrefix("▾ \(app) (other client)") }) else {
                return nil
            }
            return lines[(g + 1)...].prefix { $0.hasPrefix("   ") }.first { $0.hasPrefix("   pid \(pid) ") }
        }
        for pid in s.before.blockerPIDs.intersection(s.after.blockerPIDs).sorted() {
            let line = backend(pid)
            d.holds(
                "the backend holding delivery back, under its group", "pid \(pid)", line?.contains("holds events delivery") == true, line ?? s.pane)
        }
        if let h = s.before.t.xminHolder, h == s.after.t.xminHolder, s.before.application[h] != nil {
            let line = backend(h)
            d.holds("the xmin horizon holder, under its group", "pid \(h)", line?.contains("holds the xmin horizon") == true, line ?? s.pane)
        }
    }
}
