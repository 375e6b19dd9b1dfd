import Foundation

extension PrometheusExport.Emitter {
    /// Stores of other libraries (issue 18): every series carries `store_kind` and `schema` (the store's label).
    func foreign(_ s: Snapshot) {
        for f in s.foreign ?? [] {
            // the database tells two axon stores of one name apart under --all-databases
            let store = [("store_kind", f.kind.rawValue), ("schema", f.schema), ("database", f.database ?? "")]
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
                if let r = o.rowsPerSecond {
                    g("storetop_foreign_outbox_rows_per_second", "Head-id growth per second (an upper bound of rows added)", l, r)
                }
            }
            for b in f.bookmarks { bookmark(b, store) }
            zestor(f, store)
            writes(f, store)
            for n in f.namespaces {
                g(
                    "storetop_foreign_namespace_sessions", "Sessions of an axon store per namespace", store + [("namespace", n.name)],
                    Double(n.sessions))
            }
        }
    }

    private func bookmark(_ b: Snapshot.ForeignStore.Bookmark, _ store: [(String, String)]) {
        let l = store + [("key", b.key)]
        g("storetop_foreign_bookmark_age_seconds", "Seconds since the bookmark was written", l, b.ageSeconds)
        if let behind = b.bytesBehind {
            g("storetop_foreign_bookmark_bytes_behind", "WAL bytes between the bookmark and now", l, Double(behind))
        }
        if let exists = b.slotExists {
            g("storetop_foreign_bookmark_slot_exists", "1 when the replication slot a CDC bookmark names exists", l, exists ? 1 : 0)
        }
    }

    private func zestor(_ f: Snapshot.ForeignStore, _ store: [(String, String)]) {
        for k in f.keys {
            g(
                "storetop_foreign_kv_keys", "Keys per namespace and kind (exact, or the cap when exact is false)",
                store + [("tenant", k.tenant), ("kind", k.kind), ("exact", k.exact ? "true" : "false")], Double(k.keys))
        }
        if let u = f.notifyQueueUsage {
            g("storetop_foreign_notify_queue_usage_ratio", "Used fraction of the cluster's NOTIFY queue (0 to 1)", store, u)
        }
    }

    /// factstr's writers, batches and rate; eventcore 2's schema version and streams.
    private func writes(_ f: Snapshot.ForeignStore, _ store: [(String, String)]) {
        if let r = f.appendRatePerSecond { g("storetop_foreign_append_rate_per_second", "Events per second between two snapshots' heads", store, r) }
        if let w = f.writersWaiting { g("storetop_foreign_writers_waiting", "Sessions waiting for a lock on the store's tables", store, Double(w)) }
        if let a = f.batchSizeAvg { g("storetop_foreign_batch_size_avg", "Mean events per sampled append batch", store, a) }
        if let m = f.batchSizeMax { g("storetop_foreign_batch_size_max", "Largest sampled append batch (events)", store, Double(m)) }
        if let n = f.batchesSampled { g("storetop_foreign_batches_sampled", "Append batches sampled (the newest)", store, Double(n)) }
        if let v = f.migrationVersion { g("storetop_foreign_migration_version", "The store's schema migration version", store, Double(v)) }
        if let n = f.streamCount {
            g(
                "storetop_foreign_streams", "Streams in the log (counted, or the planner's estimate)",
                store + [("exact", f.streamCountExact ? "true" : "false")], Double(n))
        }
        for h in f.streams {
            let l = store + [("stream", h.name)]
            g("storetop_foreign_stream_version", "Current version of one of the most active streams", l, Double(h.version))
            g("storetop_foreign_stream_recent_events", "Its events among the newest sampled", l, Double(h.events))
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
