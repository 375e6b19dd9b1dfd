// TEMPORARY (deleted when branch `foreign` is merged): the contract of the zestor, faucet and axon panels.
import Foundation
import StoreAccess

enum ZestorPanel {
    static func statements(_ schema: Identifier) -> [SQL] { [] }
    static func read(_ c: Connection, schema: String, into store: inout Snapshot.ForeignStore, now: Date, statements: inout Int) throws {}
}
enum FaucetPanel {
    static func statements(_ schema: Identifier) -> [SQL] { [] }
    static func read(
        _ c: Connection, schema: String, table: String, into store: inout Snapshot.ForeignStore, now: Date, statements: inout Int
    ) throws {}
}
enum AxonSessions {
    static func stores(from sessions: Snapshot.Sessions, now: Date) -> [Snapshot.ForeignStore] { [] }
}
