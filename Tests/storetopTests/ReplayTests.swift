import Foundation
import StoreAccess
import StoreRecording
import StoreTestSupport
import Testing

@testable import StoreMetrics
@testable import StoreTopUI

/// Issue 20's replay promise: the dashboard on a recording draws, at a recorded moment, the screen the live
/// dashboard drew at that moment, byte for byte apart from the header's mode. The live dashboard runs against the
/// truth check's store (a stuck consumer, delivery held back, the xmin horizon held, three tenants appending)
/// through the recording (`--record`'s path: `RecordingTee`), and the replay reads that file.
@Suite(.serialized) struct ReplayTests {
    static let views: [(Character, String)] = [("2", "Sessions"), ("4", "Streams"), ("5", "Consumers"), ("6", "Outboxes"), ("1", "Overview")]

    @Test func replayedFramesAreTheLiveFrames() throws {
        let f = try TruthCheckStore()
        defer { f.close() }
        try f.seed()
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("storetop-replay-\(UInt32.random(in: 0...UInt32.max))")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = dir.appendingPathComponent("r.sqlite").path
        let live = try liveRun(f, path: path, refreshes: 4)
        let archive = try RecordingArchive(path: path, target: "db-1")
        let times = try archive.times(after: .distantPast, through: .distantFuture, limit: 100)
        #expect(times.count == 4, "one snapshot recorded per live refresh")
        let replay = replayRun(archive, start: times[0], steps: times.count)
        let body = { (frame: String) in frame.split(separator: "\n", omittingEmptySubsequences: false).dropFirst().joined(separator: "\n") }
        let liveFrames = live.frames.filter { !$0.contains("connecting") }.map(body)
        let replayed = Set(replay.frames.map(body))
        if let d = ProcessInfo.processInfo.environment["STORETOP_REPLAY_DUMP"] {
            try? live.transcript.joined(separator: "\n").write(toFile: d + ".live", atomically: true, encoding: .utf8)
            try? replay.transcript.joined(separator: "\n").write(toFile: d + ".replay", atomically: true, encoding: .utf8)
        }
        #expect(liveFrames.count >= 4 * ReplayTests.views.count)
        for (i, frame) in liveFrames.enumerated() {
            #expect(replayed.contains(frame), "live frame \(i) was not replayed:\n\(frame)")
        }
        // every replayed frame names the recorded moment it shows, and the replay is held (❚❚) between keys
        for (i, t) in times.enumerated() {
            let clock = TimeInput.clock(t, zone: TimeZone(identifier: "UTC")!)
            #expect(replay.frames.contains { $0.hasPrefix(" storetop") && $0.contains("❚❚ replay \(clock)") }, "moment \(i) at \(clock)")
        }
        // the stuck consumer shows STALLED in the replay as it did live
        #expect(replay.frames.contains { $0.contains("stuck") && $0.contains("STALLED") })
    }

    /// The live dashboard read-only at 120×40, one refresh a second (a manual clock), the views visited after each
    /// refresh; each second the store's tenants append, so rates and lag move between snapshots.
    func liveRun(_ f: TruthCheckStore, path: String, refreshes: Int) throws -> TextTerminal {
        let recording = try Recording(path: path, storetopVersion: "test")
        defer { try? recording.close() }
        let collector = try Collector(dsn: f.server.directDSN, schema: f.schema)
        defer { collector.close() }
        let tee = try RecordingTee(collector, recording: recording, name: "db-1", schema: f.schema, retain: nil)
        let clock = ManualClock(Date())
        var script: [TextTerminal.Input] = []
        for _ in 0..<refreshes {
            script.append(.wait(seconds: 1))
            script += ReplayTests.views.map { .key(.char($0.0), name: $0.1) }
        }
        var round = 0
        let terminal = TextTerminal(width: 120, height: 40, script: script) { seconds in
            clock.advance(seconds)
            round += 1
            _ = try? f.sql("SELECT * FROM @s.append('big', 'replay-\(round)', -1, '[{\"type\": \"Charged\", \"payload\": {}}]')")
        }
        let refresh = RefreshLoop(source: tee, interval: 1, clock: clock, history: History())
        var options = App.Options()
        (options.interval, options.serverLabel, options.schema, options.readOnly) = (1, "db-1:5432", f.schema, true)
        AppLoop(terminal: terminal, refresh: refresh, effects: EffectRunner(refresh: refresh, actions: nil, spawn: { $0() }), options: options)
            .run()
        #expect(tee.writeError == nil)
        return terminal
    }

    /// The replay from `start`: the same views at each moment, then → to the next.
    func replayRun(_ archive: RecordingArchive, start: Date, steps: Int) -> TextTerminal {
        var script: [TextTerminal.Input] = []
        for _ in 0..<steps {
            script += ReplayTests.views.map { .key(.char($0.0), name: $0.1) }
            script.append(.key(.right, name: "→"))
        }
        let clock = ManualClock(Date())
        let terminal = TextTerminal(width: 120, height: 40, script: script, advance: clock.advance)
        let refresh = RefreshLoop(source: RecordingSource(reader: archive.reader, target: archive.target), interval: 1, clock: clock)
        var options = App.Options()
        (options.interval, options.serverLabel, options.schema, options.replayFrom) = (
            1, "db-1", (try? archive.reader.meta("schema.db-1")) ?? "", start
        )
        options.timeZone = TimeZone(identifier: "UTC")!
        let machine = TimeMachine(archive: archive, history: History())
        AppLoop(
            terminal: terminal, refresh: refresh, effects: EffectRunner(refresh: refresh, actions: nil, spawn: { $0() }), options: options,
            past: machine
        ).run()
        return terminal
    }
}
