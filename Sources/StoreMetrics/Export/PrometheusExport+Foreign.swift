import Foundation

extension PrometheusExport.Emitter {
    /// Stores of other libraries (issue 18): every series carries `store_kind` and `schema` (the store's label).
    func foreign(_ s: Snapshot) {
        for f in s.foreign ?? [] {
            let store = [("store_kind", f.kind.rawValue), ("schema", f.schema)]
            g("storetop_foreign_store", "1 per store of another library found in the database", store + [("version", f.version)], 1)
            if let head = f.head.flatMap(Double.init) { g("storetop_foreign_head_position", "Head sequence number (factstr)", store, head) }
            if let n = f.events {
                g(
                    "storetop_foreign_events", "Events in the log (exact for factstr, the planner's estimate for eventcore)",
                    store + [("exact", f.eventsExact ? "true" : "false")], Double(n))
            }
            if let at = f.lastWriteAt {
                g("storetop_foreign_last_write_age_seconds", "Age of the newest event", store, s.clock.timeIntervalSince(at))
            }
            if let l = f.listeners { g("storetop_foreign_listeners", "Sessions of the store (zestor listeners, axon sessions)", store, Double(l)) }
            g("storetop_foreign_warnings", "Findings a DBA should read (snapshot --json: foreign[].warnings)", store, Double(f.warnings.count))
            for c in f.consumers { consumer(c, store) }
            for o in f.outboxes {
                let l = store + [("tenant", o.tenant), ("kind", o.kind)]
                g(
                    "storetop_foreign_outbox_rows", "Outbox rows (exact, or the id range as an upper bound)",
                    l + [("exact", o.rowsExact ? "true" : "false")], Double(o.rows))
                g("storetop_foreign_outbox_head_id", "Newest outbox id", l, Double(o.headID))
                if let a = o.oldestAgeSeconds { g("storetop_foreign_outbox_oldest_age_seconds", "Age of the oldest outbox row", l, a) }
            }
            for b in f.bookmarks {
                let l = store + [("key", b.key)]
                g("storetop_foreign_bookmark_age_seconds", "Seconds since the bookmark was written", l, b.ageSeconds)
                if let behind = b.bytesBehind {
                    g("storetop_foreign_bookmark_bytes_behind", "WAL bytes between the bookmark and now", l, Double(behind))
                }
            }
        }
    }

    private func consumer(_ c: Snapshot.ForeignStore.Consumer, _ store: [(String, String)]) {
        let l = store + [("consumer", c.name)]
        if let lag = c.lagEvents { g("storetop_foreign_consumer_lag_events", "Events the consumer still has to handle (capped)", l, Double(lag)) }
        if let lag = c.lagPositions { g("storetop_foreign_consumer_lag_positions", "Head minus the consumer's position", l, Double(lag)) }
        if let a = c.oldestUnhandledAgeSeconds {
            g("storetop_foreign_consumer_oldest_unhandled_age_seconds", "Age of the first event the consumer has not handled", l, a)
        }
        for st in ["OK", "LAGGING", "STALLED", "UNKNOWN"] {
            g("storetop_foreign_consumer_status", "1 for the consumer's current status", l + [("status", st.lowercased())], c.status == st ? 1 : 0)
        }
    }
}
