import Foundation
import StoreAccess
import StoreTestSupport
import Testing

@testable import StoreMetrics

/// faucet-state tables made by `ensure_table`'s DDL (default and custom name), written by its upsert; every figure
/// of `FaucetPanel` against SQL read in the same test. CDC keys name a real replication slot (logical when the
/// server's `wal_level` allows it, else physical: `scripts/pg` leaves the default `replica`) and a missing one.
@Suite struct FaucetPanelTests {
    /// A replication slot for the test, of the kind the server allows; dropped by `drop`.
    struct Slot {
        let name: String
        let logical: Bool
        let server: TestServer

        init(_ server: TestServer) throws {
            self.server = server
            name = "faucet_\(UInt32.random(in: 0...UInt32.max))"
            logical = try server.admin("SHOW wal_level").rows[0][0] == "logical"
            if logical {
                try server.admin(SQL("SELECT pg_create_logical_replication_slot(\(name), 'test_decoding')"))
            } else {
                try server.admin(SQL("SELECT pg_create_physical_replication_slot(\(name), true)"))
            }
        }

        /// A client streaming from the slot (`pg_recvlogical` or `pg_receivewal`), so the slot is active.
        func attach(_ dir: String) throws -> BackgroundProcess {
            let dsn = server.adminDSN
            if logical {
                return try BackgroundProcess(server.bindir + "/pg_recvlogical", ["-d", dsn, "-S", name, "--start", "-f", "/dev/null"])
            }
            return try BackgroundProcess(server.bindir + "/pg_receivewal", ["-d", dsn, "-S", name, "-D", dir, "--no-loop"])
        }

        func active() throws -> Bool { try server.admin(SQL("SELECT active FROM pg_replication_slots WHERE slot_name = \(name)")).rows[0].decode(0) }

        func drop() {
            for _ in 0..<100 {
                if (try? server.admin(SQL("SELECT pg_drop_replication_slot(\(name))"))) != nil { return }
                usleep(50_000)
            }
        }
    }

