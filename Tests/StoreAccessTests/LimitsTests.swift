import Foundation
import StoreTestSupport
import Testing

@testable import StoreAccess

@Suite struct LimitsTests {
    /// The server at max_connections: a pool whose connections are refused gets typed errors (no hang) and
    /// counts them; once the server has room again, the same pool works.
    @Test func serverAtMaxConnections() throws {
        let priv = try PrivateServer(extraConfig: "max_connections = 8\nsuperuser_reserved_connections = 2")
        defer { priv.stop() }
        var hogs = try priv.occupyAllSlots()
        #expect(hogs.count == 6)
        var config = PoolConfiguration(source: try ConnectionString(priv.dsn), applicationName: ApplicationName(service: "limits", store: "pool"))
        config.reportInterval = nil
        config.acquireTimeout = .seconds(1)
        let pool = try Pool(config)
        defer { pool.close() }
        let t0 = ContinuousClock.now
        do {
            try pool.query("SELECT 1")
            Issue.record("connected past max_connections")
        } catch let e as StoreError {
            #expect(e.code == .connectionFailed)
            #expect(e.sqlState == "53300")
            #expect(e.message.contains("too many clients") || e.message.contains("remaining connection slots"))
            #expect(!e.description.contains("app-secret-pw"))
        }
        #expect(t0.duration(to: .now) < .seconds(5))
        #expect(pool.metrics().connectionErrorsTotal == 1)
        hogs.removeLast().close()
        usleep(200_000)
        #expect(try pool.query("SELECT 1").first?[0] == "1")
        hogs.forEach { $0.close() }
    }

    @Test func invalidAndOversizedPayloadsAreRefusedAndWriteNothing() throws {
        try withStore { store, server in
            let es = try store.events(tenant: "p")
            // not JSON
            _ = expectStoreError(.server) { try es.append(to: "s", [EventData(type: "E", payload: JSONText("{not json"))]) }
            // a value larger than PostgreSQL's 1 GB field limit is not tried here; 2 MB goes through intact
            let big = String(repeating: "x", count: 2_000_000)
            let r = try es.append(to: "big", [EventData(type: "E", payload: JSONText("{\"blob\":\"\(big)\"}"))])
            #expect(try es.readStream("big").first?.payload.text.count == big.count + 12)
            #expect(r.firstVersion == 1)
            // invalid UTF-8 cannot even be built as a Swift String; bytes go through the KV store untouched
            let kv = try store.kv(tenant: "p", codec: RawCodec())
            try kv.set("bin", "k", [0xff, 0xfe, 0x00, 0xc3])
            #expect(try kv.get("bin", "k")?.value == [0xff, 0xfe, 0x00, 0xc3])
            // a JSON codec refuses bytes that are not its type, with a typed error
            let json = try store.kv(tenant: "p", codec: JSONCodec<[String: Int]>())
            _ = expectStoreError(.decoding) { _ = try json.get("bin", "k") }
            let n = try server.admin(SQL(unsafeRaw: "SELECT count(*) FROM \(store.schema.name.quoted).events WHERE stream = 's'"))
            #expect(n.first?[0] == "0")
        }
    }

    /// Near PostgreSQL's limits: an append over the 256 MiB a jsonb value holds, and a KV value over 256 MiB, are
    /// refused before anything is sent (typed error, nothing written); large values under the limits go through
    /// intact.
    @Test func payloadsNearTheServerLimits() throws {
        try withStore { store, server in
            let es = try store.events(tenant: "huge")
            let over = String(repeating: "x", count: EventStore.maxAppendBytes)
            let t0 = ContinuousClock.now
            let e = expectStoreError(.invalidArgument) { try es.append(to: "big", [EventData(type: "E", payload: JSONText("{\"b\":\"\(over)\"}"))]) }
            #expect(e?.message.contains("256 MiB") == true)
            #expect(t0.duration(to: .now) < .seconds(10))
            let kv = try store.kv(tenant: "huge", codec: RawCodec())
            _ = expectStoreError(.invalidArgument) { try kv.set("blobs", "k", [UInt8](repeating: 7, count: KVStore<RawCodec>.maxValueBytes + 1)) }
            _ = expectStoreError(.invalidArgument) {
                try kv.setMany("blobs", ["k": [UInt8](repeating: 7, count: KVStore<RawCodec>.maxValueBytes + 1)])
            }
            let q = store.schema.name.quoted
            #expect(
                try server.admin(
                    SQL(
                        unsafeRaw:
                            "SELECT (SELECT count(*) FROM \(q).events WHERE tenant = 'huge') + (SELECT count(*) FROM \(q).kv WHERE tenant = 'huge')")
                ).first?[0] == "0")
            // large but legal: 48 MB of JSON and a 96 MB value round-trip
            let large = String(repeating: "y", count: 48_000_000)
            try es.append(to: "large", [EventData(type: "E", payload: JSONText("{\"b\":\"\(large)\"}"))])
            #expect(try es.readStream("large").first?.payload.text.count == large.count + 9)  // jsonb prints {"b": "…"}
            let value = [UInt8]((0..<96_000_000).lazy.map { UInt8(truncatingIfNeeded: $0 &* 31) })
            try kv.set("blobs", "large", value)
            #expect(try kv.get("blobs", "large")?.value == value)
        }
    }
}
