import Foundation
import StoreAccess

extension FactstrPanel {
    /// Batch sizes are read from this many newest `append_batches` rows (by its primary key).
    static let batchSample = 1000

    /// Sessions waiting now for a lock on the store's `events` or `append_batches` (an append takes `LOCK TABLE …
    /// IN EXCLUSIVE MODE`, so writers queue there; `pg_locks` of this database, not granted), and the sizes of the
    /// newest `batchSample` batches (a backward scan of the primary key). The tables are named by the text of
    /// `$n` parameters given to `to_regclass`.
    static func writes(_ s: Identifier) -> SQL {
        SQL(
            """
            SELECT (SELECT count(DISTINCT l.pid) FROM pg_catalog.pg_locks l
                     WHERE NOT l.granted AND l.locktype = 'relation'
                       AND l.database = (SELECT oid FROM pg_catalog.pg_database WHERE datname = current_database())
                       AND l.relation IN (to_regclass(\(s.quoted + ".events")), to_regclass(\(s.quoted + ".append_batches")))
                   ) AS writers_waiting,
                   b.sampled, b.avg_size, b.max_size
              FROM (SELECT count(*) AS sampled, avg(x.last_sequence_number - x.first_sequence_number + 1)::float8 AS avg_size,
                           max(x.last_sequence_number - x.first_sequence_number + 1) AS max_size
                      FROM (SELECT a.first_sequence_number, a.last_sequence_number FROM \(ident: s).append_batches a
                             ORDER BY a.first_sequence_number DESC LIMIT \(unsafeRaw: String(batchSample))) x) b
            """
        ).named("metrics.foreign.factstr_writes")
    }

    /// Reads the writers waiting and the batch sizes into `store` (one statement).
    static func readWrites(_ c: Connection, _ s: Identifier, into store: inout Snapshot.ForeignStore) throws {
        guard let r = try c.query(writes(s)).first else { return }
        store.writersWaiting = try r.decode("writers_waiting")
        store.batchesSampled = try r.decode("sampled")
        store.batchSizeAvg = try r.decodeOptional("avg_size")
        store.batchSizeMax = try r.decodeOptional("max_size")
    }
}
