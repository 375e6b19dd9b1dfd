import ArgumentParser
import Foundation
import StoreAccess
import StoreMetrics
import StoreTopUI

/// `storetop render-bench DSN`: takes two real snapshots, then renders every view at 200×50 many times and
/// diffs each frame against the previous one (what the ncurses backend does before blitting). Prints the median
/// time per frame. Used by scripts/bench.
struct RenderBench: ParsableCommand, ConnectionCommand {
    static let configuration = CommandConfiguration(
        commandName: "render-bench", abstract: "Time rendering of 200×50 frames (benchmark).", shouldDisplay: false)

    @OptionGroup var connection: ConnectionOptions
    @Option var frames: Int = 2000

    func run() throws {
        let target = try connection.resolve()
        let dsn = target.text
        try reportingErrors {
            let collector = try Collector(dsn: dsn, schema: target.schema)
            defer { collector.close() }
            var h = History()
            _ = h.add(try collector.snapshot())
            Thread.sleep(forTimeInterval: 1)
            let snap = try collector.snapshot()
            var m = Model()
            m.derived = h.add(snap)
            m.snapshot = snap
            m.connection = .connected
            m.receivedAt = snap.takenAt
            var times: [Double] = []
            var previous = Canvas(width: 200, height: 50)
            var changed = 0
            for i in 0..<frames {
                var s = UIState()
                s.view = View(rawValue: i % 7 + 1)!
                let t0 = ContinuousClock.now
                let f = Screen.render(m, s, width: 200, height: 50, now: snap.takenAt)
                for y in 0..<50 { for x in 0..<200 where f.canvas[x, y] != previous[x, y] { changed += 1 } }
                previous = f.canvas
                times.append(t0.duration(to: .now).seconds * 1000)
            }
            times.sort()
            print(
                String(
                    format: "render_ms_median=%.3f render_ms_p99=%.3f frames=%d cells_changed_per_frame=%d", times[times.count / 2],
                    times[times.count * 99 / 100], frames, changed / frames))
        }
    }
}
