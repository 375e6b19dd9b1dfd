import ArgumentParser
import Foundation
import StoreAccess
import StoreMetrics
import StoreTopUI

/// `storetop render-bench DSN`: takes two real snapshots, then renders every view at 200×50 many times and
/// diffs each frame against the previous one (what the ncurses backend does before blitting). Prints the median
/// time per frame. Used by scripts/bench.
///
/// With `--keys`, it instead runs the dashboard's own loop (`AppLoop`) over the second snapshot with a scripted
/// 200×50 terminal, and times each key from the moment the terminal hands it over to the loop's next read: the
/// key table and the reducer, the frame's layout (filter and sort of the view's rows included), the diff against
/// the previous frame, and the draw. The script, `--rounds` times: in the Overview (tenants) and the Consumers
/// views, the view's key, `--pages` PgDn then as many PgUp, `/` and a filter typed a character at a time, Enter,
/// Esc, then `>` five times and `S` twice (sort). Prints the median and p99 per view and key kind over the keys
/// that drew a frame (wall time, and the median of the loop thread's CPU time), and how many drew none (`_undrawn`: a PgDn on the last page changes nothing). Used by
/// scripts/bench-scale.
struct RenderBench: ParsableCommand, ConnectionCommand {
    static let configuration = CommandConfiguration(
        commandName: "render-bench", abstract: "Time rendering of 200×50 frames (benchmark).", shouldDisplay: false)

    @OptionGroup var connection: ConnectionOptions
    @Option var frames: Int = 2000
    @Option(help: "Seconds a snapshot may take before later panels are skipped (the dashboard's deadline is 5).")
    var deadline: Double = 5
    @Flag(help: "Time keys (scroll, filter, sort) through the dashboard's loop instead of bare frames.") var keys = false
    @Option(help: "With --keys: times the key script runs.") var rounds: Int = 3
    @Option(help: "With --keys: PgDn (then PgUp) presses per view and round.") var pages: Int = 30
    @Option(help: "With --keys: the filter typed in the Overview view.") var tenantFilter = "tn0001"
    @Option(help: "With --keys: the filter typed in the Consumers view.") var consumerFilter = "consumer-3"

    func run() throws {
        let target = try connection.resolve()
        let dsn = target.text
        try reportingErrors {
            let collector = try Collector(dsn: dsn, schema: target.schema, refreshDeadline: .milliseconds(Int64(deadline * 1000)))
            defer { collector.close() }
            var h = History()
            _ = h.add(try collector.snapshot())
            Thread.sleep(forTimeInterval: 1)
            let snap = try collector.snapshot()
            if keys {
                timeKeys(snap, history: h)
            } else {
                timeFrames(snap, derived: h.add(snap))
            }
        }
    }

