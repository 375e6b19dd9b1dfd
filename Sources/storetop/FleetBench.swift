import ArgumentParser
import Foundation
import StoreMetrics

/// `storetop fleet-bench TARGETS…`: runs a `Fleet` over the targets (DSNs or `--config`, as the dashboard takes
/// them), drains each member's loop every 100 ms as the fleet dashboard does (without drawing), and prints one
/// JSON line: per target the refreshes, the median and p95 interval between consecutive successful refreshes and
/// the errors; the process's CPU (getrusage), CPU per refresh and peak RSS (VmHWM). Used by scripts/bench-fleet.
struct FleetBench: ParsableCommand, ConnectionCommand {
    static let configuration = CommandConfiguration(
        commandName: "fleet-bench", abstract: "Measure a fleet's refreshes, CPU and memory (benchmark).", shouldDisplay: false)

    @OptionGroup var connection: ConnectionOptions
    @OptionGroup var status: StatusOptions
    @Option(help: "Seconds between refreshes of each target.") var interval: Double = 1
    @Option(help: "Seconds measured.") var seconds: Double = 30
    @Option(help: "Seconds run before measuring (connections, first full passes).") var warmup: Double = 5

    func validate() throws {
        guard interval > 0, seconds > 0, warmup >= 0 else { throw ValidationError("--interval and --seconds must be > 0, --warmup ≥ 0") }
    }

    func run() throws {
        let targets = try connection.targets(status)
        let fleet = try reportingErrors { try Fleet(targets: targets, interval: interval) }
        fleet.start()
        var log = [FleetBenchLog](repeating: FleetBenchLog(), count: fleet.members.count)
        let begin = Date()
        let measureFrom = begin.addingTimeInterval(warmup)
        let end = measureFrom.addingTimeInterval(seconds)
        var cpuFrom: Double?
        while Date() < end {
            Thread.sleep(forTimeInterval: 0.1)
            if cpuFrom == nil && Date() >= measureFrom { cpuFrom = Self.cpuSeconds() }
            for (i, m) in fleet.members.enumerated() {
                for e in m.loop.poll() { log[i].record(e, counting: measureFrom) }
            }
        }
        let cpu = Self.cpuSeconds() - (cpuFrom ?? 0)
        fleet.stop()
        print(report(fleet, log, cpu: cpu))
    }

    /// The JSON line (keys sorted, so runs diff cleanly).
    func report(_ fleet: Fleet, _ log: [FleetBenchLog], cpu: Double) -> String {
        let total = log.reduce(0) { $0 + $1.refreshes }
        var rows: [[String: Any]] = []
        for (i, m) in fleet.members.enumerated() {
            var row = log[i].summary(interval: interval)
            row["name"] = m.target.name
            rows.append(row)
        }
        let out: [String: Any] = [
            "interval_s": interval, "seconds": seconds, "warmup_s": warmup, "targets": rows, "refreshes": total,
            "cpu_s": Self.round(cpu), "cpu_ms_per_refresh": total > 0 ? Self.round(cpu * 1000 / Double(total)) : NSNull(),
            "cpu_ms_per_s": Self.round(cpu * 1000 / seconds), "peak_rss_mb": Self.peakRSSMegabytes() ?? NSNull(),
        ]
        let data = (try? JSONSerialization.data(withJSONObject: out, options: [.sortedKeys])) ?? Data()
        return String(decoding: data, as: UTF8.self)
    }

    /// User + system CPU seconds of the whole process so far.
    static func cpuSeconds() -> Double {
        var u = rusage()
        getrusage(RUSAGE_SELF.rawValue, &u)
        return Double(u.ru_utime.tv_sec + u.ru_stime.tv_sec) + Double(u.ru_utime.tv_usec + u.ru_stime.tv_usec) / 1e6
    }

    /// Peak resident set (VmHWM of /proc/self/status) in MB.
    static func peakRSSMegabytes() -> Double? {
        guard let s = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8),
            let line = s.split(separator: "\n").first(where: { $0.hasPrefix("VmHWM:") }),
            let kb = Double(line.split(separator: " ").dropFirst().first ?? "")
        else { return nil }
        return round(kb / 1024)
    }

    /// Rounded to thousandths (JSON stays short).
    static func round(_ x: Double) -> Double { (x * 1000).rounded() / 1000 }
}

/// What one target's loop gave during a run.
struct FleetBenchLog {
    var refreshes = 0
    var errors = 0
    var lastError: String?
    var intervals: [Double] = []
    var last: Date?

    /// Counts an event of the measured window (from `from`); an interval needs both refreshes in it.
    mutating func record(_ e: RefreshEvent, counting from: Date) {
        switch e {
        case .refreshed(_, _, let at):
            guard at >= from else { return }
            if let last { intervals.append(at.timeIntervalSince(last)) }
            last = at
            refreshes += 1
        case .failed(let error, _):
            guard Date() >= from else { return }
            errors += 1
            lastError = error
        }
    }

    /// Refreshes, errors, the median, p95 and longest interval in ms, and how many intervals were late: more
    /// than 10% over the refresh `interval` (issue 19's criterion for a live target beside a dead one).
    func summary(interval: Double) -> [String: Any] {
        let s = intervals.sorted()
        func q(_ p: Double) -> Any { s.isEmpty ? NSNull() : FleetBench.round(s[min(s.count - 1, Int(Double(s.count) * p))] * 1000) }
        var out: [String: Any] = [
            "refreshes": refreshes, "errors": errors, "intervals": s.count, "late": s.filter { $0 > interval * 1.1 }.count,
            "interval_ms_median": q(0.5), "interval_ms_p95": q(0.95), "interval_ms_max": s.last.map { FleetBench.round($0 * 1000) } ?? NSNull(),
        ]
        if let lastError { out["last_error"] = lastError }
        return out
    }
}
