import Foundation
import StoreMetrics
import StoreRecording
import StoreTestSupport
import Testing

/// `storetop report` on a recording of a real workload (`ReportScenario`): the stall, the held delivery, the prune,
/// the restart and the unreachable interval it names are checked against what the test observed and read with SQL.
@Suite struct ReportCommandTests {
    @Test func namesTheStallTheHolderThePruneAndTheRestart() throws {
        let server = try PrivateServer()
        defer { server.stop() }
        let path = temporaryRecording()
        defer { for s in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + s) } }
        let w = try ReportScenario(server: server, path: path)
        defer { w.close() }
        var env = ProcessInfo.processInfo.environment
        env["REC_DSN"] = server.dsn
        let interval = ReportScenario.interval
        let ms = 0.001  // the JSON's dates are to the millisecond
        let rec = try BackgroundProcess(
            TestServer.builtProduct("storetop"),
            ["record", "--dsn", "env:REC_DSN", "--schema", w.schema, "--output", path, "--interval", String(interval)], environment: env)
        defer { rec.kill9() }
        try w.waitRecorded(after: Date().addingTimeInterval(interval))
        let held = try w.holdDelivery()
        let stall = try w.stall()
        let pruned = try w.prune()
        let restart = try w.restart()
        kill(rec.pid, SIGTERM)
        #expect(rec.waitExit(timeout: 60))

        let out = try storetop(["report", path, "--json", "--stall-after", String(ReportScenario.stallAfter)])
        #expect(out.status == 0, "\(out.err)")
        let r = try #require(try ReportJSON.decode(out.out).targets.first)
        // the stall: it starts when the handler had been stuck for --stall-after (no sooner than the blocking event
        // was that old), by the first snapshot after; it ends when the consumer moved again
        let s = try #require(r.stalls.first { $0.status == "stalled" && $0.name == "billing" }, "\(r.stalls)")
        #expect(s.start >= stall.appended.addingTimeInterval(ReportScenario.stallAfter - 2 * interval))
        let stalledBy = try #require(try w.firstRecorded(after: stall.stuck.addingTimeInterval(ReportScenario.stallAfter + 0.3)))
        #expect(s.start <= stalledBy.addingTimeInterval(ms), "\(s.start) after \(stalledBy)")
        let end = try #require(s.end)
        #expect(end >= stall.released.addingTimeInterval(-2 * interval))
        let afterStall = try #require(try w.firstRecorded(after: stall.caughtUp.addingTimeInterval(0.3)))
        #expect(end <= afterStall.addingTimeInterval(ms), "\(end) after \(afterStall)")
        #expect(s.heldBy.contains { $0.pid == stall.owner && $0.holds == "consumer lock" }, "\(s.heldBy) vs \(stall.owner)")
        // the held delivery names the open append's backend
        let h = try #require(r.stalls.first { $0.status == "held" && $0.name == "billing" }, "\(r.stalls)")
        #expect(h.heldBy.map(\.pid) == [held.pid] && h.reason.contains("delivery held back by pid \(held.pid)"))
        let afterHeld = try #require(try w.firstRecorded(after: held.ended.addingTimeInterval(0.3)))
        #expect(h.start >= held.began.addingTimeInterval(-2 * interval) && h.end != nil && h.end! <= afterHeld.addingTimeInterval(ms))
        // the prune
        let o = try #require(r.outboxes.first { $0.tenant == "acme" && $0.kind == "orders" })
        #expect(o.prunes >= 1 && o.prunedRows == Int64(pruned.deleted) && o.rowsMax == pruned.rows && o.rowsLast == 0)
        // the restart, and the unreachable interval between
        #expect(r.restarts.count == 1, "\(r.restarts)")
        let x = try #require(r.restarts.first)
        #expect(abs(x.startedAt.timeIntervalSince(restart.after)) < 0.01 && abs(x.previousStartedAt.timeIntervalSince(restart.before)) < 0.01)
        #expect(x.lastBefore <= restart.starting && x.firstAfter >= restart.starting && x.afterGap)
        let gaps = try RecordingReader(path: path).gaps(target: 1)
        #expect(gaps.count == 1 && r.unreachable.count == 1, "\(gaps)")
        for (a, b) in zip(r.unreachable, gaps) { #expect(abs(a.from.timeIntervalSince(b.from)) <= ms && abs(a.to.timeIntervalSince(b.to)) <= ms) }
        let g = try #require(r.unreachable.first)
        #expect(g.to >= restart.stopping && g.from <= restart.starting && !g.error.isEmpty)

        let text = try storetop(["report", path, "--stall-after", String(ReportScenario.stallAfter)])
        #expect(text.status == 0, "\(text.err)")
        let f = ISO8601DateFormatter()
        for expected in [
            "STALLED", "consumer lock pid \(stall.owner)", "delivery pid \(held.pid)", "acme/orders", f.string(from: x.startedAt),
            f.string(from: g.from),
        ] {
            #expect(text.out.contains(expected), "\(expected) not in:\n\(text.out)")
        }
    }

    @Test func exitStatusesForAFileThatIsNoRecordingAndForBadTimes() throws {
        let path = temporaryRecording()
        defer { for s in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + s) } }
        try "not a recording\n".write(toFile: path, atomically: true, encoding: .utf8)
        #expect(try storetop(["report", path]).status == 65)
        try FileManager.default.removeItem(atPath: path)
        let rec = try Recording(path: path, storetopVersion: "test")
        try rec.append(ReportBuilderTests.snap(0, position: 0, head: 0), target: try rec.target(named: "x"))
        try rec.close()
        #expect(try storetop(["report", path, "--from", "yesterday"]).status == 64)
        #expect(try storetop(["report", path, "--from=-1m", "--to=-2m"]).status == 64)
        #expect(try storetop(["report", path, "--target", "nope"]).status == 65)
        let ok = try storetop(["report", path, "--from=-1m", "--json"])
        #expect(ok.status == 0, "\(ok.err)")
        let doc = try ReportJSON.decode(ok.out)
        #expect(doc.targets.first?.snapshots == 1)
    }
}