    /// Renders every view in turn and diffs each frame against the previous one.
    func timeFrames(_ snap: Snapshot, derived: Derived) {
        var m = Model()
        m.derived = derived
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

    /// Runs the key script through `AppLoop` over `snap` (derived with `history`, which holds the first snapshot).
    func timeKeys(_ snap: Snapshot, history: History) {
        let clock = ManualClock(snap.takenAt)
        let refresh = RefreshLoop(source: FixedSource(snap), interval: 3600, clock: clock, history: history)
        let terminal = KeyTerminal(script: keyScript())
        var o = App.Options()
        (o.interval, o.readOnly, o.color) = (3600, true, false)
        let effects = EffectRunner(refresh: refresh, actions: nil)
        AppLoop(terminal: terminal, refresh: refresh, effects: effects, options: o).run()
        var parts = [
            "keys=\(terminal.samples.count + terminal.undrawn.count) frames=\(terminal.frames) tenants=\(snap.tenants.count)",
            "consumers=\(snap.cursors.count) outboxes=\(snap.outboxes.count) cells_changed=\(terminal.cellsChanged)",
        ]
        for (name, ms) in terminal.samples.grouped() {
            let s = ms.sorted()
            let p99 = s[min(s.count - 1, Int((Double(s.count) * 0.99).rounded(.up)) - 1)]
            parts.append(String(format: "%@_ms_median=%.2f %@_ms_p99=%.2f %@_n=%d", name, s[s.count / 2], name, p99, name, s.count))
        }
        for (name, ms) in terminal.cpuSamples.grouped() {
            let s = ms.sorted()
            parts.append(String(format: "%@_cpu_ms_median=%.2f", name, s[s.count / 2]))
        }
        for (name, ms) in terminal.undrawn.grouped() { parts.append("\(name)_undrawn=\(ms.count)") }
        print(parts.joined(separator: " "))
    }

    /// The keys and the kind each is counted under ("consumers_scroll", …), `rounds` times over.
    func keyScript() -> [(Key, String)] {
        var keys: [(Key, String)] = []
        for _ in 0..<rounds {
            for (view, number, text) in [("overview", "1", tenantFilter), ("consumers", "5", consumerFilter)] {
                keys.append((.char(Character(number)), "\(view)_view"))
                keys += Array(repeating: (Key.pageDown, "\(view)_scroll"), count: pages)
                keys += Array(repeating: (Key.pageUp, "\(view)_scroll"), count: pages)
                keys.append((.char("/"), "\(view)_filter"))
                keys += text.map { (Key.char($0), "\(view)_filter") }
                keys += [(.enter, "\(view)_filter"), (.escape, "\(view)_filter")]
                keys += Array(repeating: (Key.char(">"), "\(view)_sort"), count: 5)
                keys += Array(repeating: (Key.char("S"), "\(view)_sort"), count: 2)
            }
        }
        return keys
    }
}

/// A source that answers every reading with the same snapshot (render-bench --keys).
final class FixedSource: SnapshotSource {
    let snap: Snapshot
    init(_ snap: Snapshot) { self.snap = snap }
    func snapshot(now: Date) throws -> Snapshot { snap }
    func close() {}
}

/// A 200×50 terminal that plays a key script once the first frame is drawn, diffs every frame against the
/// previous one (as the ncurses backend does), and times each key until the loop reads the next one, apart for the
/// keys after which the loop drew no frame.
final class KeyTerminal: Terminal {
    let size = (width: 200, height: 50)
    let colors = false
    private var script: [(Key, String)]
    private var pending: (String, ContinuousClock.Instant)?
    private var previous = Canvas(width: 200, height: 50)
    /// (kind, ms) per key that drew a frame, in order.
    private(set) var samples: [(String, Double)] = []
    /// (kind, ms of this thread's CPU time) per key that drew a frame: what the key cost, whatever else the
    /// machine ran meanwhile.
    private(set) var cpuSamples: [(String, Double)] = []
    private var cpuAtKey = 0.0
    /// (kind, ms) per key that changed nothing on screen (PgDn on the last page, say): the loop drew no frame.
    private(set) var undrawn: [(String, Double)] = []
    private var framesAtKey = 0
    private(set) var frames = 0
    private(set) var cellsChanged = 0

    init(script: [(Key, String)]) { self.script = script }

    func draw(_ canvas: Canvas) {
        for y in 0..<size.height { for x in 0..<size.width where canvas[x, y] != previous[x, y] { cellsChanged += 1 } }
        previous = canvas
        frames += 1
    }

    func readKey(milliseconds: Int32) -> Key? {
        let now = ContinuousClock.now
        if let (kind, t0) = pending {
            let sample = (kind, t0.duration(to: now).seconds * 1000)
            if frames > framesAtKey {
                samples.append(sample)
                cpuSamples.append((kind, Self.threadCPUms() - cpuAtKey))
            } else {
                undrawn.append(sample)
            }
        }
        pending = nil
        guard frames > 0 else { return nil }  // the first tick refreshes and draws the first frame: not timed
        guard !script.isEmpty else { return .ctrlC }
        let (key, kind) = script.removeFirst()
        framesAtKey = frames
        cpuAtKey = Self.threadCPUms()
        pending = (kind, ContinuousClock.now)
        return key
    }

    /// CPU time of the calling thread (the loop's), in ms.
    static func threadCPUms() -> Double {
        var t = timespec()
        clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t)
        return Double(t.tv_sec) * 1000 + Double(t.tv_nsec) / 1e6
    }
}

extension Array where Element == (String, Double) {
    /// The samples by kind, kinds in order of first appearance.
    func grouped() -> [(String, [Double])] {
        var order: [String] = []
        var byKind: [String: [Double]] = [:]
        for (kind, ms) in self {
            if byKind[kind] == nil { order.append(kind) }
            byKind[kind, default: []].append(ms)
        }
        return order.map { ($0, byKind[$0]!) }
    }
}