    @Test func bookmarksOfTheDefaultTableMatchSQL() throws {
        let server = try TestServer.current().inDatabase("storetop_foreign")
        let schema = TestServer.freshSchemaName("zst")
        let c = try ZFAFixtures.connect(server)
        let slot = try Slot(server)
        defer { c.close(); slot.drop(); server.dropSchema(schema) }
        try ZFAFixtures.createFaucet(c, schema: schema, table: "faucet_state")
        let lsn: String = try c.query("SELECT pg_current_wal_lsn()::text").rows[0].decode(0)
        try ZFAFixtures.faucetPut(c, table: "faucet_state", key: "orders::42", "{\"page\": 3}")
        try ZFAFixtures.faucetPut(c, table: "faucet_state", key: "orders::cdc", ZFAFixtures.exactlyOnce("{\"cursor\": \"x\"}", seq: 7))
        try ZFAFixtures.faucetPut(c, table: "faucet_state", key: "postgres-cdc:\(slot.name)", "{\"last_lsn\": \"\(lsn)\"}")
        try ZFAFixtures.faucetPut(
            c, table: "faucet_state", key: "postgres-cdc:gone_slot", ZFAFixtures.exactlyOnce("{\"last_lsn\": \"\(lsn)\"}", seq: 3))
        try ZFAFixtures.faucetPut(c, table: "faucet_state", key: "faucet_doctor_probe", "{\"faucet_doctor\": true}")
        try ZFAFixtures.faucetPut(c, table: "faucet_state", key: "orders::42", "{\"page\": 4}")  // now the freshest

        let now = try ZFAFixtures.serverNow(c)
        let before: Double = try c.query(SQL("SELECT pg_wal_lsn_diff(pg_current_wal_lsn(), \(lsn)::pg_lsn)")).rows[0].decode(0)
        var store = Snapshot.ForeignStore(kind: .faucet, version: "", schema: schema, tables: ["faucet_state"])
        var statements = 0
        try FaucetPanel.read(c, schema: schema, table: "faucet_state", into: &store, now: now, statements: &statements)
        let after: Double = try c.query(SQL("SELECT pg_wal_lsn_diff(pg_current_wal_lsn(), \(lsn)::pg_lsn)")).rows[0].decode(0)

        let expected = try c.query(
            SQL(
                unsafeRaw:
                    "SELECT key, extract(epoch FROM $1::timestamptz - updated_at)::float8 AS age FROM \"\(schema)\".faucet_state WHERE key <> 'faucet_doctor_probe' ORDER BY updated_at, key",
                binds: [now])
        ).rows
        #expect(store.bookmarks.map(\.key) == expected.map { $0["key"]! })
        #expect(store.bookmarks.last?.key == "orders::42")
        for (b, e) in zip(store.bookmarks, expected) { #expect(abs(b.ageSeconds - (try e.decode("age", as: Double.self))) < 0.001) }
        let byKey = Dictionary(uniqueKeysWithValues: store.bookmarks.map { ($0.key, $0) })
        #expect(byKey["orders::42"]?.envelope == "bare" && byKey["orders::42"]?.slot == nil)
        #expect(byKey["orders::cdc"]?.envelope == "exactly_once seq=7" && byKey["orders::cdc"]?.slot == nil)
        let real = try #require(byKey["postgres-cdc:\(slot.name)"])
        #expect(real.slot == slot.name && real.slotActive == false && real.envelope == "bare")
        #expect(real.slotExists == true && real.lastLSN == lsn)
        #expect(byKey["orders::42"]?.slotExists == nil && byKey["orders::42"]?.lastLSN == nil)
        let behind = Double(try #require(real.bytesBehind))
        #expect(behind >= before && behind <= after, "\(before) ≤ \(behind) ≤ \(after)")
        let gone = try #require(byKey["postgres-cdc:gone_slot"])
        #expect(gone.slot == "gone_slot" && gone.slotActive == nil && gone.envelope == "exactly_once seq=3")
        #expect(gone.slotExists == false && gone.lastLSN == lsn, "the LSN inside the envelope")
        #expect(Double(gone.bytesBehind ?? -1) >= before)
        #expect(statements == 1)
        #expect(store.warnings.contains { $0.contains("gone_slot, which does not exist") }, "\(store.warnings)")
        #expect(store.warnings.contains { $0.contains("slot \(slot.name) of bookmark postgres-cdc:\(slot.name) is inactive") })
        #expect(store.warnings.count == 2, "\(store.warnings)")

        // a client streaming from the slot makes it active: that warning goes
        let dir = NSTemporaryDirectory() + "faucet-wal-\(slot.name)"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let client = try slot.attach(dir)
        defer { client.kill9() }
        let deadline = Date().addingTimeInterval(20)
        while try !slot.active(), Date() < deadline { usleep(50_000) }
        var again = Snapshot.ForeignStore(kind: .faucet, version: "", schema: schema, tables: ["faucet_state"])
        try FaucetPanel.read(c, schema: schema, table: "faucet_state", into: &again, now: now, statements: &statements)
        #expect(again.bookmarks.first { $0.key == real.key }?.slotActive == true, "\(client.errors)")
        #expect(again.warnings.count == 1 && again.warnings[0].contains("gone_slot"), "\(again.warnings)")
        client.kill9()
    }

    @Test func aCustomNamedTableReadsAlike() throws {
        let server = try TestServer.current().inDatabase("storetop_foreign")
        let schema = TestServer.freshSchemaName("zst")
        let c = try ZFAFixtures.connect(server)
        defer { c.close(); server.dropSchema(schema) }
        let table = "Pipeline_State_v2"
        try ZFAFixtures.createFaucet(c, schema: schema, table: table)
        try ZFAFixtures.faucetPut(c, table: table, key: "users::backfill::p1", "\"opaque-cursor\"")
        try ZFAFixtures.faucetPut(c, table: table, key: "users::__replication__", "[1, 2]")
        try ZFAFixtures.faucetPut(c, table: table, key: "faucet_doctor_probe", "{\"faucet_doctor\": true}")
        let now = try ZFAFixtures.serverNow(c)
        var store = Snapshot.ForeignStore(kind: .faucet, version: "", schema: schema, tables: [table], likely: true)
        var statements = 0
        try FaucetPanel.read(c, schema: schema, table: table, into: &store, now: now, statements: &statements)
        let expected = try c.query(
            SQL(
                unsafeRaw:
                    "SELECT key, extract(epoch FROM $1::timestamptz - updated_at)::float8 AS age FROM \"\(schema)\".\"\(table)\" WHERE key <> 'faucet_doctor_probe' ORDER BY updated_at, key",
                binds: [now])
        ).rows
        #expect(store.bookmarks.map(\.key) == expected.map { $0["key"]! } && expected.count == 2)
        for (b, e) in zip(store.bookmarks, expected) {
            #expect(abs(b.ageSeconds - (try e.decode("age", as: Double.self))) < 0.001)
            #expect(b.envelope == "bare" && b.slot == nil && b.bytesBehind == nil)
        }
        #expect(statements == 0 && store.warnings.isEmpty)
    }

    /// faucet allows a table name that starts with a digit (`Identifier` refuses one): detected, quoted and read.
    @Test func aTableNameStartingWithADigitIsDetectedAndRead() throws {
        let server = try TestServer.current().inDatabase("storetop_foreign")
        let schema = TestServer.freshSchemaName("zst")
        let c = try ZFAFixtures.connect(server)
        defer { c.close(); server.dropSchema(schema) }
        let table = "2024_state"
        try ZFAFixtures.createFaucet(c, schema: schema, table: table)
        try ZFAFixtures.faucetPut(c, table: table, key: "orders::1", "{\"page\": 1}")
        let found = ForeignDetect.stores(try ForeignDetect.read(c)).filter { $0.schema == schema }
        #expect(found.map(\.tables) == [[table]] && found.first?.likely == true)
        var store = try #require(found.first)
        var statements = 0
        try FaucetPanel.read(c, schema: schema, table: table, into: &store, now: try ZFAFixtures.serverNow(c), statements: &statements)
        let keys = try c.query(SQL(unsafeRaw: "SELECT key FROM \"\(schema)\".\"\(table)\" ORDER BY key")).rows.map { $0["key"]! }
        #expect(store.bookmarks.map(\.key) == keys && keys == ["orders::1"])
        #expect(throws: StoreError.self) { try FaucetPanel.TableName("bad\"name") }
        #expect(throws: StoreError.self) { try FaucetPanel.TableName(String(repeating: "x", count: 64)) }
    }

    @Test func everyStatementRunsAgainstAFaucetTable() throws {
        let server = try TestServer.current().inDatabase("storetop_foreign")
        let schema = TestServer.freshSchemaName("zst")
        let c = try ZFAFixtures.connect(server)
        defer { c.close(); server.dropSchema(schema) }
        try ZFAFixtures.createFaucet(c, schema: schema, table: FaucetPanel.defaultTable)
        for sql in FaucetPanel.statements(try Identifier(schema)) {
            do { try c.query(sql) } catch { Issue.record("\(sql.name ?? "?") failed: \(error)") }
            #expect(sql.name?.hasPrefix("metrics.foreign.faucet_") == true)
        }
    }

    @Test func onlyLSNsAreSentAndOnlyCDCKeysNameSlots() {
        #expect(FaucetPanel.lsn("0/16B3748") == "0/16B3748" && FaucetPanel.lsn("FFFFFFFF/0") != nil)
        #expect(FaucetPanel.lsn("0/") == nil && FaucetPanel.lsn("x/1") == nil && FaucetPanel.lsn("1/2/3") == nil && FaucetPanel.lsn(nil) == nil)
        #expect(FaucetPanel.slot(of: "postgres-cdc:main") == "main")
        #expect(FaucetPanel.slot(of: "postgres-cdc:") == nil && FaucetPanel.slot(of: "orders::cdc") == nil)
    }
}
