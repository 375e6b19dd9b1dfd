import Foundation
import StoreTestSupport
import Testing

@testable import StoreAccess

// Ported from github.com/jwilger/eventcore:
//   2.x at 68c38b469b3b8b300cf4ca6400cb9abe8187bce9 (v2.0.1): eventcore-testing/src/contract.rs (the
//   `backend_contract_tests!` suite that eventcore-postgres/tests/contract_suite_test.rs runs) and
//   eventcore-postgres/tests/{atomic_multi_stream,batch_append,concurrency_retry,observability,
//   postgres_internals,snapshot_store}_test.rs;
//   0.1 at c8cf8dd7dd86f791228688e927b44c6b7d78e911 (release v0.1.6): eventcore-postgres/tests/{integration_tests,connection_pool_tests,
//   multi_stream_gap_detection,stream_batching_tests,test_concurrent_bug,test_duplicate_event_id}.rs.
// Mapping: `StreamWrites` (register_stream + append) is `appendMulti` with `.exact(version)` (a registered stream
// without events is a read-only participant); `read_stream` is `readStream`; `read_events(filter, page)` is
// `readAll`/`read(streamPrefix:)`; the CheckpointStore is the state store (a key per subscription);
// `ProjectorCoordinator::try_acquire` is `subscribeDurable` (exclusive per name) and dropping the guard is `stop()`;
// 0.1's `CommandExecutor::execute` is `epExecute` (read, decide, append at the versions read, retry on conflict).
// Not ported: lib.test.rs (2.x; unit tests of the internal glob-to-regex helper), 0.1's in-crate unit tests (config
// builder, error conversion, circuit breaker, retry, monitor internals), test_performance_optimized_config (an
// eventcore-only preset), and the two cases 0.1 marks #[ignore] for machine-dependent timing thresholds.

@Suite("eventcore-postgres") struct EventcoreTests {
    /// eventcore's `contract_stream_id(scenario, label)`.
    static func sid(_ scenario: String, _ label: String) -> String { "contract::\(scenario)::\(label)::\(epUUID())" }

    /// One contract event for each stream, registered at `versions` (`register_stream` + `append`).
    static func writes(_ streams: [(String, Int64)], events: [String]) -> [StreamWrite] {
        streams.map { s in StreamWrite(stream: s.0, expected: .exact(s.1), events: events.filter { $0 == s.0 }.map { epEvent($0) }) }
    }

    // MARK: contract.rs: event store

    /// `test_basic_read_write` (eventcore-testing/src/contract.rs, `basic_read_write_contract`)
    @Test func eventcore_basic_read_write() throws {
        try withConformanceStore { store, _ in
            let es = try store.events(tenant: "eventcore"), s = Self.sid("basic_read_write", "single")
            try es.appendMulti(Self.writes([(s, 0)], events: [s]))
            #expect(try es.readStream(s).count == 1)
        }
    }

    /// `test_concurrent_version_conflicts` (contract.rs)
    @Test func eventcore_concurrent_version_conflicts() throws {
        try withConformanceStore { store, _ in
            let es = try store.events(tenant: "eventcore"), s = Self.sid("concurrent_version_conflicts", "shared")
            try es.appendMulti(Self.writes([(s, 0)], events: [s]))
            #expect(epError { try es.appendMulti(Self.writes([(s, 0)], events: [s])) }?.code == .conflict)
        }
    }

    /// `test_read_only_participant_conflict_preserves_atomicity` (contract.rs)
    @Test func eventcore_read_only_participant_conflict_preserves_atomicity() throws {
        try withConformanceStore { store, _ in
            let es = try store.events(tenant: "eventcore")
            let p = Self.sid("read_only_participant_conflict_preserves_atomicity", "participant")
            let t = Self.sid("read_only_participant_conflict_preserves_atomicity", "target")
            try es.appendMulti(Self.writes([(p, 0)], events: [p]))
            #expect(epError { try es.appendMulti(Self.writes([(p, 0), (t, 0)], events: [t])) }?.code == .conflict)
            #expect(try es.readStream(t).isEmpty)
        }
    }

    /// `test_current_read_only_participant_allows_write` (contract.rs)
    @Test func eventcore_current_read_only_participant_allows_write() throws {
        try withConformanceStore { store, _ in
            let es = try store.events(tenant: "eventcore")
            let p = Self.sid("current_read_only_participant_allows_write", "participant")
            let t = Self.sid("current_read_only_participant_allows_write", "target")
            try es.appendMulti(Self.writes([(p, 0)], events: [p]))
            try es.appendMulti(Self.writes([(p, 1), (t, 0)], events: [t]))
            #expect(try es.readStream(t).count == 1)
        }
    }

    /// `test_stream_isolation` (contract.rs)
    @Test func eventcore_stream_isolation() throws {
        try withConformanceStore { store, _ in
            let es = try store.events(tenant: "eventcore")
            let l = Self.sid("stream_isolation", "left"), r = Self.sid("stream_isolation", "right")
            try es.appendMulti(Self.writes([(l, 0), (r, 0)], events: [l, r]))
            let left = try es.readStream(l), right = try es.readStream(r)
            #expect(left.count == 1 && left.allSatisfy { $0.stream == l })
            #expect(right.count == 1 && right.allSatisfy { $0.stream == r })
        }
    }

    /// `test_missing_stream_reads` (contract.rs)
    @Test func eventcore_missing_stream_reads() throws {
        try withConformanceStore { store, _ in
            let es = try store.events(tenant: "eventcore")
            #expect(try es.readStream(Self.sid("missing_stream_reads", "ghost")).isEmpty)
        }
    }

    /// `test_conflict_preserves_atomicity` (contract.rs)
    @Test func eventcore_conflict_preserves_atomicity() throws {
        try withConformanceStore { store, _ in
            let es = try store.events(tenant: "eventcore")
            let l = Self.sid("conflict_preserves_atomicity", "left"), r = Self.sid("conflict_preserves_atomicity", "right")
            try es.appendMulti(Self.writes([(l, 0), (r, 0)], events: [l, r]))
            #expect(epError { try es.appendMulti(Self.writes([(l, 0), (r, 1)], events: [l, r])) }?.code == .conflict)
            #expect(try es.readStream(l).count == 1)
            #expect(try es.readStream(r).count == 1)
        }
    }

    /// eventcore's `MismatchedEvent`: another event type with a field the stored payload lacks.
    struct MismatchedEvent: Decodable { let stream_id: String; let extra_field: String }

