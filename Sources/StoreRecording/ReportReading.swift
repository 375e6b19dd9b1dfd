import Foundation
import StoreMetrics

extension RecordingReport {
    /// Snapshots decoded per read: memory stays bounded whatever the recording's length.
    public static let pageSize = 500

    /// The report of `target` in `reader` from `from` to `to` (both included; nil: the recording's start or end),
    /// read in time order in pages of `pageSize` through `RecordingReader.snapshots(target:after:limit:)`. The
    /// snapshot just before `from` warms the derivations up (so the first snapshot's rates and statuses are the
    /// dashboard's), and is not reported.
    public static func make(
        _ reader: RecordingReader, target: RecordingReader.RecordedTarget, from: Date? = nil, to: Date? = nil, rules: LagRules = LagRules()
    ) throws -> RecordingReport {
        // `after` is exclusive: a microsecond before `from` keeps a snapshot taken exactly at `from`
        let after = from.map { $0.addingTimeInterval(-1e-6) }
        let warmUp = try after.flatMap { try reader.snapshot(target: target.id, atOrBefore: $0) }
        var builder = ReportBuilder(target: target.name, rules: rules, warmUp: warmUp)
        var cursor = after, added: Date?
        reading: while true {
            let page = try reader.snapshots(target: target.id, after: cursor, limit: pageSize)
            for s in page {
                if let to, s.takenAt > to { break reading }
                // a page starts after the last time decoded, which may differ from the stored one by a rounding
                if let added, s.takenAt <= added { continue }
                builder.add(s)
                added = s.takenAt
            }
            guard page.count == pageSize, let last = page.last else { break }
            cursor = last.takenAt
        }
        let gaps = try reader.gaps(target: target.id).filter { g in (from.map { g.to >= $0 } ?? true) && (to.map { g.from <= $0 } ?? true) }
        return builder.finish(gaps: gaps)
    }
}
