import Foundation
import StoreAccess

extension FaucetPanel {
    /// The stalest bookmarks among the first `scanLimit` + 1 keys (a bounded scan of the key's primary-key index),
    /// the probe key skipped: age, envelope (`bare` or `exactly_once seq=N`) and the LSN of a postgres-cdc bookmark
    /// (bare `{"last_lsn": …}` or inside the envelope). `seen` is the keys looked at (more than `scanLimit`: cut).
    static func bookmarks(_ schema: Identifier, _ table: TableName) -> SQL {
        SQL(
            """
            SELECT b.key, b.updated_at, count(*) OVER () AS seen,
                   CASE WHEN jsonb_typeof(b.value) = 'object' AND b.value ? '__faucet_eo'
                        THEN 'exactly_once seq=' || coalesce(b.value ->> 'seq', '?') ELSE 'bare' END AS envelope,
                   CASE WHEN jsonb_typeof(b.value) = 'object'
                        THEN coalesce(CASE WHEN jsonb_typeof(b.value -> 'bookmark') = 'object' THEN b.value #>> '{bookmark,last_lsn}' END,
                                      b.value ->> 'last_lsn') END AS last_lsn
              FROM (SELECT f.key, f.value, f.updated_at FROM \(ident: schema).\(unsafeRaw: table.quoted) f
                     WHERE f.key <> \(probeKey) ORDER BY f.key LIMIT \(unsafeRaw: String(scanLimit + 1))) b
             ORDER BY b.updated_at, b.key LIMIT \(unsafeRaw: String(limit))
            """
        ).named("metrics.foreign.faucet_bookmarks")
    }

    /// For each (slot, LSN) of a CDC bookmark: the bytes from its LSN to the current WAL position (the replayed one
    /// on a standby), and whether the slot exists and is active. `pg_replication_slots` has a row per slot.
    static func slots(_ named: [(slot: String, lsn: String)]) -> SQL {
        SQL(
            """
            SELECT k.slot, s.slot_name IS NOT NULL AS slot_exists, s.active,
                   pg_wal_lsn_diff(CASE WHEN pg_is_in_recovery() THEN pg_last_wal_replay_lsn() ELSE pg_current_wal_lsn() END,
                                   nullif(k.lsn, '')::pg_lsn) AS bytes_behind
              FROM unnest(\(TextArray(named.map(\.slot)))::text[], \(TextArray(named.map(\.lsn)))::text[]) AS k(slot, lsn)
              LEFT JOIN pg_replication_slots s ON s.slot_name = k.slot
            """
        ).named("metrics.foreign.faucet_slots")
    }

    /// A faucet table's name. faucet allows 1–63 of `[A-Za-z0-9_]`, so a name may start with a digit, which
    /// StoreAccess's `Identifier` refuses (its rule is stricter on purpose). Validated here against faucet's own
    /// rule, which leaves no character that needs escaping, and always double-quoted.
    struct TableName: Sendable, Equatable {
        let name: String

        init(_ name: String) throws {
            let ok =
                (1...63).contains(name.utf8.count)
                && name.utf8.allSatisfy { b in
                    (b >= 48 && b <= 57) || (b >= 65 && b <= 90) || (b >= 97 && b <= 122) || b == 95
                }
            guard ok else { throw StoreError(.invalidName, "invalid faucet table name: faucet allows 1–63 of [A-Za-z0-9_]") }
            self.name = name
        }

        /// A name of this code's own (the default), known to pass.
        init(ours name: String) { self.name = name }

        /// The name double-quoted (it holds no quote: the rule above admits none).
        var quoted: String { "\"" + name + "\"" }
    }
}
