import Foundation
import StoreAccess

extension FaucetPanel {
    /// The stalest bookmarks among the first `scanLimit` + 1 keys (a bounded scan of the key's primary-key index),
    /// the probe key skipped: age, envelope (`bare` or `exactly_once seq=N`) and the LSN of a postgres-cdc bookmark
    /// (bare `{"last_lsn": …}` or inside the envelope). `seen` is the keys looked at (more than `scanLimit`: cut).
    static func bookmarks(_ schema: Identifier, _ table: Identifier) -> SQL {
        SQL(
            """
            SELECT b.key, b.updated_at, count(*) OVER () AS seen,
                   CASE WHEN jsonb_typeof(b.value) = 'object' AND b.value ? '__faucet_eo'
                        THEN 'exactly_once seq=' || coalesce(b.value ->> 'seq', '?') ELSE 'bare' END AS envelope,
                   CASE WHEN jsonb_typeof(b.value) = 'object'
                        THEN coalesce(CASE WHEN jsonb_typeof(b.value -> 'bookmark') = 'object' THEN b.value #>> '{bookmark,last_lsn}' END,
                                      b.value ->> 'last_lsn') END AS last_lsn
              FROM (SELECT f.key, f.value, f.updated_at FROM \(ident: schema).\(ident: table) f
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
}
