import Foundation

@testable import StoreMetrics
@testable import StoreTopUI

/// The shop of `Fixture` as a primary with two standbys (one far behind) and three slots (a CDC slot left inactive
/// and filling the disk, which a faucet bookmark names; a standby's active slot; a slot whose WAL is lost), and as a
/// standby whose replay is paused. Warnings come from the real `ReplicationRules`, as the collector makes them.
extension Fixture {
    static func primaryReplication() -> Snapshot.Replication {
        var r = Snapshot.Replication()
        r.standbys = [
            .init(
                applicationName: "replica-eu", clientAddress: "10.0.4.12", state: "streaming", sentLSN: "5/A00001C8", writeLSN: "5/A00001C8",
                flushLSN: "5/A00001C8", replayLSN: "5/A0000100", lagBytes: 1_224, writeLagSeconds: 0.001, flushLagSeconds: 0.002,
                replayLagSeconds: 0.4, syncState: "async"),
            .init(
                applicationName: "replica-dr", clientAddress: nil, state: "catchup", sentLSN: "5/20000000", writeLSN: "5/1F000000",
                flushLSN: "5/1F000000", replayLSN: "4/E0000000", lagBytes: 3_221_225_928, writeLagSeconds: 20, flushLagSeconds: 21,
                replayLagSeconds: 312, syncState: "async"),
        ]
        r.slots = [
            .init(
                slotName: "orders_cdc", slotType: "logical", plugin: "pgoutput", database: "shop", active: false, retainedBytes: 6_442_450_944,
                walStatus: "extended", safeWalSize: nil),
            .init(
                slotName: "replica_dr", slotType: "physical", plugin: nil, database: nil, active: true, retainedBytes: 3_221_225_928,
                walStatus: "reserved", safeWalSize: 10_737_418_240),
            .init(
                slotName: "old_etl", slotType: "logical", plugin: "test_decoding", database: "shop", active: false, retainedBytes: nil,
                walStatus: "lost", safeWalSize: nil),
        ]
        r.warnings = ReplicationRules.standard.warnings(r)
        return r
    }

    static func primaryModel() -> Model {
        var m = model()
        m.snapshot?.replication = primaryReplication()
        var f = Snapshot.ForeignStore(kind: .faucet, version: "1", schema: "public", tables: ["faucet_state"])
        f.bookmarks = [
            .init(
                key: "postgres-cdc:orders_cdc", ageSeconds: 5400, envelope: "bare", slot: "orders_cdc", bytesBehind: 6_442_450_944,
                slotActive: false, slotExists: true)
        ]
        m.snapshot?.foreign = [f]
        return m
    }

    static func standbyModel() -> Model {
        var m = model()
        let at = m.snapshot!.clock
        m.snapshot?.server?.isStandby = true
        var r = Snapshot.Replication()
        r.receiver = .init(
            receiveLSN: "5/A00001C8", replayLSN: "5/9F000000", receiveLagBytes: 16_777_672, replayLagSeconds: 95,
            lastReplayAt: at.addingTimeInterval(-95), replayPaused: true, conflicts: 3, status: "streaming", senderHost: "db-1.internal")
        r.warnings = ReplicationRules.standard.warnings(r)
        m.snapshot?.replication = r
        return m
    }
}
