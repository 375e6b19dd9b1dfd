import Foundation
import SafeText
import StoreMetrics

/// The backend detail (Enter on a backend in Sessions): its application name parsed, client, times, wait, xid and
/// xmin, the locks it holds and waits for, whom it blocks and who blocks it, its pool and its consumer, the whole
/// query, and EXPLAIN's plan once asked for (`x`). Read live on opening (`BackendInspector`); until that answers,
/// and in a replay, the lines come from the snapshot.
extension Screen {
    /// (label, text, role) per line.
    typealias DetailLine = (String, String, Role)

    /// Draws the detail of backend `pid`; its key line offers `C` and `K` only when `signals` (this role may).
    static func backendDetail(_ c: inout Canvas, _ m: Model, pid: Int32, scroll: Int, signals: Bool = true) {
        let inspection = m.inspection?.pid == pid ? m.inspection : nil
        let lines = backendLines(m, pid: pid, inspection: inspection, width: max(40, min(c.width - 4, 150) - 14))
        let h = min(c.height - 2, lines.count + 4)
        let (x, y, w) = box(&c, min(c.width - 2, 150), h, "Backend \(pid)")
        let room = max(1, h - 4)
        let first = max(0, min(scroll, lines.count - room))
        for (i, l) in lines.dropFirst(first).prefix(room).enumerated() {
            c.put(x, y + 1 + i, l.0.padding(toLength: 12, withPad: " ", startingAt: 0), .dialogTitle, maxWidth: w)
            if l.0 == "query" || (l.0.isEmpty && l.2 == .accent) {
                QueryHighlight.put(&c, x + 12, y + 1 + i, l.1, maxWidth: w - 12)
            } else {
                c.put(x + 12, y + 1 + i, l.1, l.2, maxWidth: w - 12)
            }
        }
        let more = lines.count > room ? "  ↑↓ PgUp PgDn scroll (\(first + 1)-\(min(lines.count, first + room)) of \(lines.count))" : ""
        let keys = "x EXPLAIN  r read again  " + (signals ? "C cancel  K terminate  " : "") + "Esc closes"
        c.put(x, y + h - 3, keys + more, .dim, maxWidth: w)
    }

    static func backendLines(_ m: Model, pid: Int32, inspection: Inspection?, width: Int) -> [DetailLine] {
        let snap = m.snapshot
        let now = inspection?.detail?.readAt ?? snap?.clock ?? Date()
        var out: [DetailLine] = []
        if inspection?.loading == true { out.append(("", "reading…", .dim)) }
        if let e = inspection?.error { out.append(("", "\(e): showing what the snapshot holds", .warning)) }
        if let d = inspection?.detail {
            out += detailLines(d, m, now: now, width: width)
        } else if let b = snap?.sessions?.backends.first(where: { $0.pid == pid }) {
            out += snapshotLines(b, m, now: now, width: width)
        } else {
            out.append(("", "backend \(pid) is not in the snapshot (it ended?)", .warning))
        }
        out += explainLines(inspection, width: width)
        return out
    }

    /// The lines of a live read.
    static func detailLines(_ d: BackendDetail, _ m: Model, now: Date, width: Int) -> [DetailLine] {
        func ago(_ t: Date?) -> String { t.map { "\(Format.duration(max(0, now.timeIntervalSince($0)))) ago (\(stamp($0)))" } ?? "-" }
        var out: [DetailLine] = [
            ("group", groupName(d.applicationName, m), .accent),
            ("application", d.applicationName.isEmpty ? "(none)" : d.applicationName, .dialog),
            ("user", "\(d.user ?? "-")   database \(d.database ?? "-")", .dialog),
            ("client", client(d.clientAddress, d.clientPort, d.clientHostname), .dialog),
            ("started", ago(d.backendStart), .dialog),
            ("transaction", d.transactionStart == nil ? "none open" : ago(d.transactionStart), txRole(d.transactionStart, now)),
            ("statement", ago(d.queryStart) + "   state \(d.state) since \(ago(d.stateChange))", .dialog),
            ("wait", waitText(d.waitEventType, d.waitEvent, lockWait: d.locks.first { !$0.granted }?.waitStart, now), waitRole(d.waitEventType)),
            ("xid / xmin", "\(d.backendXid ?? "-") / \(d.backendXmin ?? "-")" + (d.xminAge.map { " (age \($0))" } ?? ""), .dialog),
        ]
        if d.holdsHorizon { out.append(("", "holds the xmin horizon: vacuum keeps every row version newer than its snapshot", .warning)) }
        out.append(("blocked by", d.blockedBy.isEmpty ? "nobody" : pids(d.blockedBy), d.blockedBy.isEmpty ? .dialog : .critical))
        out.append(("blocks", d.blocks.isEmpty ? "nobody" : pids(d.blocks), d.blocks.isEmpty ? .dialog : .critical))
        out += relations(d.pid, d.applicationName, m)
        out += lockLines(d.locks, now: now, width: width)
        out += queryLines(d.query, width: width)
        if d.queryTruncated {
            out.append(("", "cut at track_activity_query_size (\(d.trackActivityQuerySize) bytes): EXPLAIN refuses it", .warning))
        }
        return out
    }

    /// The lines the snapshot alone gives (a replay, or before the live read answers).
    static func snapshotLines(_ b: Snapshot.Backend, _ m: Model, now: Date, width: Int) -> [DetailLine] {
        func ago(_ t: Date?) -> String { t.map { "\(Format.duration(max(0, now.timeIntervalSince($0)))) ago (\(stamp($0)))" } ?? "-" }
        let horizon = m.snapshot?.sessions?.xminHolder?.pid == b.pid
        let blocks = (m.snapshot?.sessions?.waitersByBlocker[b.pid] ?? []).sorted()
        var out: [DetailLine] = [
            ("group", groupName(b.applicationName, m), .accent),
            ("application", b.applicationName.isEmpty ? "(none)" : b.applicationName, .dialog),
            ("user", "\(b.user ?? "-")   database \(b.database ?? "-")", .dialog),
            ("client", client(b.clientAddress, b.clientPort, nil), .dialog),
            ("started", ago(b.backendStart), .dialog),
            ("transaction", b.transactionStart == nil ? "none open" : ago(b.transactionStart), txRole(b.transactionStart, now)),
            ("statement", ago(b.queryStart) + "   state \(b.state) since \(ago(b.stateChange))", .dialog),
            ("wait", waitText(b.waitEventType, b.waitEvent, lockWait: b.waitStart, now), waitRole(b.waitEventType)),
            ("xmin age", b.xminAge.map(String.init) ?? "-", .dialog),
        ]
        if horizon { out.append(("", "holds the xmin horizon", .warning)) }
        out.append(("blocked by", b.blockedBy.isEmpty ? "nobody" : pids(b.blockedBy), b.blockedBy.isEmpty ? .dialog : .critical))
        out.append(("blocks", blocks.isEmpty ? "nobody" : pids(blocks), blocks.isEmpty ? .dialog : .critical))
        out += relations(b.pid, b.applicationName, m)
        out += queryLines(b.query, width: width)
        out.append(("", "the query as the snapshot keeps it (300 characters at most)", .dim))
        return out
    }
}