    /// `test_read_stream_errors_on_type_mismatch` (contract.rs): decoding is the caller's step in StoreAccess.
    @Test func eventcore_read_stream_errors_on_type_mismatch() throws {
        try withConformanceStore { store, _ in
            let es = try store.events(tenant: "eventcore"), s = Self.sid("read_stream_errors_on_type_mismatch", "mismatched")
            try es.appendMulti(Self.writes([(s, 0)], events: [s]))
            let events = try es.readStream(s)
            #expect(events.count == 1)
            #expect(epError { _ = try events.map { try $0.decode(MismatchedEvent.self) } }?.code == .decoding)
        }
    }

    /// `test_read_stream_after_excludes_reconstructed_events` (contract.rs): after version 2 = from version 3.
    @Test func eventcore_read_stream_after_excludes_reconstructed_events() throws {
        try withConformanceStore { store, _ in
            let es = try store.events(tenant: "eventcore"), s = Self.sid("read_stream_after_excludes_reconstructed_events", "history")
            try es.append(to: s, expected: .exact(0), (0..<3).map { _ in epEvent(s) })
            #expect(try es.readStream(s, fromVersion: 3).count == 1)
        }
    }

    // MARK: contract.rs: event reader

    /// `test_event_ordering_across_streams` (contract.rs)
    @Test func eventcore_event_ordering_across_streams() throws {
        try withConformanceStore { store, _ in
            let es = try store.events(tenant: "eventcore")
            let streams = ["stream-a", "stream-b", "stream-c"].map { Self.sid("event_ordering_across_streams", $0) }
            for s in streams { try es.appendMulti(Self.writes([(s, 0)], events: [s])) }
            let events = try es.readAll(limit: 100)
            #expect(events.map(\.stream) == streams)
        }
    }

    /// `test_position_based_resumption` (contract.rs)
    @Test func eventcore_position_based_resumption() throws {
        try withConformanceStore { store, _ in
            let es = try store.events(tenant: "eventcore"), s = Self.sid("position_based_resumption", "stream")
            try es.append(to: s, expected: .exact(0), (0..<5).map { _ in epEvent(s) })
            let all = try es.readAll(limit: 100)
            let third = all[2].position
            let after = try es.readAll(after: third, limit: 100)
            #expect(after.count == 2)
            #expect(!after.contains { $0.position == third })
            #expect(after.count == 2 && after[0].position > third && after[1].position > after[0].position)
        }
    }

    /// `test_stream_prefix_filtering` (contract.rs)
    @Test func eventcore_stream_prefix_filtering() throws {
        try withConformanceStore { store, _ in
            let es = try store.events(tenant: "eventcore")
            let a1 = "account-1-\(epUUID())", a2 = "account-2-\(epUUID())", o1 = "order-1-\(epUUID())"
            try es.appendMulti(Self.writes([(a1, 0), (a2, 0), (o1, 0)], events: [a1, a2, o1]))
            let events = try es.read(streamPrefix: "account-", limit: 100)
            #expect(events.count == 2)
            #expect(events.allSatisfy { $0.stream.hasPrefix("account-") })
        }
    }

    /// `test_stream_prefix_requires_prefix_match` (contract.rs)
    @Test func eventcore_stream_prefix_requires_prefix_match() throws {
        try withConformanceStore { store, _ in
            let es = try store.events(tenant: "eventcore")
            let a = "account-123-\(epUUID())", my = "my-account-456-\(epUUID())", o = "order-789-\(epUUID())"
            try es.appendMulti(Self.writes([(a, 0), (my, 0), (o, 0)], events: [a, my, o]))
            let events = try es.read(streamPrefix: "account-", limit: 100)
            #expect(events.count == 1)
            #expect(events.first?.stream.hasPrefix("account-123") == true)
            #expect(events.first?.stream.hasPrefix("my-account-456") == false)
        }
    }

    /// `test_stream_pattern_filtering` (contract.rs): eventcore's stream pattern is `read(streamGlob:)`.
    @Test func eventcore_stream_pattern_filtering() throws {
        try withConformanceStore { store, _ in
            let es = try store.events(tenant: "eventcore"), run = epUUID()
            let orders = (0..<50).map { _ in "order-\(epUUID())" }
            let a1 = "account-1-\(run)", a2 = "account-2-\(run)"
            try es.appendMulti(Self.writes(orders.map { ($0, 0) } + [(a1, 0), (a2, 0)], events: orders + [a1, a2]))
            let events = try es.read(streamGlob: "account-*", limit: 10)
            #expect(events.count == 2)
            #expect(events.allSatisfy { $0.stream.hasPrefix("account-") })
        }
    }

    /// `test_stream_pattern_single_char` (contract.rs)
    @Test func eventcore_stream_pattern_single_char() throws {
        try withConformanceStore { store, _ in
            let es = try store.events(tenant: "eventcore"), run = epUUID()
            let x = "account-x\(run)", xy = "account-xy\(run)", o = "order-z\(run)"
            try es.appendMulti(Self.writes([(x, 0), (xy, 0), (o, 0)], events: [x, xy, o]))
            let events = try es.read(streamGlob: "account-?\(run)", limit: 100)
            #expect(events.count == 1)
            #expect(events.first?.stream == x)
        }
    }

    /// `test_stream_pattern_char_class` (contract.rs)
    @Test func eventcore_stream_pattern_char_class() throws {
        try withConformanceStore { store, _ in
            let es = try store.events(tenant: "eventcore"), run = epUUID().replacingOccurrences(of: "-", with: "")
            let digit = "account-7-\(run)", letter = "account-a-\(run)"
            try es.appendMulti(Self.writes([(digit, 0), (letter, 0)], events: [digit, letter]))
            let events = try es.read(streamGlob: "account-[0-9]", limit: 100)
            #expect(events.count == 1)
            #expect(events.first?.stream == digit)
        }
    }

    /// `test_batch_limiting` (contract.rs)
    @Test func eventcore_batch_limiting() throws {
        try withConformanceStore { store, _ in
            let es = try store.events(tenant: "eventcore"), s = Self.sid("batch_limiting", "stream")
            try es.append(to: s, expected: .exact(0), (0..<20).map { _ in epEvent(s) })
            let events = try es.readAll(limit: 10)
            #expect(events.count == 10)
        }
    }
}

// MARK: contract.rs: command-state snapshots, checkpoints, coordination

