import Foundation
import StoreMetrics
import StoreRecording
import StoreTestSupport
import Testing

/// Runs the real `storetop` binary, as a user would.
func storetop(_ args: [String], env extra: [String: String] = [:], timeout: TimeInterval = 120) throws -> (status: Int32, out: String, err: String) {
    var env = ProcessInfo.processInfo.environment
    env["SWIFT_BACKTRACE"] = "enable=no"
    for (k, v) in extra { env[k] = v }
    return try runProcess(TestServer.builtProduct("storetop"), args, environment: env, timeout: timeout)
}

/// The count the command reported in its last line ("recorded N snapshots").
func reportedCount(_ stderr: String) -> Int? {
    guard let r = stderr.range(of: "storetop: recorded ", options: .backwards) else { return nil }
    return Int(stderr[r.upperBound...].prefix { $0.isNumber })
}

/// `storetop record` against the test server, read back with `sqlite3` and `snapshot --from-recording`.
@Suite struct RecordCommandTests {
    @Test func recordsAndPrintsAMomentAsJSONExportDoes() throws {
        let server = try TestServer.current()
        let path = temporaryRecording()
        defer { try? FileManager.default.removeItem(atPath: path) }
        let env = ["REC_DSN": server.dsn]
        let r = try storetop(["record", "--dsn", "env:REC_DSN", "--output", path, "--interval", "0.5", "--duration", "4s"], env: env)
        #expect(r.status == 0, "\(r.err)")
        let n = try #require(reportedCount(r.err), "no count in: \(r.err)")
        #expect(n >= 2)
        #expect(try sqlite3(path, "SELECT count(*) FROM snapshots") == String(n))

        let reader = try RecordingReader(path: path)
        defer { reader.close() }
        let target = try #require(try reader.targets().first)
        let first = try reader.snapshots(target: target.id, after: nil, limit: 3)
        try #require(first.count >= 2)
        let asked = Date(timeIntervalSince1970: (first[0].takenAt.timeIntervalSince1970 + first[1].takenAt.timeIntervalSince1970) / 2)
        let f = ISO8601DateFormatter()
        f.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        let out = try storetop(["snapshot", "--from-recording", path, "--at", f.string(from: asked), "--json"], env: env)
        #expect(out.status == 0, "\(out.err)")
        let latest = try sqlite3(path, "SELECT printf('%.6f', max(taken_at)) FROM snapshots WHERE taken_at <= \(asked.timeIntervalSince1970)")
        let shown = try #require(try reader.snapshot(target: target.id, atOrBefore: asked))
        #expect(String(format: "%.6f", shown.takenAt.timeIntervalSince1970) == latest, "the latest at or before the time asked")
        var h = History()
        _ = h.add(first[0])
        let expected = try JSONExport.encode(shown, derived: h.add(shown))
        #expect(out.out == expected + "\n")
        // the same moment as text, and relative to the end
        let text = try storetop(["snapshot", "--from-recording", path, "--at=-1s"], env: env)
        #expect(text.status == 0 && !text.out.isEmpty, "\(text.err)")
    }

    @Test func aStoppedServerIsAGapAndRecordingResumes() throws {
        let server = try PrivateServer()
        defer { server.stop() }
        let path = temporaryRecording()
        defer { try? FileManager.default.removeItem(atPath: path) }
        var env = ProcessInfo.processInfo.environment
        env["REC_DSN"] = server.dsn
        let p = try BackgroundProcess(
            TestServer.builtProduct("storetop"), ["record", "--dsn", "env:REC_DSN", "--output", path, "--interval", "0.5"], environment: env)
        defer { p.kill9() }
        try wait("two snapshots") { try count(path) >= 2 }
        try server.stopPG()
        try wait("a gap") { try sqlite3(path, "SELECT count(*) FROM gaps") != "0" }
        let before = try count(path)
        try server.startPG()
        try wait("a snapshot after the restart") { try count(path) > before }
        kill(p.pid, SIGTERM)
        #expect(p.waitExit(timeout: 60))
        #expect(p.errors.contains("(recorded as a gap)") && p.errors.contains("stopped by SIGTERM"), "\(p.errors)")
        let reader = try RecordingReader(path: path)
        defer { reader.close() }
        let gap = try #require(try reader.gaps(target: 1).first)
        let after = try #require(try reader.snapshots(target: 1, after: gap.to, limit: 1).first)
        let recorded = try reader.count()
        #expect(after.takenAt > gap.to && reportedCount(p.errors) == recorded)
    }

    @Test func aRecordingKilledMidWriteOpensUpToItsLastSnapshot() throws {
        let server = try TestServer.current()
        let path = temporaryRecording()
        defer { for s in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + s) } }
        var env = ProcessInfo.processInfo.environment
        env["REC_DSN"] = server.dsn
        let p = try BackgroundProcess(
            TestServer.builtProduct("storetop"), ["record", "--dsn", "env:REC_DSN", "--output", path, "--interval", "0.5"], environment: env)
        try wait("three snapshots") { try count(path) >= 3 }
        p.kill9()
        let reader = try RecordingReader(path: path)
        defer { reader.close() }
        let n = try reader.count()
        let counted = try sqlite3(path, "SELECT count(*) FROM snapshots")
        #expect(n >= 3 && String(n) == counted)
        let end = try #require(try reader.timeRange()?.upperBound)
        let last = try #require(try reader.snapshot(target: 1, atOrBefore: .distantFuture))
        let integrity = try sqlite3(path, "PRAGMA integrity_check")
        #expect(last.takenAt == end && integrity == "ok")
    }
}

/// Snapshots in the file, read as another process would (0 before the file exists).
func count(_ path: String) throws -> Int {
    guard FileManager.default.fileExists(atPath: path) else { return 0 }
    return (try? RecordingReader(path: path).count()) ?? 0
}

/// Waits (generously: two loaded cores) until `condition` holds.
func wait(_ what: String, timeout: TimeInterval = 90, _ condition: () throws -> Bool) throws {
    let deadline = Date().addingTimeInterval(timeout)
    while Date() < deadline {
        if try condition() { return }
        usleep(100_000)
    }
    Issue.record("timed out waiting for \(what)")
    throw RecordingError("timed out waiting for \(what)")
}
