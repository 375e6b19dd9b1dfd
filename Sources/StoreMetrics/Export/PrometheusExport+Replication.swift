import Foundation

extension PrometheusExport.Emitter {
    /// Replication (issue 19): standbys streaming from this server, its slots, and on a standby its own lag. The
    /// byte figures are what alert rules want (a slot retaining WAL fills the disk; a standby behind in bytes).
    func replication(_ s: Snapshot) {
        guard let r = s.replication else { return }
        for b in r.standbys {
            let l = [("application_name", b.applicationName), ("client", b.clientAddress ?? ""), ("sync_state", b.syncState ?? "")]
            if let bytes = b.lagBytes {
                g("storetop_replication_standby_lag_bytes", "WAL bytes between this server and what the standby replayed", l, Double(bytes))
            }
            g(
                "storetop_replication_standby_replay_lag_seconds", "The server's replay_lag for the standby (0 when caught up and idle)", l,
                b.replayLagSeconds ?? 0)
            g("storetop_replication_standby_streaming", "1 while the standby's state is streaming", l, b.state == "streaming" ? 1 : 0)
        }
        for slot in r.slots {
            let l = [("slot_name", slot.slotName), ("slot_type", slot.slotType), ("wal_status", slot.walStatus ?? "")]
            g("storetop_replication_slot_active", "1 while a process streams from the slot", l, slot.active ? 1 : 0)
            if let bytes = slot.retainedBytes { g("storetop_replication_slot_retained_bytes", "WAL the slot keeps on disk", l, Double(bytes)) }
            if let safe = slot.safeWalSize {
                g("storetop_replication_slot_safe_wal_bytes", "WAL that can be written before the slot is lost", l, Double(safe))
            }
        }
        if let x = r.receiver {
            if let bytes = x.receiveLagBytes {
                g("storetop_standby_receive_lag_bytes", "WAL received by this standby and not yet replayed", [], Double(bytes))
            }
            g(
                "storetop_standby_replay_lag_seconds", "Since the last replayed commit while WAL waits (0 when all is replayed)", [],
                x.replayLagSeconds ?? 0)
            g("storetop_standby_replay_paused", "1 while replay is paused", [], x.replayPaused ? 1 : 0)
            c("storetop_standby_recovery_conflicts_total", "Queries of this database cancelled by recovery conflicts", [], x.conflicts)
        }
        g(
            "storetop_replication_warnings", "Replication findings a DBA should read (snapshot --json: replication.warnings)", [],
            Double(r.warnings.count))
    }
}
