import Foundation

/// Prometheus text exposition of a snapshot (DESIGN contract 8, docs/metrics.md), written by `PrometheusText` in
/// one linear pass: names start with `storetop_`, units are in the names, counters end in `_total`, and store
/// rows carry `tenant` and `store` labels.
public enum PrometheusExport {
    /// Renders `snapshot` (and `derived`) as exposition text.
    public static func render(_ s: Snapshot, derived d: Derived? = nil) -> String {
        let e = Emitter()
        e.all(s, d)
        return e.text.render()
    }

    /// Renders several targets' snapshots as one exposition: every sample carries its `target` label, and
    /// `storetop_target_up` says which targets could be read (a target without a snapshot has only that).
    public static func render(targets: [(name: String, snapshot: Snapshot?, derived: Derived?)]) -> String {
        let e = Emitter()
        for t in targets {
            e.text.constantLabels = [("target", t.name)]
            e.g("storetop_target_up", "1 when the target's last snapshot succeeded, 0 when it could not be read", [], t.snapshot == nil ? 0 : 1)
            if let s = t.snapshot { e.all(s, t.derived) }
        }
        return e.text.render()
    }

    /// One exposition filled panel by panel (one function per panel).
    final class Emitter {
        var text = PrometheusText()

        /// Every panel of one snapshot.
        func all(_ s: Snapshot, _ d: Derived?) {
            scrape(s)
            server(s)
            replication(s)
            sessions(s)
            pools(s)
            streams(s, d)
            consumers(s, d)
            outboxes(s)
            foreign(s)
        }

        func g(_ name: String, _ help: String, _ labels: [(String, String)] = [], _ v: Double) {
            text.gauge(name, help, labels, v)
        }

        func c(_ name: String, _ help: String, _ labels: [(String, String)] = [], _ v: Int64) {
            text.counter(name, help, labels, v)
        }

        /// The same with a row's labels escaped once (`PrometheusText.Labels`): what rows of thousands use.
        func g(_ name: String, _ help: String, _ labels: PrometheusText.Labels, _ v: Double) {
            text.gauge(name, help, labels, v)
        }

        func c(_ name: String, _ help: String, _ labels: PrometheusText.Labels, _ v: Int64) {
            text.counter(name, help, labels, v)
        }
    }
}

extension PrometheusExport.Emitter {
    func scrape(_ s: Snapshot) {
        g("storetop_scrape_duration_seconds", "Time to collect the snapshot", [], s.collectMilliseconds / 1000)
        g("storetop_scrape_statements", "Statements run for the snapshot", [], Double(s.statements))
        for e in s.errors { g("storetop_panel_error", "1 when a panel could not be read", [("panel", e.panel)], 1) }
        g("storetop_tenants", "Registered tenants", [], Double(s.tenants.count))
    }

    func server(_ s: Snapshot) {
        if let sv = s.server {
            g("storetop_server_connections", "Client backends connected", [], Double(sv.connections))
            g("storetop_server_max_connections", "max_connections", [], Double(sv.maxConnections))
            g("storetop_database_size_bytes", "Size of this database", [("database", sv.database)], Double(sv.databaseBytes))
            g("storetop_server_standby", "1 on a standby", [], sv.isStandby ? 1 : 0)
            g("storetop_server_uptime_seconds", "Seconds since the postmaster started", [], sv.now.timeIntervalSince(sv.startedAt))
            c("storetop_database_transactions_total", "Committed and rolled back transactions", [("database", sv.database)], sv.transactions)
            for rep in sv.replicas {
                g("storetop_replica_replay_lag_seconds", "Replay lag of a standby", [("replica", rep.name)], rep.replayLagSeconds ?? 0)
            }
        }
    }

    func sessions(_ s: Snapshot) {
        if let ss = s.sessions {
            for grp in ss.groups {
                let labels = PrometheusText.Labels([
                    ("service", grp.service), ("store", grp.store), ("tenant", grp.tenant ?? ""), ("storeaccess", grp.other ? "false" : "true"),
                ])
                for (state, n) in [("active", grp.active), ("idle", grp.idle), ("idle_in_transaction", grp.idleInTransaction)] {
                    g("storetop_sessions", "Sessions by application group and state", labels.with("state", state), Double(n))
                }
                g("storetop_sessions_waiting", "Sessions waiting on a lock", labels, Double(grp.waiting))
                g(
                    "storetop_sessions_oldest_transaction_seconds", "Age of the group's oldest open transaction", labels,
                    grp.oldestTransactionSeconds ?? 0)
            }
            if let x = ss.xminHolder, let age = x.xminAge {
                g("storetop_xmin_horizon_age_transactions", "Age of the oldest snapshot held by a backend", [("pid", String(x.pid))], Double(age))
            }
            g("storetop_delivery_blockers", "Backends holding event or outbox delivery back", [], Double(ss.deliveryBlockers.count))
        }
    }

