import Foundation
import StoreAccess

/// A faucet-state table (faucet-hq/faucet-stream `crates/state/postgres`): `key text` primary key, `value jsonb`,
/// `updated_at`, default name `faucet_state`. Its only index is the key's, so the stalest bookmarks are found among
/// the first `scanLimit` keys in key order (a bounded index scan), `limit` of them shown; a cut says so in `warnings`.
/// Keys `postgres-cdc:<slot>` name the logical slot their pipeline resumes from: for them a second statement reads
/// how far the bookmark is behind the current WAL and whether the slot exists and is active.
enum FaucetPanel {
    /// At most this many bookmarks are shown (stalest first).
    static let limit = 500
    /// At most this many keys are looked at.
    static let scanLimit = 10_000
    /// The table's default name (faucet's `DEFAULT_TABLE`; an application may name it otherwise).
    static let defaultTable = "faucet_state"
    /// The key faucet's health check writes and deletes at once.
    static let probeKey = "faucet_doctor_probe"
    /// The prefix of a CDC source's key; the rest is the replication slot's name.
    static let cdcPrefix = "postgres-cdc:"

    static func statements(_ schema: Identifier) -> [SQL] {
        [bookmarks(schema, TableName(ours: defaultTable)), slots([("faucet_slot", "0/16B3748")])]
    }

    /// Reads the bookmarks of `schema`.`table` into `store.bookmarks` (stalest first), with a warning for each CDC
    /// bookmark whose slot is missing or inactive.
    static func read(
        _ c: Connection, schema: String, table: String, into store: inout Snapshot.ForeignStore, now: Date, statements: inout Int
    ) throws {
        let s = try Identifier(schema, what: "faucet schema"), t = try TableName(table)
        let rows = try c.query(bookmarks(s, t)).rows
        if let seen = try rows.first?.decode("seen", as: Int.self), seen > scanLimit {
            store.warnings.append(
                "faucet: \(table) holds more than \(scanLimit) keys; the stalest among the first \(scanLimit) (in key order) are shown")
        }
        var marks = try rows.map { r in
            Snapshot.ForeignStore.Bookmark(
                key: try r.decode("key"), ageSeconds: now.timeIntervalSince(try r.decode("updated_at", as: Date.self)),
                envelope: try r.decode("envelope"), slot: slot(of: try r.decode("key")))
        }
        let lsns = try Dictionary(rows.map { (try $0.decode("key", as: String.self), lsn($0["last_lsn"])) }, uniquingKeysWith: { a, _ in a })
        // each CDC bookmark's slot with its LSN ("" when the value holds none): one statement, only when there are some
        let named = marks.compactMap { m in m.slot.map { ($0, (lsns[m.key] ?? nil) ?? "") } }
        var found: [String: SlotState] = [:]
        if !named.isEmpty {
            statements += 1
            found = try slotStates(c, named)
        }
        for i in marks.indices {
            marks[i].lastLSN = lsns[marks[i].key] ?? nil
            guard let slot = marks[i].slot, let state = found[slot] else { continue }
            marks[i].bytesBehind = state.bytesBehind
            marks[i].slotExists = state.exists
            marks[i].slotActive = state.exists ? state.active : nil
            if let w = warning(marks[i], exists: state.exists) { store.warnings.append(w) }
        }
        store.bookmarks = marks
    }

    /// The slot a `postgres-cdc:<slot>` key names, or nil.
    static func slot(of key: String) -> String? {
        guard key.hasPrefix(cdcPrefix), key.count > cdcPrefix.count else { return nil }
        return String(key.dropFirst(cdcPrefix.count))
    }

    /// The text when it is an LSN (`X/Y`, hexadecimal), else nil (it is then not sent to the server).
    static func lsn(_ text: String?) -> String? {
        guard let text else { return nil }
        let parts = text.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 2, parts.allSatisfy({ (1...8).contains($0.count) && $0.allSatisfy(\.isHexDigit) }) else { return nil }
        return text
    }

    /// The warning for a CDC bookmark whose slot is missing or inactive (pure).
    static func warning(_ b: Snapshot.ForeignStore.Bookmark, exists: Bool) -> String? {
        guard let slot = b.slot else { return nil }
        let behind = b.bytesBehind.map { ", \(Format.bytes($0)) behind the current WAL" } ?? ""
        if !exists {
            return "faucet: bookmark \(b.key) names replication slot \(slot), which does not exist\(behind): its pipeline cannot resume"
        }
        guard b.slotActive == false else { return nil }
        return "faucet: replication slot \(slot) of bookmark \(b.key) is inactive\(behind): no pipeline reads it, and it holds WAL back"
    }

    /// What the server says of one slot.
    struct SlotState {
        let exists: Bool, active: Bool?, bytesBehind: Int64?
    }

    /// The slots named, by name (one statement).
    private static func slotStates(_ c: Connection, _ named: [(String, String)]) throws -> [String: SlotState] {
        var out: [String: SlotState] = [:]
        for r in try c.query(slots(named)).rows {
            let behind = try r.decodeOptional("bytes_behind", as: Double.self).map { Int64($0) }
            out[try r.decode("slot")] = SlotState(
                exists: try r.decode("slot_exists"), active: try r.decodeOptional("active"), bytesBehind: behind)
        }
        return out
    }
}