extension EventcoreTests {
    /// eventcore's `contract_snapshot(primary, secondary, v1, v2, balance)` as JSON (state, stream versions,
    /// replay checkpoints).
    static func snapshot(_ primary: String, _ secondary: String, _ v1: Int, _ v2: Int, _ balance: Int) -> JSONText {
        JSONText(
            """
            {"state":{"balance":\(balance)},"stream_versions":{"\(primary)":\(v1),"\(secondary)":\(v2)},\
            "replay_checkpoints":[{"stream_id":"\(primary)","state":{"balance":\(balance - 1)},"stream_versions":{"\(primary)":\(v1)}},\
            {"stream_id":"\(secondary)","state":{"balance":\(balance)},"stream_versions":{"\(primary)":\(v1),"\(secondary)":\(v2)}}]}
            """)
    }

    /// Parses a JSON text into a comparable value.
    static func json(_ t: JSONText?) -> NSDictionary? {
        t.flatMap { try? JSONSerialization.jsonObject(with: Data($0.text.utf8)) as? NSDictionary }
    }

    /// eventcore's snapshot document saved as a command-state snapshot: the whole document is the state, its
    /// `stream_versions` the versions it was built from.
    static func save(_ snapshots: SnapshotStore, _ id: String, _ doc: JSONText) throws -> Bool {
        let versions = try #require(json(doc)?["stream_versions"] as? [String: Int])
        return try snapshots.save(id, state: doc, versions: versions.mapValues(Int64.init))
    }

    /// `test_command_state_snapshot_load_missing` (contract.rs)
    @Test func eventcore_command_state_snapshot_load_missing() throws {
        try withConformanceStore { store, _ in
            let snapshots = try store.snapshots(tenant: "eventcore")
            #expect(try snapshots.load("contract::snapshot::command_state_snapshot_load_missing::\(epUUID())") == nil)
        }
    }

    /// `test_command_state_snapshot_round_trip_and_monotonic` (contract.rs): a stale snapshot must not
    /// regress a newer one.
    @Test func eventcore_command_state_snapshot_round_trip_and_monotonic() throws {
        try withConformanceStore { store, _ in
            let snapshots = try store.snapshots(tenant: "eventcore")
            let id = "contract::snapshot::command_state_snapshot_round_trip_and_monotonic::\(epUUID())"
            let p = Self.sid("command_state_snapshot_round_trip_and_monotonic", "primary")
            let s = Self.sid("command_state_snapshot_round_trip_and_monotonic", "secondary")
            let newer = Self.snapshot(p, s, 4, 9, 200), stale = Self.snapshot(p, s, 3, 8, 100)
            #expect(try Self.save(snapshots, id, newer))
            #expect(try !Self.save(snapshots, id, stale), "a stale snapshot was accepted")
            let loaded = try #require(try snapshots.load(id))
            #expect(Self.json(loaded.state) == Self.json(newer))
            #expect(loaded.versions == [p: 4, s: 9])
        }
    }

    /// A checkpoint position: eventcore 2's `StreamPosition(Uuid::now_v7())`, kept as the peer writes it.
    static func position() -> JSONText { JSONText("\"\(epUUID())\"") }

    /// `test_checkpoint_save_and_load` (contract.rs)
    @Test func eventcore_checkpoint_save_and_load() throws {
        try withConformanceStore { store, _ in
            let checkpoints = try store.state(tenant: "eventcore")
            let name = "contract::checkpoint_save_and_load::\(epUUID())", pos = Self.position()
            _ = try checkpoints.put(name, pos)
            #expect(try checkpoints.get(name)?.text == pos.text)
        }
    }

    /// `test_checkpoint_update_overwrites` (contract.rs)
    @Test func eventcore_checkpoint_update_overwrites() throws {
        try withConformanceStore { store, _ in
            let checkpoints = try store.state(tenant: "eventcore")
            let name = "contract::checkpoint_update_overwrites::\(epUUID())", first = Self.position(), second = Self.position()
            _ = try checkpoints.put(name, first)
            _ = try checkpoints.put(name, second)
            #expect(try checkpoints.get(name)?.text == second.text)
        }
    }

    /// `test_checkpoint_load_missing_returns_none` (contract.rs)
    @Test func eventcore_checkpoint_load_missing_returns_none() throws {
        try withConformanceStore { store, _ in
            let checkpoints = try store.state(tenant: "eventcore")
            #expect(try checkpoints.get("contract::checkpoint_load_missing_returns_none::ghost::\(epUUID())") == nil)
        }
    }

    /// `test_checkpoint_independent_subscriptions` (contract.rs)
    @Test func eventcore_checkpoint_independent_subscriptions() throws {
        try withConformanceStore { store, _ in
            let checkpoints = try store.state(tenant: "eventcore")
            let a = "contract::checkpoint_independent_subscriptions::sub-a::\(epUUID())", pa = Self.position()
            let b = "contract::checkpoint_independent_subscriptions::sub-b::\(epUUID())", pb = Self.position()
            _ = try checkpoints.put(a, pa)
            _ = try checkpoints.put(b, pb)
            #expect(try checkpoints.get(a)?.text == pa.text)
            #expect(try checkpoints.get(b)?.text == pb.text)
        }
    }

    /// eventcore's `ProjectorCoordinator::try_acquire`: a durable consumer of that name (exclusive per name).
    static func acquire(_ es: EventStore, _ name: String) throws -> Subscription {
        try es.subscribeDurable(name: name) { _ in }
    }

    /// `test_coordination_acquire_leadership` (contract.rs)
    @Test func eventcore_coordination_acquire_leadership() throws {
        try withConformanceStore { store, _ in
            let es = try store.events(tenant: "eventcore")
            let guardA = try Self.acquire(es, "contract::coordination_acquire_leadership::\(epUUID())")
            #expect(guardA.isConnected)
            guardA.stop()
        }
    }

    /// `test_coordination_second_instance_blocked` (contract.rs)
    @Test func eventcore_coordination_second_instance_blocked() throws {
        try withConformanceStore { store, _ in
            let es = try store.events(tenant: "eventcore"), name = "contract::coordination_second_instance_blocked::\(epUUID())"
            let first = try Self.acquire(es, name)
            defer { first.stop() }
            #expect(epError { _ = try Self.acquire(es, name) }?.code == .consumerBusy)
        }
    }

