import Foundation
import StoreMetrics

extension ReportText {
    static func sessions(_ r: RecordingReport) -> String {
        var rows: [[String]] = [["GROUP", "PEAK", "AT", "IDLE IN TX", "WAITING"]]
        for g in r.sessions.groups {
            let name =
                g.other ? safe(g.service) : [g.service, g.store, g.tenant].compactMap { $0.map(safe) }.filter { !$0.isEmpty }.joined(separator: "/")
            rows.append([name.isEmpty ? "(no application_name)" : name, String(g.total), time(g.at), String(g.idleInTransaction), String(g.waiting)])
        }
        let peak = r.sessions.totalAt.map { ": peak \(r.sessions.total) at \(time($0))" } ?? ""
        return section("Sessions\(peak) (per application group: peak, most idle in a transaction and waiting at once)", rows)
    }

    static func transactions(_ r: RecordingReport) -> String {
        var rows: [[String]] = [["PID", "APPLICATION", "OPEN FOR", "SINCE", "SEEN AT", "STATE"]]
        for t in r.longestTransactions {
            rows.append([String(t.pid), safe(t.application), Format.duration(t.seconds), time(t.start), time(t.seenAt), safe(t.state)])
        }
        return section("Longest transactions", rows)
    }

    static func horizon(_ r: RecordingReport) -> String {
        guard let x = r.xminHorizon else { return "\nXmin horizon\n  (no backend held one)\n" }
        let tx = x.transactionSeconds.map { ", its transaction open \(Format.duration($0))" } ?? ""
        return
            "\nXmin horizon\n  oldest \(Format.count(x.xminAge)) transactions at \(time(x.at)), held by pid \(x.pid) (\(safe(x.application)))\(tx)\n"
    }

    static func pools(_ r: RecordingReport) -> String {
        var rows: [[String]] = [["POOL", "HOST", "IN USE / MAX", "AT", "WAITING", "AT", "TIMEOUTS", "CONN ERRORS"]]
        for p in r.pools {
            let name = [p.service, p.store, p.tenant].map(safe).filter { !$0.isEmpty }.joined(separator: "/")
            rows.append([
                name, safe(p.host), "\(p.maxInUse) / \(p.maxSize)", time(p.at), String(p.maxWaiting), p.waitingAt.map(time) ?? "-",
                String(p.timeouts), String(p.connectionErrors),
            ])
        }
        return section("Pools: saturation and timeouts", rows)
    }

    static func server(_ r: RecordingReport) -> String {
        var gaps: [[String]] = [["FROM", "TO", "DURATION", "ERROR"]]
        for g in r.unreachable { gaps.append([time(g.from), time(g.to), Format.duration(g.seconds), safe(g.error)]) }
        var restarts: [[String]] = [["STARTED AT", "LAST SNAPSHOT BEFORE", "FIRST AFTER", "PREVIOUS START", "AFTER A GAP"]]
        for x in r.restarts {
            restarts.append([time(x.startedAt), time(x.lastBefore), time(x.firstAfter), time(x.previousStartedAt), x.afterGap ? "yes" : "no"])
        }
        return section("Server unreachable", gaps) + section("Server restarts", restarts)
    }
}
