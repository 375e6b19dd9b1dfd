import Foundation
import SafeText
import StoreMetrics

/// The pieces of the backend detail.
extension Screen {
    static func groupName(_ app: String, _ m: Model) -> String {
        let key = Snapshot.SessionGroup.key(ofApplicationName: app)
        if let g = m.snapshot?.sessions?.groups.first(where: { $0.key == key }) {
            return SessionsView.unnamed(g) ? "other client (application_name not parsed)" : "service/store/tenant " + SessionsView.name(g)
        }
        return key.hasPrefix("other:") ? "other client (application_name not parsed)" : key
    }

    static func client(_ address: String?, _ port: Int32?, _ host: String?) -> String {
        guard let address else { return "local (unix socket)" }
        return address + (port.map { ":\($0)" } ?? "") + (host.map { " (\($0))" } ?? "")
    }

    static func stamp(_ d: Date) -> String { ISO8601DateFormatter().string(from: d) }

    static func pids(_ p: [Int32]) -> String { p.map { "pid \($0)" }.joined(separator: ", ") }

    static func txRole(_ start: Date?, _ now: Date) -> Role { Views.ageRole(start.map { now.timeIntervalSince($0) }, 60, 300) }

    static func waitRole(_ type: String?) -> Role { type == "Lock" ? .critical : .dialog }

    static func waitText(_ type: String?, _ event: String?, lockWait: Date?, _ now: Date) -> String {
        guard let type else { return "not waiting" }
        let since = lockWait.map { ", for \(Format.duration(max(0, now.timeIntervalSince($0))))" } ?? ""
        return "\(type) \(event ?? "")\(since)"
    }

    /// Its pool (the pool report of its service/store/tenant from its host), the consumer whose lock it holds,
    /// and the delivery it holds back.
    static func relations(_ pid: Int32, _ app: String, _ m: Model) -> [DetailLine] {
        guard let snap = m.snapshot else { return [] }
        var out: [DetailLine] = []
        let pools = snap.pools.filter { $0.applicationName == app }
        if !pools.isEmpty {
            let text = pools.prefix(3).map { "\($0.host) pid \($0.pid): \($0.inUse)/\($0.maxSize) in use, \($0.waiting) waiting" }
            out.append(("pool", text.joined(separator: "; ") + (pools.count > 3 ? "; \(pools.count - 3) more" : ""), .dialog))
            if pools.count > 1 { out.append(("", "several processes report this application name: the backend is one of theirs", .dim)) }
        }
        for cur in snap.cursors where cur.ownerBackendPid == pid {
            out.append(("consumer", "\(cur.tenant)/\(cur.name) (holds its consumer lock; 5 Consumers, Enter)", .accent))
        }
        for b in snap.sessions?.deliveryBlockers ?? [] where b.pid == pid {
            out.append(("holds back", "\(b.log) delivery after position \(b.registeredAfter): an append not committed yet", .warning))
        }
        return out
    }

    /// Ungranted first; each with its mode, what it locks and how long it has waited.
    static func lockLines(_ locks: [BackendDetail.Lock], now: Date, width: Int) -> [DetailLine] {
        guard !locks.isEmpty else { return [("locks", "none", .dialog)] }
        let sorted = locks.filter { !$0.granted } + locks.filter(\.granted)
        return sorted.enumerated().map { i, l in
            let state = l.granted ? "held   " : "WAITING" + (l.waitStart.map { " \(Format.duration(max(0, now.timeIntervalSince($0))))" } ?? "")
            return (i == 0 ? "locks" : "", "\(state)  \(l.mode)  \(l.target)", l.granted ? .dialog : .critical)
        }
    }

    /// The query wrapped to the width, passwords already redacted by the reader.
    static func queryLines(_ query: String, width: Int) -> [DetailLine] {
        let text = query.isEmpty ? "(no query)" : query.replacingOccurrences(of: "\t", with: "    ")
        return wrap(DisplayText.sanitize(text, newlines: true), max(20, width)).enumerated().map { i, l in (i == 0 ? "query" : "", l, .accent) }
    }

    static func explainLines(_ i: Inspection?, width: Int) -> [DetailLine] {
        guard let i else { return [] }
        if i.explaining { return [("explain", "planning…", .dim)] }
        switch i.explain {
        case nil: return []
        case .refused(let why)?: return [("explain", "not run: " + why, .warning)]
        case .plan(let lines)?:
            return lines.enumerated().map { n, l in (n == 0 ? "explain" : "", DisplayText.sanitize(l), .dialog) }
                + [("", "plain EXPLAIN (estimates, nothing executed) in a read-only transaction", .dim)]
        }
    }
}

/// SQL keywords in the accent colour, the rest plain: enough to read a long statement at a glance.
enum QueryHighlight {
    static let keywords: Set<String> = [
        "SELECT", "FROM", "WHERE", "AND", "OR", "NOT", "IN", "IS", "NULL", "JOIN", "LEFT", "RIGHT", "INNER", "OUTER", "ON", "GROUP", "ORDER",
        "BY", "HAVING", "LIMIT", "OFFSET", "WITH", "AS", "INSERT", "INTO", "VALUES", "UPDATE", "SET", "DELETE", "RETURNING", "FOR", "BEGIN",
        "COMMIT", "ROLLBACK", "UNION", "ALL", "DISTINCT", "CASE", "WHEN", "THEN", "ELSE", "END", "EXISTS", "LATERAL", "CALL", "LOCK", "TABLE",
    ]

    static func put(_ c: inout Canvas, _ x: Int, _ y: Int, _ line: String, maxWidth: Int) {
        var cx = x
        var word = ""
        func flush() {
            guard !word.isEmpty else { return }
            let role: Role = keywords.contains(word.uppercased()) ? .accent : .dialog
            cx += c.put(cx, y, word, role, maxWidth: max(0, x + maxWidth - cx))
            word = ""
        }
        for ch in line {
            if ch.isLetter || ch == "_" {
                word.append(ch)
            } else {
                flush()
                cx += c.put(cx, y, String(ch), .dialog, maxWidth: max(0, x + maxWidth - cx))
            }
        }
        flush()
    }
}