    /// `test_coordination_independent_subscriptions` (contract.rs)
    @Test func eventcore_coordination_independent_subscriptions() throws {
        try withConformanceStore { store, _ in
            let es = try store.events(tenant: "eventcore")
            let a = try Self.acquire(es, "contract::coordination_independent_subscriptions::projector-A::\(epUUID())")
            defer { a.stop() }
            let b = try Self.acquire(es, "contract::coordination_independent_subscriptions::projector-B::\(epUUID())")
            #expect(b.isConnected)
            b.stop()
        }
    }

    /// `test_coordination_leadership_released_on_guard_drop` (contract.rs)
    @Test func eventcore_coordination_leadership_released_on_guard_drop() throws {
        try withConformanceStore { store, _ in
            let es = try store.events(tenant: "eventcore"), name = "contract::coordination_leadership_released_on_guard_drop::\(epUUID())"
            try Self.acquire(es, name).stop()
            let second = try Self.acquire(es, name)
            #expect(second.isConnected)
            second.stop()
        }
    }
}

// MARK: eventcore-postgres 2.x tests

extension EventcoreTests {
    /// `developer_observes_atomic_multi_stream_commit` (eventcore-postgres/tests/atomic_multi_stream_test.rs)
    @Test func eventcore_developer_observes_atomic_multi_stream_commit() throws {
        try withConformanceStore { store, server in
            let es = try store.events(tenant: "eventcore")
            let source = "account/source-\(epUUID())", dest = "account/dest-\(epUUID())"
            try es.appendMulti([
                StreamWrite(
                    stream: source, expected: .exact(0), events: [epEvent(source, type: "TestEvent", ["payload": "credit source account"])]),
                StreamWrite(
                    stream: dest, expected: .exact(0), events: [epEvent(dest, type: "TestEvent", ["payload": "debit destination account"])]),
            ])
            let n = try server.admin(
                SQL(unsafeRaw: "SELECT count(*) FROM \(store.schema.name.quoted).events WHERE stream IN ('\(source)', '\(dest)')"))
            #expect(n.first?[0] == "2")
        }
    }

    /// `append_events_persists_large_batch_across_chunk_boundary` (eventcore-postgres/tests/batch_append_test.rs)
    @Test func eventcore_append_events_persists_large_batch_across_chunk_boundary() throws {
        try withConformanceStore { store, _ in
            let es = try store.events(tenant: "eventcore"), s = "batch::large::\(epUUID())"
            try es.append(to: s, expected: .exact(0), (0..<1200).map { _ in epEvent(s) })
            let events = try es.readStream(s, limit: 2000)
            #expect(events.count == 1200)
            #expect(events.map(\.version) == (1...1200).map(Int64.init))
        }
    }

    /// `developer_retries_after_postgres_version_conflict` (eventcore-postgres/tests/concurrency_retry_test.rs).
    /// eventcore logs `postgres.version_conflict`; StoreAccess names the statement in the error and logs nothing.
    @Test func eventcore_developer_retries_after_postgres_version_conflict() throws {
        let logs = EPLogCapture()
        try epWithLoggedStore(logs) { store, _ in
            let es = try store.events(tenant: "eventcore"), s = "account-concurrency-\(epUUID())"
            let results = epConcurrently(2) { i in
                Result { try es.append(to: s, expected: .exact(0), [epEvent(s, type: "TestEvent", ["payload": "deposit \(i)"])]) }
            }
            let conflicts = results.compactMap { r -> StoreError? in
                if case .failure(let e as StoreError) = r, e.code == .conflict { return e }; return nil
            }
            #expect(results.filter { (try? $0.get()) != nil }.count == 1)
            #expect(conflicts.count == 1)
            #expect(conflicts.first?.statement == "events.append")
            try es.append(to: s, expected: .exact(1), [epEvent(s, type: "TestEvent", ["payload": "retry deposit after conflict"])])
            #expect(try es.readStream(s).count == 2)
            #expect(logs.contains("version conflict"), "\(logs.all)")
        }
    }

    /// `developer_observes_postgres_tracing_spans` (eventcore-postgres/tests/observability_test.rs)
    @Test func eventcore_developer_observes_postgres_tracing_spans() throws {
        let logs = EPLogCapture()
        try epWithLoggedStore(logs) { store, _ in
            let es = try store.events(tenant: "eventcore"), s = "observability-test-\(epUUID())"
            try es.append(to: s, expected: .exact(0), [epEvent(s, type: "TestEvent", ["payload": "initial deposit"])])
            #expect(try es.readStream(s).count == 1)
            #expect(logs.contains("append") && logs.contains("read_stream"), "\(logs.all)")
        }
    }

