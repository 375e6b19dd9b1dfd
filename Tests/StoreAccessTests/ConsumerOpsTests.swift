import Foundation
import StoreTestSupport
import Testing

@testable import StoreAccess

/// Issue 21, the library's side: a poison event stops or parks a consumer by its policy; parked events are replayed
/// to their consumer only; moves are previewed, refused while the consumer runs unpaused or moved since the preview,
/// and redeliver exactly what the preview counted; every action leaves its audit row.
@Suite struct ConsumerOpsTests {
    /// One column of one cursor row, read as the admin.
    func cursorField(_ server: TestServer, _ store: Store, _ name: String, _ column: String) throws -> String? {
        try server.admin(
            SQL(unsafeRaw: "SELECT \(column)::text FROM \(store.schema.name.quoted).cursors WHERE name = '\(name)'")
        ).first?[0]
    }

    func auditRows(_ server: TestServer, _ store: Store) throws -> [[String?]] {
        try server.admin(
            SQL(
                unsafeRaw:
                    "SELECT action, status, target, from_position::text, to_position::text, rows::text, reason FROM \(store.schema.name.quoted).actions_audit ORDER BY id"
            )
        ).rows.map(\.values)
    }

    @Test func aPoisonEventStopsTheConsumerWithItsErrorRecorded() throws {
        try withStore { store, server in
            let es = try store.events(tenant: "shop")
            for _ in 0..<3 { try es.append(to: "s", [ev("Ok")]) }
            let poison = try es.append(to: "s", [ev("Poison")]).firstPosition
            try es.append(to: "s", [ev("Ok")])
            var o = Subscription.Options()
            o.retryDelay = .milliseconds(10)
            let sub = try es.subscribeDurable(name: "mailer", options: o) { b in
                if b.contains(where: { $0.type == "Poison" }) { throw StoreError(.invalidArgument, "cannot mail poison") }
            }
            guard case .handlerFailed(let message)? = sub.wait(timeout: .seconds(20)) else {
                Issue.record("the consumer did not stop on the poison event")
                return
            }
            #expect(message.contains("poison"))
            // the events before the poison one were handled (one by one after the batch failed) and recorded
            #expect(try cursorField(server, store, "mailer", "position") == String(poison - 1))
            #expect(try cursorField(server, store, "mailer", "failing_position") == String(poison))
            #expect(try cursorField(server, store, "mailer", "failing_attempts") == "3")
            #expect(try cursorField(server, store, "mailer", "failing_error")?.contains("cannot mail poison") == true)
            #expect(try cursorField(server, store, "mailer", "on_failure") == "stop")
        }
    }

    @Test func parkedEventIsReplayedExactlyOnceMoreToItsConsumerOnly() throws {
        try withStore { store, server in
            let es = try store.events(tenant: "shop")
            try es.append(to: "s", [ev("Ok")])
            let poison = try es.append(to: "s", [ev("Poison")]).firstPosition
            let tail = try es.append(to: "s", [ev("Ok"), ev("Ok")]).lastPosition
            let fixed = LockedBox(false)
            let got = LockedBox<[Int64]>([])
            let other = LockedBox<[Int64]>([])
            var o = Subscription.Options()
            o.failure = .park(afterAttempts: 2)
            o.retryDelay = .milliseconds(10)
            o.heartbeatInterval = .milliseconds(200)
            let sub = try es.subscribeDurable(name: "billing", options: o) { b in
                if !fixed.get(), b.contains(where: { $0.type == "Poison" }) { throw StoreError(.invalidArgument, "bad invoice") }
                got.update { $0 += b.map(\.position) }
            }
            defer { sub.stop() }
            let bystander = try es.subscribeDurable(name: "audit", options: o) { b in other.update { $0 += b.map(\.position) } }
            defer { bystander.stop() }
            #expect(sub.waitForPosition(tail, timeout: .seconds(20)))
            #expect(bystander.waitForPosition(tail, timeout: .seconds(20)))
            #expect(!got.get().contains(poison))
            let admin = ConsumerAdmin(store: store)
            let parked = try admin.parked(tenant: "shop", consumer: "billing")
            #expect(parked.map(\.position) == [poison])
            #expect(parked.first?.attempts == 2)
            #expect(parked.first?.error.contains("bad invoice") == true)
            #expect(parked.first?.type == "Poison")
            // fixed: replay it
            fixed.set(true)
            let preview = try admin.previewParked(ConsumerRef(tenant: "shop", name: "billing"), positions: nil)
            #expect(preview.positions == [poison])
            let record = try admin.replay(preview, reason: "invoice template fixed")
            #expect(record.action == "replay" && record.rows == 1 && record.reason == "invoice template fixed")
            let deadline = ContinuousClock.now + .seconds(20)
            while try !admin.parked(tenant: "shop", consumer: "billing").isEmpty, ContinuousClock.now < deadline {
                Thread.sleep(forTimeInterval: 0.05)
            }
            #expect(try admin.parked(tenant: "shop", consumer: "billing").isEmpty)
            #expect(got.get().filter { $0 == poison }.count == 1)
            #expect(other.get().filter { $0 == poison }.count == 1)
            #expect(try auditRows(server, store).map { $0[0] } == ["replay"])
        }
    }

