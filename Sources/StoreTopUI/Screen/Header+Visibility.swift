import Foundation
import StoreMetrics

extension Screen {
    /// What every figure of Sessions leaves out without `pg_monitor`: the header says so at every width (the
    /// status line says it in full, with the grant that lifts it).
    static func visibilityAlert(_ snap: Snapshot?) -> [LineItem] {
        guard snap?.sessions?.seesAll == false else { return [] }
        return [
            LineItem(
                [([("own sessions only: no pg_monitor", .warning)], 6), ([("own sessions only", .warning)], 4)],
                last: [("own only", .warning)])
        ]
    }
}
