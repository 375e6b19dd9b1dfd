import ArgumentParser
import Foundation
import SafeText
import StoreMetrics
import StoreRecording

/// `storetop record --output FILE`: a snapshot of every target each interval, appended to a recording
/// (docs/recording.md) until stopped (SIGINT/SIGTERM, after the write in progress) or for `--duration`.
struct RecordCommand: ParsableCommand, ConnectionCommand {
    static let configuration = CommandConfiguration(
        commandName: "record", abstract: "Record snapshots of one or more targets into a SQLite file (docs/recording.md).")

    @OptionGroup var connection: ConnectionOptions
    @OptionGroup var status: StatusOptions

    @Option(help: "The recording file (created when missing, appended to otherwise).")
    var output: String

    @Option(help: "Seconds between snapshots (0.5 to 3600).")
    var interval: Double = 10

    @Option(help: "Stop after this long (90s, 30m, 12h, 7d); default: until SIGINT or SIGTERM.")
    var duration: String?

    @Option(help: "Drop snapshots older than this (e.g. 7d).")
    var retain: String?

    @Option(help: "Drop the oldest snapshots while the file's data exceeds this many bytes.")
    var maxSize: Int64?

    func validate() throws {
        guard interval >= 0.5 && interval <= 3600 else { throw ValidationError("--interval must be between 0.5 and 3600 seconds") }
        for (flag, text) in [("--duration", duration), ("--retain", retain)] {
            if let text { do { _ = try DurationText.seconds(text) } catch { throw ValidationError("\(flag): \(error)") } }
        }
        if let maxSize, maxSize < 65536 { throw ValidationError("--max-size must be at least 65536 bytes") }
    }

    func run() throws {
        let targets = try connection.targets(status)
        let recording: Recording
        do { recording = try Recording(path: output, storetopVersion: StoreTopVersion.number) } catch {
            throw CLIError(message: "storetop: cannot open the recording \(output): \(error)", code: ExitStatus.failure)
        }
        let fleet = try reportingErrors { try Fleet(targets: targets, interval: interval) }
        var recorder = try Recorder(recording: recording, names: targets.map(\.name))
        // a replay names the store schema in its STORE column as the live dashboard did
        for t in targets { try recording.setMeta("schema.\(t.name)", t.schema) }
        let end = try duration.map { Date().addingTimeInterval(try DurationText.seconds($0)) }
        let keep = try retain.map { try DurationText.seconds($0) }
        Signals.install()
        warn("storetop: recording \(targets.count) target(s) every \(Format.duration(interval)) to \(output)")
        fleet.start()
        var lastRetention = Date.distantPast
        while quitSignal.load(ordering: .relaxed) == 0, end.map({ Date() < $0 }) ?? true {
            fleet.members.first?.loop.waitForEvents(seconds: min(0.2, interval / 4))
            for (i, m) in fleet.members.enumerated() { try recorder.write(m.loop.poll(), member: i) }
            if keep != nil || maxSize != nil, Date().timeIntervalSince(lastRetention) >= max(interval, 10) {
                try recorder.retention(retain: keep, maxSize: maxSize)
                lastRetention = Date()
            }
        }
        fleet.stop()
        try recording.close()
        let signal = quitSignal.load(ordering: .relaxed)
        warn(
            "storetop: recorded \(recorder.written) snapshots (\(recorder.gapCount) gaps) to \(output)"
                + (signal == 0 ? "" : ", stopped by \(Signals.name(signal))"))
    }
}

/// Turns refresh events into rows: a snapshot per success, a gap per run of failures (from the last success, or
/// the first failure, to the last failure).
struct Recorder {
    let recording: Recording
    let names: [String]
    let ids: [Int64]
    var lastGood: [Date?]
    var openGap: [Int64?]
    var written = 0
    var gapCount = 0

    init(recording: Recording, names: [String]) throws {
        (self.recording, self.names) = (recording, names)
        ids = try names.map { try recording.target(named: $0) }
        lastGood = Array(repeating: nil, count: names.count)
        openGap = Array(repeating: nil, count: names.count)
    }

    mutating func write(_ events: [RefreshEvent], member i: Int) throws {
        for e in events {
            switch e {
            case .refreshed(let snap, _, let at):
                try recording.append(snap, target: ids[i])
                written += 1
                if openGap[i] != nil { warn("storetop: \(DisplayText.sanitize(names[i])): reachable again") }
                (lastGood[i], openGap[i]) = (at, nil)
            case .failed(let error, _):
                let now = Date()
                if openGap[i] == nil {
                    warn("storetop: \(DisplayText.sanitize(names[i])): \(DisplayText.sanitize(error)) (recorded as a gap)")
                    gapCount += 1
                }
                openGap[i] = try recording.recordGap(target: ids[i], from: lastGood[i] ?? now, to: now, error: error, extending: openGap[i])
            }
        }
    }

    func retention(retain: Double?, maxSize: Int64?) throws {
        let n = try recording.enforceRetention(retain: retain, maxSize: maxSize)
        if n > 0 { warn("storetop: retention dropped the \(n) oldest snapshots") }
    }
}
