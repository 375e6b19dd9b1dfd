import ArgumentParser
import Foundation
import StoreMetrics
import StoreRecording
import StoreTopUI

/// `storetop replay-bench FILE`: what a replay's keys cost on a recording. Jumps (`g`, `[ ]`, `{ }` landing far
/// away) to random moments through the `TimeMachine` (one seek and the history's warm-up window), steps back and
/// on (←/→), and the frame drawn at 160×45 for each; prints one JSON line of medians, p95 and maxima in ms (jumps
/// also in thread CPU time). Used by
/// Benchmarks/replay-bench.sh.
struct ReplayBench: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "replay-bench", abstract: "Measure replay seeks on a recording (benchmark).", shouldDisplay: false)

    @Argument(help: "The recording.") var file: String
    @Option(help: "The recorded target (when several).") var target: String?
    @Option(help: "Random jumps measured.") var jumps = 30
    @Option(help: "Steps back and on measured after each jump.") var steps = 5

    func run() throws {
        let archive = try RecordingArchive(path: file, target: target)
        guard let range = try archive.timeRange() else { throw ValidationError("\(file) is empty") }
        let machine = TimeMachine(archive: archive, history: History())
        var jump: [Double] = [], step: [Double] = [], draw: [Double] = [], jumpCPU: [Double] = []
        var rng = SystemRandomNumberGenerator()
        let span = range.upperBound.timeIntervalSince(range.lowerBound)
        for _ in 0..<jumps {
            let at = range.lowerBound.addingTimeInterval(Double.random(in: 0...span, using: &rng))
            var frame: TimeMachine.Frame?
            let cpu0 = ReplayBench.threadCPU()
            jump.append(try ReplayBench.ms { frame = try machine.frame(at: at) })
            jumpCPU.append(ReplayBench.threadCPU() - cpu0)
            for i in 0..<steps { step.append(try ReplayBench.ms { frame = try machine.step(forward: i % 2 == 1) ?? frame }) }
            if let frame { draw.append(ReplayBench.ms { ReplayBench.render(frame) }) }
        }
        let out: [String: Any] = [
            "snapshots": try archive.reader.count(target: archive.target), "span_hours": span / 3600, "warmup": machine.warmup,
            "jump_ms": ReplayBench.stats(jump), "jump_cpu_ms": ReplayBench.stats(jumpCPU), "step_ms": ReplayBench.stats(step),
            "draw_ms": ReplayBench.stats(draw),
        ]
        print(String(decoding: try JSONSerialization.data(withJSONObject: out, options: [.sortedKeys]), as: UTF8.self))
    }

    static func render(_ f: TimeMachine.Frame) {
        var m = Model()
        (m.snapshot, m.derived, m.connection) = (f.snapshot, f.derived, .connected)
        var s = UIState()
        s.rewind = Rewind(at: f.snapshot.takenAt)
        _ = Screen.render(m, s, width: 160, height: 45, now: f.snapshot.takenAt)
    }

    /// This thread's CPU time in ms (a loaded machine stretches wall time, not this).
    static func threadCPU() -> Double {
        var t = timespec()
        clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t)
        return Double(t.tv_sec) * 1000 + Double(t.tv_nsec) / 1e6
    }

    static func ms(_ body: () throws -> Void) rethrows -> Double {
        let t = ContinuousClock.now
        try body()
        let d = ContinuousClock.now - t
        return Double(d.components.seconds) * 1000 + Double(d.components.attoseconds) / 1e15
    }

    static func stats(_ xs: [Double]) -> [String: Double] {
        let s = xs.sorted()
        guard !s.isEmpty else { return [:] }
        let r = { (v: Double) in (v * 10).rounded() / 10 }
        return ["median": r(s[s.count / 2]), "p95": r(s[min(s.count - 1, s.count * 95 / 100)]), "max": r(s.last!)]
    }
}