    /// `command_state_snapshots_round_trip_and_never_regress_their_version_vector` (snapshot_store_test.rs)
    @Test func eventcore_command_state_snapshots_round_trip_and_never_regress_their_version_vector() throws {
        try withConformanceStore { store, _ in
            let snapshots = try store.snapshots(tenant: "eventcore"), id = "snapshot::\(epUUID())"
            let p = "snapshot-stream::\(epUUID())", r = "snapshot-stream::\(epUUID())"
            let newer = JSONText(
                #"{"state":{"balance":200},"stream_versions":{"\#(p)":10,"\#(r)":4},"#
                    + #""replay_checkpoints":[{"stream_id":"\#(p)","state":{"balance":160},"stream_versions":{"\#(p)":10}}]}"#)
            #expect(try Self.save(snapshots, id, newer))
            let older = JSONText(#"{"state":{"balance":100},"stream_versions":{"\#(p)":9},"replay_checkpoints":[]}"#)
            #expect(try !Self.save(snapshots, id, older))
            let loaded = try #require(try snapshots.load(id))
            let stored = try #require(Self.json(loaded.state))
            #expect((stored["state"] as? NSDictionary) == ["balance": 200])
            #expect((stored["stream_versions"] as? NSDictionary) == [p: 10, r: 4])
            #expect((stored["replay_checkpoints"] as? NSArray)?.count == 1)
            #expect(loaded.versions == [p: 10, r: 4])
        }
    }

    /// `read_stream_after_seeks_past_the_reconstructed_version` (snapshot_store_test.rs)
    @Test func eventcore_read_stream_after_seeks_past_the_reconstructed_version() throws {
        try withConformanceStore { store, _ in
            let es = try store.events(tenant: "eventcore"), s = "snapshot-stream::\(epUUID())"
            try es.append(to: s, expected: .exact(0), (0..<4).map { epEvent(s, type: "SnapshotTestEvent", ["sequence": "\($0)"]) })
            let tail = try es.readStream(s, fromVersion: 3)
            #expect(try tail.map { try $0.decode([String: String].self)["sequence"] } == ["2", "3"])
        }
    }
}

// MARK: eventcore-postgres 2.x: postgres_internals_test.rs

extension EventcoreTests {
    /// eventcore writes rows with raw INSERTs guarded by triggers; StoreAccess's raw SQL write path is the
    /// schema's `append` function (docs/sql.md), which psql users call the same way.
    static func sqlAppend(_ store: Store, _ stream: String, _ payload: String) throws -> Row? {
        let events = JSONText("[{\"type\":\"TestEvent\",\"payload\":\(payload)}]")
        return try store.pool.query(
            SQL("SELECT first_version, first_position FROM \(ident: store.schema.name).append('eventcore', \(stream), -1, \(events))")
        ).first
    }

    /// `trigger_assigns_sequential_versions` (eventcore-postgres/tests/postgres_internals_test.rs)
    @Test func eventcore_trigger_assigns_sequential_versions() throws {
        try withConformanceStore { store, _ in
            let row = try #require(try Self.sqlAppend(store, "trigger-test-\(epUUID())", #"{"n":1}"#))
            #expect(try row.decode(0, as: Int64.self) == 1)
        }
    }

    /// `trigger_prevents_update_on_event_log` (postgres_internals_test.rs)
    @Test func eventcore_trigger_prevents_update_on_event_log() throws {
        try withConformanceStore { store, _ in
            let row = try #require(try Self.sqlAppend(store, "immutability-test-\(epUUID())", #"{"original":true}"#))
            let position = try row.decode(1, as: Int64.self)
            let e = epError {
                try store.pool.query(
                    SQL("UPDATE \(ident: store.schema.name).events SET payload = '{\"tampered\":true}' WHERE position = \(position)"))
            }
            #expect(e?.message.contains("immutable") == true)
        }
    }

    /// `trigger_prevents_delete_on_event_log` (postgres_internals_test.rs)
    @Test func eventcore_trigger_prevents_delete_on_event_log() throws {
        try withConformanceStore { store, _ in
            let row = try #require(try Self.sqlAppend(store, "delete-prevention-test-\(epUUID())", #"{"data":"to be deleted"}"#))
            let position = try row.decode(1, as: Int64.self)
            let e = epError { try store.pool.query(SQL("DELETE FROM \(ident: store.schema.name).events WHERE position = \(position)")) }
            #expect(e?.message.contains("immutable") == true)
        }
    }

    /// Advisory locks held by the backend that owns consumer `name` (eventcore's `is_advisory_lock_held`).
    static func advisoryLockHeld(_ store: Store, _ server: TestServer, _ name: String) throws -> Bool {
        let sql = """
            SELECT count(*) FROM pg_locks l JOIN \(store.schema.name.quoted).cursors c ON l.pid = c.owner_backend_pid \
            WHERE l.locktype = 'advisory' AND l.granted AND c.tenant = 'eventcore' AND c.name = '\(name)'
            """
        return try server.admin(SQL(unsafeRaw: sql)).first?[0] != "0"
    }

    /// `advisory_lock_released_on_guard_drop_verifies_pg_locks` (postgres_internals_test.rs)
    @Test func eventcore_advisory_lock_released_on_guard_drop_verifies_pg_locks() throws {
        try withConformanceStore { store, server in
            let es = try store.events(tenant: "eventcore"), name = "pg-locks-test-\(epUUID())"
            let leader = try Self.acquire(es, name)
            #expect(try Self.advisoryLockHeld(store, server, name))
            for _ in 0..<10 { try store.pool.withConnection { _ in } }
            leader.stop()
            #expect(try !Self.advisoryLockHeld(store, server, name))
        }
    }

    /// `postgres_event_store_saves_and_loads_checkpoint` (postgres_internals_test.rs)
    @Test func eventcore_postgres_event_store_saves_and_loads_checkpoint() throws {
        try withConformanceStore { store, _ in
            let checkpoints = try store.state(tenant: "eventcore")
            let name = "event-store-checkpoint-test-\(epUUID())", pos = Self.position()
            _ = try checkpoints.put(name, pos)
            #expect(try checkpoints.get(name)?.text == pos.text)
        }
    }

    /// `advisory_lock_held_blocks_second_acquisition_verified_via_pg_locks` (postgres_internals_test.rs)
    @Test func eventcore_advisory_lock_held_blocks_second_acquisition_verified_via_pg_locks() throws {
        try withConformanceStore { store, server in
            let es = try store.events(tenant: "eventcore"), name = "pg-locks-blocking-test-\(epUUID())"
            #expect(try !Self.advisoryLockHeld(store, server, name))
            let leader = try Self.acquire(es, name)
            #expect(try Self.advisoryLockHeld(store, server, name))
            #expect(epError { _ = try Self.acquire(es, name) }?.code == .consumerBusy)
            leader.stop()
            #expect(try !Self.advisoryLockHeld(store, server, name))
            try Self.acquire(es, name).stop()
        }
    }

    /// `postgres_event_store_implements_projector_coordinator` (postgres_internals_test.rs)
    @Test func eventcore_postgres_event_store_implements_projector_coordinator() throws {
        try withConformanceStore { store, _ in
            let leader = try Self.acquire(try store.events(tenant: "eventcore"), "test-projector")
            #expect(leader.isConnected)
            leader.stop()
        }
    }
}

// MARK: eventcore-postgres 0.1: integration_tests.rs

extension EventcoreTests {
    /// 0.1's counter events (`TestEvent::CounterIncremented { amount }` …).
    static func counter(_ type: String, _ amount: Int) -> EventData {
        EventData(type: type, payload: JSONText("{\"amount\":\(amount)}"))
    }

    /// A counter's value from its events (0.1's `CounterState` apply).
    static func value(_ events: [RecordedEvent]) -> Int {
        events.reduce(0) { v, e in
            let amount = (try? e.decode([String: Int].self)["amount"]) ?? 0
            switch e.type {
            case "CounterIncremented": return v + amount
            case "CounterDecremented": return max(0, v - amount)
            default: return 0
            }
        }
    }

    /// 0.1's `IncrementCounterCommand`.
    static func increment(_ es: EventStore, _ stream: String, by amount: Int) throws -> EPCommandResult {
        try epExecute(es, streams: [stream]) { _ in
            guard amount > 0 else { throw EPRejected(reason: "Amount must be greater than 0") }
            return [stream: [counter("CounterIncremented", amount)]]
        }
    }

    /// 0.1's `TransferBetweenCountersCommand`.
    static func transfer(_ es: EventStore, from: String, to: String, amount: Int) throws -> EPCommandResult {
        try epExecute(es, streams: [from, to]) { read in
            let balance = value(read[from] ?? [])
            guard balance >= amount else { throw EPRejected(reason: "Insufficient balance: \(balance) < \(amount)") }
            return [from: [counter("CounterDecremented", amount)], to: [counter("CounterIncremented", amount)]]
        }
    }

    /// `test_concurrent_command_execution` (0.1 eventcore-postgres/tests/integration_tests.rs)
    @Test func eventcore_test_concurrent_command_execution() throws {
        try withConformanceStore { store, _ in
            let es = try store.events(tenant: "eventcore"), s = "counter-1-\(epUUID())"
            let results = epConcurrently(10) { i in (try? Self.increment(es, s, by: i + 1)) ?? .rejected("error") }
            let ok = results.filter { $0 == .ok }.count, conflicts = results.filter { $0 == .conflict }.count
            #expect(ok > 0)
            #expect(ok + conflicts == 10)
            #expect(try es.readStream(s).count > 0)
        }
    }

    /// `test_multi_stream_atomicity` (integration_tests.rs)
    @Test func eventcore_test_multi_stream_atomicity() throws {
        try withConformanceStore { store, _ in
            let es = try store.events(tenant: "eventcore"), id = epUUID()
            let c1 = "counter-1-\(id)", c2 = "counter-2-\(id)"
            #expect(try Self.increment(es, c1, by: 100) == .ok)
            #expect(try Self.transfer(es, from: c1, to: c2, amount: 50) == .ok)
            let n1 = try es.readStream(c1).count, n2 = try es.readStream(c2).count
            #expect((2...3).contains(n1))
            #expect((1...2).contains(n2))
            let failing = try Self.transfer(es, from: c1, to: c2, amount: 100)
            #expect(failing == .rejected("Insufficient balance: 50 < 100"))
            #expect(try es.readStream(c1).count == n1)
            #expect(try es.readStream(c2).count == n2)
        }
    }

    /// `test_transaction_isolation` (integration_tests.rs)
    @Test func eventcore_test_transaction_isolation() throws {
        try withConformanceStore { store, _ in
            let es = try store.events(tenant: "eventcore"), streams = (0..<5).map { "isolation-test-\($0)" }
            _ = epConcurrently(5) { i in try? Self.increment(es, streams[i], by: (i + 1) * 10) }
            let results = epConcurrently(5) { i in
                let r = i < 3 ? try? Self.increment(es, streams[i], by: 5) : try? Self.transfer(es, from: streams[i - 3], to: streams[i], amount: 5)
                return r ?? .rejected("error")
            }
            #expect(results.allSatisfy { $0 == .ok || $0 == .conflict })
            for s in streams {
                let events = try es.readStream(s)
                #expect(Set(events.map(\.position)).count == events.count)
                #expect(zip(events, events.dropFirst()).allSatisfy { $0.version < $1.version })
            }
        }
    }

    /// `test_batch_event_insertion` (integration_tests.rs)
    @Test func eventcore_test_batch_event_insertion() throws {
        try withConformanceStore { store, _ in
            let es = try store.events(tenant: "eventcore")
            let small = "batch-test-small-\(epUUID())", large = "batch-test-large-\(epUUID())"
            let r1 = try es.append(to: small, expected: .noStream, (0..<10).map { Self.counter("CounterIncremented", $0 + 1) })
            #expect(r1.lastVersion == 10)
            #expect(try es.readStream(small).count == 10)
            let r2 = try es.append(to: large, expected: .noStream, (0..<2500).map { Self.counter("CounterIncremented", $0 % 100 + 1) })
            #expect(r2.lastVersion == 2500)
            #expect(try es.readStream(large, limit: 3000).count == 2500)
            let m1 = "batch-multi-1-\(epUUID())", m2 = "batch-multi-2-\(epUUID())"
            let multi = try es.appendMulti([
                StreamWrite(stream: m1, expected: .noStream, events: [10, 20].map { Self.counter("CounterIncremented", $0) }),
                StreamWrite(stream: m2, expected: .noStream, events: [30, 40, 50].map { Self.counter("CounterIncremented", $0) }),
            ])
            #expect(multi.count == 2)
            #expect(multi.first { $0.stream == m1 }?.lastVersion == 2)
            #expect(multi.first { $0.stream == m2 }?.lastVersion == 3)
        }
    }

    /// `test_batch_insertion_performance` (integration_tests.rs)
    @Test func eventcore_test_batch_insertion_performance() throws {
        try withConformanceStore { store, _ in
            let es = try store.events(tenant: "eventcore"), s = "batch-perf-test-\(epUUID())"
            let t0 = ContinuousClock.now
            try es.append(to: s, expected: .noStream, (0..<1000).map { Self.counter("CounterIncremented", $0 % 100 + 1) })
            let elapsed = t0.duration(to: .now)
            #expect(elapsed < .seconds(2), "1000 events must insert at more than 500 events/s, took \(elapsed)")
        }
    }
}

// MARK: eventcore-postgres 0.1: connection_pool_tests.rs

extension EventcoreTests {
    /// `test_connection_pool_configuration` (0.1 eventcore-postgres/tests/connection_pool_tests.rs)
    @Test func eventcore_test_connection_pool_configuration() throws {
        try epWithConfiguredStore({ c in
            c.maxConnections = 5; c.minConnections = 1; c.connectTimeout = 5
        }) { store, _ in
            #expect(store.pool.configuration.maxConnections == 5)
            #expect(store.pool.configuration.minConnections == 1)
            #expect(store.pool.configuration.connectTimeout == 5)
        }
    }

    /// `test_pool_health_check` (connection_pool_tests.rs)
    @Test func eventcore_test_pool_health_check() throws {
        try withConformanceStore { store, _ in
            let health = store.healthCheck()
            #expect(health.healthy)
            #expect(health.metrics.size > 0)
            #expect(health.roundTrip.map { $0 < .seconds(1) } == true)
            #expect(health.schemaVersion != nil && health.problem == nil)
        }
    }

    /// `test_pool_metrics` (connection_pool_tests.rs)
    @Test func eventcore_test_pool_metrics() throws {
        try withConformanceStore { store, _ in
            let m = store.pool.metrics()
            #expect(m.size <= 20)
            #expect(m.idle <= m.size && m.inUse <= m.size)
            #expect(store.healthCheck().healthy)
            #expect(m.utilization * 100 >= 0 && m.utilization * 100 <= 100)
        }
    }

    /// `test_pool_monitoring_task` (connection_pool_tests.rs): the pool reporter (every 100 ms) is the
    /// monitoring task; closing the store stops it.
    @Test func eventcore_test_pool_monitoring_task() throws {
        try epWithConfiguredStore({ c in c.reportInterval = .milliseconds(100) }) { store, server in
            Thread.sleep(forTimeInterval: 0.3)
            let reports = SQL(unsafeRaw: "SELECT count(*) FROM \(store.schema.name.quoted).pool_reports")
            let deadline = ContinuousClock.now + .seconds(10)
            var count = try server.admin(reports).first?[0]
            while count == "0" && ContinuousClock.now < deadline {
                Thread.sleep(forTimeInterval: 0.05)
                count = try server.admin(reports).first?[0]
            }
            #expect(count != nil && count != "0")
            let t0 = ContinuousClock.now
            store.close()
            #expect(t0.duration(to: .now) < .seconds(1))
        }
    }

    /// `test_connection_pool_exhaustion` (connection_pool_tests.rs)
    @Test func eventcore_test_connection_pool_exhaustion() throws {
        try epWithConfiguredStore({ c in
            c.maxConnections = 2; c.acquireTimeout = .seconds(5)
        }) { store, _ in
            let healthy = epConcurrently(3) { _ in store.healthCheck().healthy }
            #expect(healthy.filter { $0 }.count >= 2)
        }
    }

    /// `test_query_timeout_configuration` (connection_pool_tests.rs): eventcore's `query_timeout` is StoreAccess's
    /// `statementTimeout`.
    @Test func eventcore_test_query_timeout_configuration() throws {
        try epWithConfiguredStore({ c in c.statementTimeout = .milliseconds(500) }) { store, _ in
            let checks = (0..<5).map { _ in store.healthCheck() }
            #expect(checks.allSatisfy { $0.healthy })
            // eventcore's `is_performant`: query latency under 100 ms (best of five, so a busy test machine's
            // scheduling noise does not decide it)
            let best = checks.compactMap(\.roundTrip).min() ?? .seconds(3600)
            #expect(best < .milliseconds(100))
        }
    }
}

// MARK: eventcore-postgres 0.1: multi_stream_gap_detection.rs

extension EventcoreTests {
    /// `test_multi_stream_batch_gap_detection` (0.1 eventcore-postgres/tests/multi_stream_gap_detection.rs)
    @Test func eventcore_test_multi_stream_batch_gap_detection() throws {
        try withConformanceStore { store, _ in
            let es = try store.events(tenant: "eventcore"), s1 = "gap-test-1-\(epUUID())", s2 = "gap-test-2-\(epUUID())"
            let first = try es.appendMulti([
                StreamWrite(stream: s1, expected: .noStream, events: [Self.counter("Created", 1), Self.counter("Updated", 2)]),
                StreamWrite(stream: s2, expected: .noStream, events: [10, 20, 30].map { Self.counter("Updated", $0) }),
            ])
            #expect(first.first { $0.stream == s1 }?.lastVersion == 2 && first.first { $0.stream == s2 }?.lastVersion == 3)
            let second = try es.appendMulti([
                StreamWrite(stream: s1, expected: .exact(2), events: [Self.counter("Updated", 3)]),
                StreamWrite(stream: s2, expected: .exact(3), events: [40, 50].map { Self.counter("Updated", $0) }),
            ])
            #expect(second.first { $0.stream == s1 }?.lastVersion == 3 && second.first { $0.stream == s2 }?.lastVersion == 5)
        }
    }

    /// `test_gap_detection_prevents_version_skipping` (multi_stream_gap_detection.rs)
    @Test func eventcore_test_gap_detection_prevents_version_skipping() throws {
        try withConformanceStore { store, _ in
            let es = try store.events(tenant: "eventcore"), s = "gap-prevent-\(epUUID())"
            try es.append(to: s, expected: .noStream, [Self.counter("Created", 100)])
            #expect(epError { try es.append(to: s, expected: .exact(3), [Self.counter("Updated", 300)]) }?.code == .conflict)
        }
    }

    /// `test_within_batch_gap_detection` (multi_stream_gap_detection.rs)
    @Test func eventcore_test_within_batch_gap_detection() throws {
        try withConformanceStore { store, _ in
            let es = try store.events(tenant: "eventcore"), s = "within-batch-gap-\(epUUID())"
            try es.append(to: s, expected: .noStream, [Self.counter("Created", 1)])
            let r = try es.append(to: s, expected: .exact(1), [2, 3, 4].map { Self.counter("Updated", $0) })
            #expect(r.lastVersion == 4)
        }
    }
}

// MARK: eventcore-postgres 0.1: stream_batching_tests.rs

extension EventcoreTests {
    /// 0.1's `create_test_events(count)`.
    static func items(_ n: Int) -> [EventData] {
        (0..<n).map { EventData(type: "Created", payload: JSONText("{\"id\":\"item-\($0)\",\"value\":\($0)}")) }
    }

    /// `test_read_batch_size_configuration` (0.1 eventcore-postgres/tests/stream_batching_tests.rs): eventcore's
    /// `read_batch_size` (default 1000) is StoreAccess's read `limit` (default 1000).
    @Test func eventcore_test_read_batch_size_configuration() throws {
        try withConformanceStore { store, _ in
            let es = try store.events(tenant: "eventcore"), s = "batch-size-\(epUUID())"
            try es.append(to: s, expected: .noStream, Self.items(1200))
            #expect(try es.readStream(s, limit: 50).count == 50)
            #expect(try es.readStream(s).count == 1000)
        }
    }

    /// `test_batch_size_limits_results` (stream_batching_tests.rs)
    @Test func eventcore_test_batch_size_limits_results() throws {
        try withConformanceStore { store, _ in
            let es = try store.events(tenant: "eventcore"), s = "test-stream-\(epUUID())"
            try es.append(to: s, expected: .noStream, Self.items(200))
            #expect(try es.readStream(s, limit: 100).count == 100)
            #expect(try es.readStream(s, limit: 50).count == 50)
        }
    }

    /// `test_paginated_reading` (stream_batching_tests.rs): three streams written in one append, read in pages
    /// of 50 (`read_paginated` is `readAll(after: last)`).
    @Test func eventcore_test_paginated_reading() throws {
        try withConformanceStore { store, _ in
            let es = try store.events(tenant: "eventcore"), streams = (1...3).map { "stream-\($0)-\(epUUID())" }
            try es.appendMulti(streams.map { StreamWrite(stream: $0, expected: .noStream, events: Self.items(50)) })
            var all: [RecordedEvent] = [], pages = 0
            while pages <= 10 {
                let page = try es.readAll(after: all.last?.position ?? 0, limit: 50)
                if page.isEmpty { break }
                pages += 1
                all += page
            }
            #expect(all.count == 150)
            #expect(zip(all, all.dropFirst()).allSatisfy { $0.position < $1.position })
            #expect(pages >= 3 && pages <= 4)
        }
    }

    /// `test_paginated_reading_with_filters` (stream_batching_tests.rs): versions 30…80 in pages of 20.
    @Test func eventcore_test_paginated_reading_with_filters() throws {
        try withConformanceStore { store, _ in
            let es = try store.events(tenant: "eventcore"), s = "filtered-stream-\(epUUID())"
            try es.append(to: s, expected: .noStream, Self.items(100))
            var got: [RecordedEvent] = [], from: Int64 = 30
            while true {
                let page = try es.readStream(s, fromVersion: from, limit: 20).filter { $0.version <= 80 }
                got += page
                guard let last = page.last, page.count == 20 else { break }
                from = last.version + 1
            }
            #expect(got.count == 51)
            #expect((got.first?.version ?? 0) >= 30 && (got.last?.version ?? 99) <= 80)
        }
    }

    /// `test_empty_stream_handling_with_batching` (stream_batching_tests.rs): a stream without events has
    /// version 0 (`streamInfo` is nil).
    @Test func eventcore_test_empty_stream_handling_with_batching() throws {
        try withConformanceStore { store, _ in
            let es = try store.events(tenant: "eventcore"), empty = "empty-stream-\(epUUID())", data = "data-stream-\(epUUID())"
            try es.append(to: data, expected: .noStream, Self.items(50))
            let events = try es.readStream(empty) + es.readStream(data)
            #expect(events.count == 50)
            let versions = try [empty, data].map { try es.streamInfo($0)?.version ?? 0 }
            #expect(versions == [0, 50])
        }
    }

    /// `test_continuation_token_consistency` (stream_batching_tests.rs)
    @Test func eventcore_test_continuation_token_consistency() throws {
        try withConformanceStore { store, _ in
            let es = try store.events(tenant: "eventcore"), s = "token-test-\(epUUID())"
            try es.append(to: s, expected: .noStream, Self.items(30))
            let p1 = try es.readStream(s, fromVersion: 1, limit: 10)
            let p2 = try es.readStream(s, fromVersion: (p1.last?.version ?? 0) + 1, limit: 10)
            let p3 = try es.readStream(s, fromVersion: (p2.last?.version ?? 0) + 1, limit: 10)
            #expect(p1.count == 10 && p2.count == 10 && p3.count == 10)
            #expect(Set(p1.map(\.position)).isDisjoint(with: p2.map(\.position)))
            #expect(try es.readStream(s, fromVersion: (p3.last?.version ?? 0) + 1, limit: 10).isEmpty)
        }
    }
}

// MARK: eventcore-postgres 0.1: test_concurrent_bug.rs, test_duplicate_event_id.rs

extension EventcoreTests {
    /// 0.1's `CreateCommand`: create the stream unless it exists.
    static func create(_ es: EventStore, _ stream: String, _ value: String) -> EPCommandResult {
        (try? epExecute(es, streams: [stream]) { read in
            guard read[stream]?.isEmpty ?? true else { throw EPRejected(reason: "Stream already exists") }
            return [stream: [EventData(type: "Created", payload: JSONText("{\"value\":\"\(value)\"}"))]]
        }) ?? .rejected("error")
    }

    /// `test_concurrent_creation_with_retry` (0.1 eventcore-postgres/tests/test_concurrent_bug.rs)
    @Test func eventcore_test_concurrent_creation_with_retry() throws {
        try withConformanceStore { store, _ in
            let es = try store.events(tenant: "eventcore")
            for run in 0..<2 {
                let s = "concurrent-test-\(run)-\(epUUID())"
                let results = epConcurrently(2) { Self.create(es, s, "value\($0 + 1)") }
                #expect(results.filter { $0 == .ok }.count == 1)
                #expect(results.filter { $0 == .rejected("Stream already exists") }.count == 1)
                #expect(try es.readStream(s).count == 1)
            }
        }
    }

    /// `test_concurrent_creation_stress` (test_concurrent_bug.rs)
    @Test func eventcore_test_concurrent_creation_stress() throws {
        try withConformanceStore { store, _ in
            let es = try store.events(tenant: "eventcore"), s = "stress-test-\(epUUID())"
            let results = epConcurrently(10) { Self.create(es, s, "value\($0)") }
            #expect(results.filter { $0 == .ok }.count == 1)
            #expect(results.filter { $0 == .rejected("Stream already exists") }.count == 9)
            #expect(try es.readStream(s).count == 1)
        }
    }

    /// `test_duplicate_event_id_investigation` (0.1 eventcore-postgres/tests/test_duplicate_event_id.rs): event
    /// ids are StoreAccess's positions.
    @Test func eventcore_test_duplicate_event_id_investigation() throws {
        try withConformanceStore { store, _ in
            let es = try store.events(tenant: "eventcore"), s = "test-\(epUUID())"
            let results = epConcurrently(5) { i in
                (try? epExecute(es, streams: [s]) { _ in
                    Thread.sleep(forTimeInterval: 0.01)
                    return [s: [EventData(type: "ValueSet", payload: JSONText("{\"value\":\(i + 1)}"))]]
                }) ?? .rejected("error")
            }
            let ok = results.filter { $0 == .ok }.count, conflicts = results.filter { $0 == .conflict }.count
            let events = try es.readStream(s)
            #expect(Set(events.map(\.position)).count == events.count)
            #expect(ok >= 1)
            #expect(ok + conflicts == 5)
            #expect(events.count == ok)
        }
    }
}
