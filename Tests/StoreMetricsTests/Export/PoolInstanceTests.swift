import Foundation
import Testing

@testable import StoreMetrics

/// Two pools on the same host with the same pid (two containers, each its process 1) but different starts stay two
/// instances: each pool family has one series per pool, told apart by `pool_started` (milliseconds since the epoch),
/// with each pool's own figures, and the JSON keeps both rows.
@Suite struct PoolInstanceTests {
    static func twins() -> Snapshot {
        var s = SampleSnapshot.reading(0)
        let first = s.pools[0]
        var second = first
        second.startedAt = first.startedAt.addingTimeInterval(42.5)
        second.inUse = first.inUse + 4
        second.acquisitionsTotal = first.acquisitionsTotal + 1000
        s.pools = [first, second]
        return s
    }

    @Test func sameHostAndPidDifferentStartsAreTwoSeriesPerFamily() throws {
        let s = Self.twins()
        let lines = PrometheusExport.render(s, derived: nil).split(separator: "\n").map(String.init)
        let starts = s.pools.map { String(Int64(($0.startedAt.timeIntervalSince1970 * 1000).rounded())) }
        #expect(Set(starts).count == 2)
        let families = Set(lines.filter { $0.hasPrefix("storetop_pool_") }.map { String($0.prefix { $0 != "{" && $0 != " " }) })
        #expect(families.count >= 10, "\(families)")
        for family in families {
            let series = lines.filter { $0.hasPrefix(family + "{") && !$0.contains("state=\"idle\"") }
            let started = series.compactMap { l in starts.first { l.contains("pool_started=\"\($0)\"") } }
            #expect(series.count == 2 && Set(started).count == 2, "\(family): \(series)")
            #expect(series.allSatisfy { $0.contains("host=\"\(s.pools[0].host)\"") && $0.contains("pid=\"\(s.pools[0].pid)\"") })
        }
        // each series carries its own pool's figures
        for (p, start) in zip(s.pools, starts) {
            let inUse = "storetop_pool_connections{\(labels(p, start)),state=\"in_use\"} \(Double(p.inUse))"
            #expect(lines.contains(inUse), "\(inUse) in \(lines.filter { $0.hasPrefix("storetop_pool_connections") })")
            #expect(lines.contains("storetop_pool_acquisitions_total{\(labels(p, start))} \(p.acquisitionsTotal)"))
        }
        let json = try JSONExport.encode(s, pretty: false)
        let doc = try #require(try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any])
        #expect((doc["pools"] as? [Any])?.count == 2)
    }

    func labels(_ p: Snapshot.Pool, _ start: String) -> String {
        "service=\"\(p.service)\",store=\"\(p.store)\",tenant=\"\(p.tenant)\",host=\"\(p.host)\",pid=\"\(p.pid)\",pool_started=\"\(start)\""
    }
}
