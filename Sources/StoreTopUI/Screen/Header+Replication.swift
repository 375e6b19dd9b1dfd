import Foundation
import StoreMetrics

/// The header's one replication item: shown only when replication has something to act on (its warnings), in the
/// role the Replication view gives the worst of them. In full it says the first warning; narrower, how many there
/// are and where to read them; narrowest, that there is one.
extension Screen {
    static func replicationAlert(_ snap: Snapshot?) -> [LineItem] {
        guard let ws = snap?.replication?.warnings, let first = ws.first else { return [] }
        let role: Role = ws.contains { ReplicationLine.severity($0) == .critical } ? .critical : .warning
        let count = ws.count == 1 ? "1 replication warning" : "\(ws.count) replication warnings"
        return [
            LineItem(
                [([("replication: " + first, role)], 4), ([(count + " (8)", role)], 8), ([("repl ! \(ws.count)", role)], 6)],
                last: [("repl !", role)])
        ]
    }
}