    func pools(_ s: Snapshot) {
        for p in s.pools {
            // (host, pid, pool start) is the instance key: two containers may share a host name and a pid
            let labels = PrometheusText.Labels([
                ("service", p.service), ("store", p.store), ("tenant", p.tenant), ("host", p.host), ("pid", String(p.pid)),
                ("pool_started", String(Int64((p.startedAt.timeIntervalSince1970 * 1000).rounded()))),
            ])
            g("storetop_pool_connections", "Pool connections by state", labels.with("state", "in_use"), Double(p.inUse))
            g("storetop_pool_connections", "Pool connections by state", labels.with("state", "idle"), Double(p.idle))
            g("storetop_pool_max_connections", "Pool maximum", labels, Double(p.maxSize))
            g("storetop_pool_waiting_callers", "Callers waiting for a connection", labels, Double(p.waiting))
            g("storetop_pool_utilization_ratio", "In use / maximum", labels, p.utilization)
            g("storetop_pool_acquire_p99_seconds", "99th percentile acquisition time", labels, p.acquireP99Milliseconds / 1000)
            g("storetop_pool_report_age_seconds", "Age of the pool's last report", labels, p.reportAgeSeconds)
            g("storetop_pool_stale", "1 when the report missed three intervals", labels, p.stale ? 1 : 0)
            c("storetop_pool_timeouts_total", "Acquisitions that timed out", labels, p.timeoutsTotal)
            c("storetop_pool_acquisitions_total", "Acquisitions", labels, p.acquisitionsTotal)
            c("storetop_pool_connection_errors_total", "Failed connection attempts", labels, p.connectionErrorsTotal)
        }
    }

    func streams(_ s: Snapshot, _ d: Derived?) {
        if let st = s.streams {
            g("storetop_events_head_position", "Highest allocated event position", [("store", "events")], Double(st.headPosition))
            g("storetop_events_safe_position", "Highest position readers may deliver", [("store", "events")], Double(st.safePosition))
            for t in st.tenants {
                let labels = PrometheusText.Labels([("tenant", t.tenant), ("store", "events")])
                g("storetop_stream_head_position", "Tenant's highest event position", labels, Double(t.headPosition))
                g("storetop_streams", "Streams of the tenant", labels, Double(t.streams))
                c("storetop_events_total", "Events appended by the tenant", labels, t.events)
                if let rate = d?.tenantAppendRate[t.tenant] {
                    g("storetop_events_append_rate_per_second", "Events appended per second", labels, rate)
                }
            }
        }
    }

    func consumers(_ s: Snapshot, _ d: Derived?) {
        for cur in s.cursors {
            // an outbox watcher carries its outbox's kind, so a rule can tell which outbox has a watcher up
            let kind = cur.source == "events" ? [] : [("kind", cur.kind ?? "")]
            let labels = PrometheusText.Labels(
                [("tenant", cur.tenant), ("store", cur.source == "events" ? "events" : "kv")] + kind + [("consumer", cur.name)])
            if let lag = cur.lagEvents {
                g(
                    "storetop_consumer_lag_events",
                    "Rows of the consumer's own (tenant and filter, or tenant and kind) still to handle, counted up to 100000 (10000 above 1000 consumers); absent while not counted",
                    labels, Double(lag))
            }
            g(
                "storetop_consumer_lag_counted",
                "1 when this scrape counted the consumer's lag_events, 0 when it did not (the series is then absent)",
                labels, cur.lagEvents == nil ? 0 : 1)
            g(
                "storetop_consumer_lag_positions", "Position gap: the tenant's (outbox's) deliverable head minus the consumer position", labels,
                Double(cur.lagPositions))
            g("storetop_consumer_lag_seconds", "Age of the oldest unhandled event or outbox row", labels, cur.lagSeconds)
            g("storetop_consumer_position", "Consumer position", labels, Double(cur.position))
            g("storetop_consumer_up", "1 when a process holds the consumer", labels, cur.ownerConnected ? 1 : 0)
            operations(cur, labels)
            if let h = d?.cursors[cur.key] {
                for st in LagStatus.allCases {
                    g("storetop_consumer_status", "1 for the consumer's current status", labels.with("status", st.rawValue), h.status == st ? 1 : 0)
                }
            }
        }
    }

    func outboxes(_ s: Snapshot) {
        for o in s.outboxes {
            let labels = PrometheusText.Labels([("tenant", o.tenant), ("store", "kv"), ("kind", o.kind)])
            g("storetop_outbox_rows", "Rows in the outbox", labels, Double(o.rows))
            g("storetop_outbox_oldest_age_seconds", "Age of the oldest outbox row", labels, o.oldestAt.map { s.clock.timeIntervalSince($0) } ?? 0)
            g(
                "storetop_outbox_safe_to_prune_rows_estimate", "Rows every registered watcher has passed (estimate)", labels,
                Double(o.safeToPruneEstimate))
            c("storetop_outbox_appended_total", "Rows ever written to the outbox", labels, o.appendedTotal)
        }
        for b in s.bookmarks {
            g(
                "storetop_bookmark_age_seconds", "Seconds since the bookmark was updated",
                PrometheusText.Labels([("tenant", b.tenant), ("store", "state"), ("key", b.key)]), s.clock.timeIntervalSince(b.updatedAt))
        }
    }
}
