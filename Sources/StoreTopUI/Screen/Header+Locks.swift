import Foundation
import StoreMetrics

extension Screen {
    /// Backends waiting on another's lock, and the oldest wait (`LockTree`), while any wait: `L` in Sessions shows
    /// the tree.
    static func lockAlert(_ snap: Snapshot?) -> [LineItem] {
        guard let snap else { return [] }
        let tree = LockTree(snap.sessions, now: snap.clock, limit: 0)
        guard !tree.isEmpty else { return [] }
        let oldest = tree.oldestWaitSeconds.map { ", oldest \(Format.duration($0))" } ?? ""
        let role: Role = (tree.oldestWaitSeconds ?? 0) >= 5 ? .critical : .warning
        return [LineItem([([("\(tree.blocked) blocked\(oldest)", role)], 8), ([("\(tree.blocked) blocked", role)], 6)])]
    }
}