    @Test func aRunningConsumerIsRefusedUntilPausedThenRedeliversExactlyThePreview() throws {
        try withStore { store, server in
            let es = try store.events(tenant: "t")
            var head: Int64 = 0
            for i in 0..<10 {
                let p = try es.append(to: "s\(i % 2)", [ev(i % 2 == 0 ? "Wanted" : "Other")]).lastPosition
                if i % 2 == 0 { head = p }  // a filtered subscription's position is its last matching event
            }
            let got = LockedBox<[Int64]>([])
            var o = Subscription.Options()
            o.heartbeatInterval = .milliseconds(200)
            o.pollInterval = .milliseconds(50)
            let sub = try es.subscribeDurable(name: "proj", query: .types("Wanted"), options: o) { b in
                got.update { $0 += b.map(\.position) }
            }
            defer { sub.stop() }
            #expect(sub.waitForPosition(head, timeout: .seconds(20)))
            let admin = ConsumerAdmin(store: store)
            let ref = ConsumerRef(tenant: "t", name: "proj")
            let running = try admin.preview(ref, .rewindBy(events: 3))
            #expect(running.running != nil)
            #expect(running.refusal != nil)
            #expect(throws: StoreError.self) { try admin.execute(running, reason: "rebuild") }
            _ = try admin.pause(ref, reason: "rebuild")
            let deadline = ContinuousClock.now + .seconds(20)
            var p = try admin.preview(ref, .rewindBy(events: 3))
            while !p.pause.isAcknowledged, ContinuousClock.now < deadline {
                Thread.sleep(forTimeInterval: 0.05)
                p = try admin.preview(ref, .rewindBy(events: 3))
            }
            #expect(p.pause.isAcknowledged)
            #expect(p.refusal == nil)
            // the three newest "Wanted" events, exactly
            let wanted = got.get()
            #expect(p.events == 3)
            #expect(p.first?.position == wanted[wanted.count - 3])
            #expect(p.last?.position == wanted.last)
            got.set([])
            let record = try admin.execute(p, reason: "rebuild")
            #expect(record.action == "rewind" && record.fromPosition == p.from && record.toPosition == p.to && record.rows == 3)
            #expect(try cursorField(server, store, "proj", "position") == String(p.to))
            _ = try admin.resume(ref, reason: "rebuild done")
            #expect(sub.waitForPosition(head, timeout: .seconds(20)))
            let deadline2 = ContinuousClock.now + .seconds(20)
            while got.get().count < 3, ContinuousClock.now < deadline2 { Thread.sleep(forTimeInterval: 0.05) }
            #expect(got.get() == Array(wanted.suffix(3)))
            #expect(try auditRows(server, store).map { $0[0] } == ["pause", "rewind", "resume"])
        }
    }

    @Test func aMoveSinceThePreviewIsRefusedAndChangesNothing() throws {
        try withStore { store, server in
            let es = try store.events(tenant: "t")
            for _ in 0..<5 { try es.append(to: "s", [ev("E")]) }
            let c = try es.registerExternalConsumer(name: "ext", owner: ConsumerOwner(application: "x", host: "h", pid: 1))
            try c.advance(to: 2)
            let admin = ConsumerAdmin(store: store)
            let ref = ConsumerRef(tenant: "t", name: "ext")
            let p = try admin.preview(ref, .skipToHead)
            #expect(p.from == 2 && p.events == 3 && !p.redeliver && p.running == nil)
            try c.advance(to: 3)
            #expect(throws: StoreError.self) { try admin.execute(p, reason: "skip") }
            #expect(try cursorField(server, store, "ext", "position") == "3")
            #expect(try auditRows(server, store).isEmpty)
            let again = try admin.preview(ref, .resetToStart)
            #expect(again.events == 3 && again.redeliver && again.to == 0)
            _ = try admin.execute(again, reason: "replay all")
            #expect(try cursorField(server, store, "ext", "position") == "0")
            #expect(try auditRows(server, store).first?[0] == "reset")
        }
    }

    @Test func aPausedWatcherHoldsItsChangesUntilResumed() throws {
        try withStore { store, server in
            let kv = try store.kv(tenant: "shop", codec: RawCodec())
            var o = WatchOptions()
            o.durableName = "indexer"
            o.pollInterval = .milliseconds(50)
            o.heartbeatInterval = .milliseconds(200)
            let w = try kv.watch("items", options: o)
            defer { w.cancel() }
            _ = try kv.set("items", "a", [1])
            #expect(try w.next(timeout: .seconds(10))?.key == "a")
            let admin = ConsumerAdmin(store: store)
            let ref = ConsumerRef(tenant: "shop", name: "indexer")
            _ = try admin.pause(ref, reason: "reindex")
            let deadline = ContinuousClock.now + .seconds(20)
            while try cursorField(server, store, "indexer", "loop_state") != "paused", ContinuousClock.now < deadline {
                Thread.sleep(forTimeInterval: 0.05)
            }
            #expect(try cursorField(server, store, "indexer", "loop_state") == "paused")
            _ = try kv.set("items", "b", [2])
            #expect(try w.next(timeout: .seconds(1)) == nil, "a paused watcher delivers nothing")
            _ = try admin.resume(ref, reason: "done")
            #expect(try w.next(timeout: .seconds(10))?.key == "b")
            #expect(try auditRows(server, store).map { $0[0] } == ["pause", "resume"])
        }
    }
}
