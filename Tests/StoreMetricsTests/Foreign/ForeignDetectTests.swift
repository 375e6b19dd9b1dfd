import Foundation
import StoreAccess
import StoreTestSupport
import Testing

@testable import StoreMetrics

/// Issue 18's detection test: one private database holding a store of every kind (factstr 0.5, eventcore 2, zestor,
/// faucet-state under its own and a custom name, axon sessions) beside StoreAccess's own schema and beside tables
/// and sessions that only look like them. The collector, which looks through its whole database, must find exactly
/// the real stores, and each panel's figures must match SQL read at the same moment.
@Suite(.serialized) struct ForeignDetectTests {
    /// Schemas of the stores and of the look-alikes.
    struct Names {
        let factstr = TestServer.freshSchemaName("fst"), eventcore = TestServer.freshSchemaName("ec2")
        let zestor = TestServer.freshSchemaName("zst"), faucet = TestServer.freshSchemaName("fct")
        let lookFactstr = TestServer.freshSchemaName("lkf"), lookEventcore = TestServer.freshSchemaName("lke")
        let lookZestor = TestServer.freshSchemaName("lkz"), lookFaucet = TestServer.freshSchemaName("lkc")
        let axon = "shop"
    }

    /// A fresh database for `body` (a collector looks for foreign stores in its whole database: the shared test
    /// database holds other tests' stores), dropped afterwards.
    func withDatabase(_ body: (TestServer) throws -> Void) throws {
        let main = try TestServer.current()
        let name = "foreign_all_\(UInt32.random(in: 0...UInt32.max))"
        let server = try main.inDatabase(name)
        defer { _ = try? main.admin(SQL(unsafeRaw: "DROP DATABASE IF EXISTS \(name) WITH (FORCE)")) }
        try body(server)
    }

