import Foundation
import StoreAccess
import StoreTestSupport
import Testing

/// Command-state snapshots (issue 17, eventcore 2): saved with the stream versions they were built from, never
/// regressed by a stale save, and loaded with the streams that moved since.
@Suite struct SnapshotStoreTests {
    @Test func aLoadSaysWhichStreamsMovedSince() throws {
        try withStore { store, server in
            let es = try store.events(tenant: "acme"), snaps = try store.snapshots(tenant: "acme")
            try es.append(to: "account-1", [EventData(type: "Opened"), EventData(type: "Deposited")])
            #expect(try snaps.load("balance") == nil)
            #expect(try snaps.save("balance", state: JSONText(#"{"balance":10}"#), versions: ["account-1": 2, "account-2": 0]))
            let fresh = try #require(try snaps.load("balance"))
            #expect(fresh.isCurrent && fresh.versions == ["account-1": 2, "account-2": 0])
            #expect(fresh.state.text.contains("10"))
            try es.append(to: "account-2", [EventData(type: "Opened")])
            let stale = try #require(try snaps.load("balance"))
            #expect(stale.moved == ["account-2": 1], "\(stale.moved)")
            // what the table holds, read independently
            let row = try server.admin(
                SQL(unsafeRaw: "SELECT versions::text FROM \"\(store.schema.name.name)\".snapshots WHERE tenant = 'acme' AND name = 'balance'")
            ).first?[0]
            #expect(row == #"{"account-1": 2, "account-2": 0}"#)
        }
    }

    @Test func aStaleSaveNeverRegressesANewerOne() throws {
        try withStore { store, _ in
            let snaps = try store.snapshots(tenant: "acme")
            #expect(try snaps.save("s", state: JSONText("1"), versions: ["a": 5, "b": 2]))
            #expect(try !snaps.save("s", state: JSONText("2"), versions: ["a": 4, "b": 9]), "an older a was accepted")
            #expect(try !snaps.save("s", state: JSONText("3"), versions: ["a": 6]), "a save that drops stream b was accepted")
            #expect(try snaps.load("s")?.state.text == "1")
            #expect(try snaps.save("s", state: JSONText("4"), versions: ["a": 5, "b": 2, "c": 1]), "the same versions and a new stream")
            #expect(try snaps.load("s")?.state.text == "4")
            // tenants apart
            #expect(try store.snapshots(tenant: "globex").load("s") == nil)
            #expect(try store.snapshots(tenant: "globex").save("s", state: JSONText("9"), versions: ["a": 0]))
            #expect(try snaps.load("s")?.state.text == "4")
            #expect(try snaps.delete("s"))
            #expect(try !snaps.delete("s"))
            #expect(try store.snapshots(tenant: "globex").load("s")?.state.text == "9")
        }
    }

    @Test func badInputIsRefused() throws {
        try withStore { store, _ in
            let snaps = try store.snapshots(tenant: "acme")
            _ = expectStoreError(.invalidArgument) { try snaps.save("s", state: JSONText("{}"), versions: ["a": -1]) }
            _ = expectStoreError(.invalidName) { try snaps.save("bad name", state: JSONText("{}"), versions: [:]) }
            _ = expectStoreError(.invalidName) { _ = try snaps.load("") }
            // through SQL too
            let s = store.schema.name
            _ = expectStoreError(.invalidArgument) {
                try store.pool.query(SQL("SELECT \(ident: s).snapshot_save('acme', 's', '{}', '{\"a\": -1}')"))
            }
            _ = expectStoreError(.invalidArgument) {
                try store.pool.query(SQL("SELECT \(ident: s).snapshot_save('acme', 's', '{}', '[1]')"))
            }
            #expect(try snaps.load("s") == nil)
        }
    }
}