    func one(_ server: TestServer, _ sql: String) throws -> String? { try server.admin(SQL(unsafeRaw: sql)).first?[0] }
    func number(_ server: TestServer, _ sql: String) throws -> Double { Double(try #require(try one(server, sql)))! }

    /// The five kinds, each written through its library's statements.
    func seedStores(_ server: TestServer, _ n: Names, _ z: Connection) throws {
        try ForeignFixtures.factstr(server, n.factstr)
        try ForeignFixtures.factstrAppend(server, n.factstr, [("A", #"{"k":1}"#)], at: Date().addingTimeInterval(-90))
        try ForeignFixtures.factstrAppend(server, n.factstr, [("B", #"{"k":2}"#), ("A", #"{"k":3}"#)])
        try ForeignFixtures.factstrCursor(
            server, n.factstr, "mailer", query: #"{"filters":[{"event_types":["A"],"payload_predicates":null}]}"#, at: 0)
        try ForeignFixtures.eventcore2(server, n.eventcore)
        let early = try ForeignFixtures.eventcoreAppend(
            server, n.eventcore, stream: "account-1", types: ["Opened", "Deposited"], at: Date().addingTimeInterval(-300))
        try ForeignFixtures.eventcoreAppend(server, n.eventcore, stream: "account-2", types: ["Opened"])
        try server.admin(
            SQL(
                unsafeRaw:
                    "INSERT INTO \(n.eventcore).eventcore_subscription_versions VALUES ('balances', '\(early[0].uuidString.lowercased())', now() - interval '2 minutes')"
            ))
        try ZFAFixtures.createZestor(z, schema: n.zestor)
        for i in 0..<3 { try ZFAFixtures.zestorSet(z, ns: 0, kind: "orders", key: "o\(i)", value: [UInt8(i)]) }
        try ZFAFixtures.zestorSet(z, ns: 4, kind: "users", key: "u1", value: [1])
        try ZFAFixtures.createFaucet(z, schema: n.faucet, table: "faucet_state")
        try ZFAFixtures.createFaucet(z, schema: n.faucet, table: "2nd_bookmarks", createSchema: false)
        try ZFAFixtures.faucetPut(z, table: "faucet_state", key: "orders::1", #"{"page": 3}"#)
        try ZFAFixtures.faucetPut(z, table: "faucet_state", key: "s3:archive", ZFAFixtures.exactlyOnce(#"{"cursor": "x"}"#, seq: 2))
        try ZFAFixtures.faucetPut(z, table: "2nd_bookmarks", key: "kafka:orders", #"{"offset": 17}"#)
    }

    /// Tables that share a name or most columns with a library's, and parts of a store without its main table.
    func seedLookAlikes(_ server: TestServer, _ n: Names) throws {
        try ForeignFixtures.sql(
            server,
            """
            CREATE SCHEMA \(n.lookFactstr);
            CREATE TABLE \(n.lookFactstr).events (id bigint PRIMARY KEY, name text);
            CREATE TABLE \(n.lookFactstr).durable_stream_cursors (durable_stream_id text PRIMARY KEY, event_query text NOT NULL,
                last_processed_sequence_number bigint NOT NULL);
            CREATE TABLE \(n.lookFactstr).store_metadata (key text PRIMARY KEY, value text NOT NULL);
            CREATE SCHEMA \(n.lookEventcore);
            CREATE TABLE \(n.lookEventcore).eventcore_events (id bigserial PRIMARY KEY, stream text, payload jsonb);
            CREATE TABLE \(n.lookEventcore).events (event_id uuid PRIMARY KEY, stream_id text NOT NULL, event_version bigint NOT NULL,
                event_type text NOT NULL, event_data jsonb NOT NULL);
            CREATE TABLE \(n.lookEventcore).eventcore_subscription_versions (subscription_name text PRIMARY KEY, last_position uuid NOT NULL,
                updated_at timestamptz NOT NULL DEFAULT now());
            CREATE TABLE \(n.lookEventcore)._sqlx_migrations (version bigint PRIMARY KEY, description text NOT NULL,
                installed_on timestamptz NOT NULL DEFAULT now(), success boolean NOT NULL, checksum bytea NOT NULL, execution_time bigint NOT NULL);
            CREATE SCHEMA \(n.lookZestor);
            CREATE TABLE \(n.lookZestor).zestor_kv (key text PRIMARY KEY, value bytea NOT NULL);
            CREATE TABLE \(n.lookZestor).zestor_outbox (id bigserial PRIMARY KEY, kind text, payload jsonb);
            CREATE SCHEMA \(n.lookFaucet);
            CREATE TABLE \(n.lookFaucet).faucet_state (key text PRIMARY KEY, value text NOT NULL, updated_at timestamptz NOT NULL);
            CREATE TABLE \(n.lookFaucet).settings (key text PRIMARY KEY, value jsonb NOT NULL, updated_at timestamp NOT NULL);
            CREATE TABLE \(n.lookFaucet).cache (key text NOT NULL, value jsonb NOT NULL, updated_at timestamptz NOT NULL);
            CREATE TABLE \(n.lookFaucet).prefs (name text PRIMARY KEY, value jsonb NOT NULL, updated_at timestamptz NOT NULL);
            CREATE TABLE \(n.lookFaucet).audit (key text PRIMARY KEY, value jsonb NOT NULL, updated_at timestamptz NOT NULL, note text);
            """)
        for s in [n.lookFactstr, n.lookEventcore, n.lookZestor, n.lookFaucet] { try ForeignFixtures.grantReads(server, s) }
    }

    @Test func everyKindAtOnceBesideStoreAccessAndLookAlikesIsDetectedExactly() throws {
        try withDatabase { server in
            let n = Names()
            let own = try server.store()
            let z = try ZFAFixtures.connect(server)
            let listener = try ZFAFixtures.zestorListener(server)
            // axon's sessions, and sessions whose names only resemble axon's
            let sessions = try ["axon-store/shop/acme", "axon-store/shop/acme", "axon-store/shop/beta", "axon-storefront/x", "axon-store/", "axon"]
                .map { try ZFAFixtures.connect(server, applicationName: $0) }
            defer { for c in sessions + [z, listener] { c.close() }; own.close() }
            let kv = try own.kv(tenant: "acme", codec: RawCodec())
            for i in 0..<4 { try kv.set("orders", "o\(i)", [1]) }
            try seedStores(server, n, z)
            try seedLookAlikes(server, n)
            try server.admin(SQL(unsafeRaw: "ANALYZE"))

            let collector = try Collector(
                dsn: server.directDSN, schema: own.schema.name.name, statementTimeout: .seconds(60), refreshDeadline: .seconds(120))
            defer { collector.close() }
            let snap = try collector.snapshot()
            #expect(snap.errors.isEmpty, "\(snap.errors)")
            let foreign = try #require(snap.foreign)
            let found = foreign.map { "\($0.kind.rawValue) \($0.version) \($0.schema) \($0.tables.sorted()) \($0.likely)" }.sorted()
            let expected = [
                "axon  shop [] false",
                "eventcore 2 \(n.eventcore) [\"_sqlx_migrations\", \"eventcore_command_state_snapshots\", \"eventcore_events\", \"eventcore_subscription_versions\"] false",
                "factstr 0.5 \(n.factstr) [\"append_batches\", \"durable_stream_cursors\", \"events\", \"store_metadata\"] false",
                "faucet  \(n.faucet) [\"2nd_bookmarks\"] true", "faucet  \(n.faucet) [\"faucet_state\"] false",
                "zestor  \(n.zestor) [\"zestor_kv\", \"zestor_outbox\"] false",
            ].sorted()
            #expect(found == expected)
            // the detection statement itself, before any panel reads (a panel that fails drops its store from the
            // snapshot, which could hide a look-alike taken for a store)
            let reader = try Connection(try ConnectionString(server.directDSN))
            defer { reader.close() }
            let detected = ForeignDetect.stores(try ForeignDetect.read(reader)).map { "\($0.kind.rawValue) \($0.schema) \($0.tables.sorted())" }
            #expect(
                detected.sorted() == foreign.filter { $0.kind != .axon }.map { "\($0.kind.rawValue) \($0.schema) \($0.tables.sorted())" }.sorted())
            // StoreAccess's own store is read by its own panels, never as a foreign one
            let q = "\"\(own.schema.name.name)\""
            #expect(snap.outboxes.first?.rows == Int64(try #require(try one(server, "SELECT count(*) FROM \(q).outbox"))))
            try checkFactstr(server, n, snap)
            try checkEventcore(server, n, snap)
            try checkZestor(server, n, snap)
            try checkFaucet(server, n, snap)
            let axon = try #require(foreign.first { $0.kind == .axon })
            let axonSessions = try one(
                server, "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND application_name LIKE 'axon-store/shop/%'")
            #expect(axon.listeners.map(String.init) == axonSessions && axon.listeners == 3)
            #expect(axon.namespaces.map { "\($0.name)=\($0.sessions)" } == ["acme=2", "beta=1"])
        }
    }

    func store(_ snap: Snapshot, _ kind: Snapshot.ForeignStore.Kind, _ schema: String) throws -> Snapshot.ForeignStore {
        try #require(snap.foreign?.first { $0.kind == kind && $0.schema == schema })
    }

    func checkFactstr(_ server: TestServer, _ n: Names, _ snap: Snapshot) throws {
        let f = try store(snap, .factstr, n.factstr), s = n.factstr
        #expect(f.head == (try one(server, "SELECT max(sequence_number) FROM \(s).events")))
        #expect(f.events.map(String.init) == (try one(server, "SELECT count(*) FROM \(s).events")))
        let mailer = try #require(f.consumers.first)
        #expect(mailer.lagEvents.map(String.init) == (try one(server, "SELECT count(*) FROM \(s).events WHERE event_type = 'A'")))
        let oldest = try number(server, "SELECT extract(epoch FROM min(occurred_at)) FROM \(s).events WHERE event_type = 'A'")
        #expect(abs((mailer.oldestUnhandledAgeSeconds ?? -100) - (snap.clock.timeIntervalSince1970 - oldest)) < 0.01)
    }

    func checkEventcore(_ server: TestServer, _ n: Names, _ snap: Snapshot) throws {
        let e = try store(snap, .eventcore, n.eventcore), s = n.eventcore
        #expect(e.head == (try one(server, "SELECT event_id::text FROM \(s).eventcore_events ORDER BY event_id DESC LIMIT 1")))
        #expect(e.migrationVersion.map(String.init) == (try one(server, "SELECT max(version) FROM \(s)._sqlx_migrations WHERE success")))
        let b = try #require(e.consumers.first { $0.name == "balances" })
        let after = "event_id > '\(b.position)'"
        #expect(b.lagEvents.map(String.init) == (try one(server, "SELECT count(*) FROM \(s).eventcore_events WHERE \(after)")) && !b.lagCapped)
        let first = try number(server, "SELECT extract(epoch FROM created_at) FROM \(s).eventcore_events WHERE \(after) ORDER BY event_id LIMIT 1")
        #expect(abs((b.oldestUnhandledAgeSeconds ?? -100) - (snap.clock.timeIntervalSince1970 - first)) < 0.01)
        let updated = try number(server, "SELECT extract(epoch FROM updated_at) FROM \(s).eventcore_subscription_versions")
        #expect(abs((b.sinceCheckpointSeconds ?? -100) - (snap.clock.timeIntervalSince1970 - updated)) < 0.01)
    }

    func checkZestor(_ server: TestServer, _ n: Names, _ snap: Snapshot) throws {
        let z = try store(snap, .zestor, n.zestor)
        let rows = try server.admin(
            SQL(
                unsafeRaw: """
                    SELECT ns_id::text || '/' || kind || ' ' || max(id) || ' ' || min(id) || ' ' || count(*)
                      FROM \(n.zestor).zestor_outbox GROUP BY ns_id, kind ORDER BY ns_id, kind
                    """)
        ).rows.map { $0[0] ?? "" }
        #expect(z.outboxes.map { "\($0.tenant)/\($0.kind) \($0.headID) \($0.oldestID) \($0.rows)" } == rows && z.outboxes.allSatisfy(\.rowsExact))
        let keys = try server.admin(
            SQL(unsafeRaw: "SELECT ns_id::text || '/' || kind || '=' || count(*) FROM \(n.zestor).zestor_kv GROUP BY ns_id, kind ORDER BY 1")
        ).rows.map { $0[0] ?? "" }
        #expect(z.keys.map { "\($0.tenant)/\($0.kind)=\($0.keys)" } == keys)
        let listeners = try one(
            server, "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND query = 'LISTEN zestor_events'")
        #expect(z.listeners.map(String.init) == listeners && z.listeners == 1)
    }

    func checkFaucet(_ server: TestServer, _ n: Names, _ snap: Snapshot) throws {
        for table in ["faucet_state", "2nd_bookmarks"] {
            let f = try #require(snap.foreign?.first { $0.kind == .faucet && $0.tables == [table] })
            let rows = try server.admin(
                SQL(unsafeRaw: "SELECT key, extract(epoch FROM updated_at)::text FROM \(n.faucet).\"\(table)\" ORDER BY key")
            ).rows
            #expect(f.bookmarks.map(\.key).sorted() == rows.map { $0[0] ?? "" }, "\(table)")
            for r in rows {
                let b = try #require(f.bookmarks.first { $0.key == r[0] })
                #expect(abs(b.ageSeconds - (snap.clock.timeIntervalSince1970 - Double(r[1]!)!)) < 0.01, "\(table) \(b.key)")
            }
        }
    }

    /// Two faucet tables in one schema are two stores read apart: one the role may not read is named in `errors` (with
    /// its table) and switched off alone; the other is still read, on this snapshot and the next.
    @Test func twoFaucetTablesInOneSchemaAreReadApart() throws {
        try withDatabase { server in
            let s = TestServer.freshSchemaName("fct")
            let z = try ZFAFixtures.connect(server)
            defer { z.close() }
            try ZFAFixtures.createFaucet(z, schema: s, table: "faucet_state")
            try ZFAFixtures.faucetPut(z, table: "faucet_state", key: "orders::1", #"{"page": 3}"#)
            // a second faucet table made by another role, which grants the monitoring role nothing on it
            try server.admin(
                SQL(
                    unsafeRaw:
                        "CREATE TABLE \(s).\"2nd_bookmarks\" (key TEXT PRIMARY KEY, value JSONB NOT NULL, updated_at TIMESTAMPTZ NOT NULL DEFAULT NOW())"
                ))
            let collector = try Collector(
                dsn: server.directDSN, schema: "storeaccess_absent", statementTimeout: .seconds(60), refreshDeadline: .seconds(120))
            defer { collector.close() }
            for round in 1...2 {
                let snap = try collector.snapshot()
                let read = try #require(snap.foreign?.first { $0.kind == .faucet && $0.tables == ["faucet_state"] }, "round \(round): \(snap.errors)")
                let keys = try server.admin(SQL(unsafeRaw: "SELECT key FROM \(s).faucet_state ORDER BY key")).rows.map { $0[0] ?? "" }
                #expect(read.bookmarks.map(\.key) == keys, "round \(round)")
                #expect(snap.foreign?.contains { $0.tables == ["2nd_bookmarks"] } == false, "round \(round)")
                let errors = snap.errors.filter { $0.panel.hasPrefix("foreign.") }
                #expect(errors.map(\.panel) == ["foreign.faucet:\(s)/2nd_bookmarks"] && errors.allSatisfy(\.disabled), "round \(round): \(errors)")
                if round == 1 {
                    #expect(
                        errors.first?.reason.contains("grant the monitoring role USAGE on schema \(s) and SELECT on its tables") == true, "\(errors)")
                }
            }
        }
    }

    /// `--stores` as the collector applies it: the stores of the kinds asked for, all by default, none for an empty set.
    @Test func storesKeepOnlyTheKindsAsked() {
        let t = { (schema: String, table: String, role: String) in ForeignDetect.Table(schema: schema, table: table, role: role) }
        let tables = [
            t("a", "events", "factstr.events"), t("a", "durable_stream_cursors", "factstr.cursors"),
            t("b", "eventcore_events", "eventcore2.events"), t("c", "events", "eventcore01.events"),
            t("d", "zestor_kv", "zestor.kv"), t("d", "zestor_outbox", "zestor.outbox"),
            t("e", "faucet_state", "faucet.state"), t("e", "bookmarks", "faucet.state?"),
        ]
        let all = ForeignDetect.stores(tables).map(\.label)
        #expect(all == ["factstr:a", "eventcore:b", "eventcore:c", "zestor:d", "faucet:e", "faucet:e"])
        #expect(ForeignDetect.stores(tables, only: [.factstr]).map(\.label) == ["factstr:a"])
        #expect(ForeignDetect.stores(tables, only: [.eventcore, .faucet]).map(\.label) == ["eventcore:b", "eventcore:c", "faucet:e", "faucet:e"])
        #expect(ForeignDetect.stores(tables, only: [.axon]).isEmpty && ForeignDetect.stores(tables, only: []).isEmpty)
    }
}
