import Foundation
import StoreMetrics

/// The rows of the Replication view, one kind of line for each thing that holds WAL back or waits for it: this
/// standby's receiver, the standbys streaming from this server, the replication slots, and the warnings. A figure a
/// kind has no use for is nil (shown as "-"), so one table sorts all of them by the same columns: by WAL bytes, the
/// biggest holder of any kind comes first.
struct ReplicationLine: Sendable {
    /// The section it belongs to; the first column sorts by it, so the default order reads section by section.
    var section = 0
    var kind: String
    var name: String
    var id: RowID
    var severity: Role = .normal
    var state: String?
    var stateRole: Role = .normal
    var place: String?
    var walBytes: Int64?
    var replayLag: Double?
    var sync: String?
    var walStatus: String?
    var safeWal: Int64?
    var faucet: String?
    var lsns: [String?] = [nil, nil, nil, nil]
    var lastReplayAge: Double?
    var conflicts: Int64?
    /// A line that says what is true when a section is empty: no figures, dim.
    var note = false
}

extension ReplicationLine {
    /// Which warning names this line: the words `ReplicationRules` uses for a slot, a standby and this standby.
    static func names(_ w: String, slot: String) -> Bool { w.hasPrefix("slot \(slot) ") || w.hasPrefix("inactive slot \(slot) ") }
    static func names(_ w: String, standby: String) -> Bool { w.hasPrefix("standby \(standby) ") }
    static func namesReceiver(_ w: String) -> Bool { w.contains("this standby") }

    /// Lost WAL and a slot filling the disk are critical; a lagging or paused standby is a warning.
    static func severity(_ w: String) -> Role { w.contains("slot ") ? .critical : .warning }

    static func standby(_ b: Snapshot.Standby, section: Int, warnings: [String]) -> ReplicationLine {
        var l = ReplicationLine(section: section, kind: "standby", name: b.applicationName, id: .standby(b.applicationName))
        l.severity = warnings.first { names($0, standby: b.applicationName) }.map(severity) ?? .normal
        (l.state, l.stateRole) = (b.state, b.state == "streaming" ? .ok : .warning)
        l.place = b.clientAddress ?? "local socket"
        (l.walBytes, l.replayLag, l.sync) = (b.lagBytes, b.replayLagSeconds, b.syncState)
        l.lsns = [b.sentLSN, b.writeLSN, b.flushLSN, b.replayLSN]
        return l
    }

    static func slot(_ s: Snapshot.Slot, section: Int, warnings: [String], faucet: String?) -> ReplicationLine {
        var l = ReplicationLine(section: section, kind: s.slotType + " slot", name: s.slotName, id: .slot(s.slotName))
        l.severity = warnings.first { names($0, slot: s.slotName) }.map(severity) ?? .normal
        (l.state, l.stateRole) = (s.active ? "active" : "inactive", s.active ? .ok : .warning)
        l.place = s.slotType == "logical" ? "\(s.database ?? "-")/\(s.plugin ?? "-")" : nil
        (l.walBytes, l.walStatus, l.safeWal, l.faucet) = (s.retainedBytes, s.walStatus, s.safeWalSize, faucet)
        return l
    }

    static func receiver(_ x: Snapshot.Receiver, section: Int, warnings: [String], now: Date) -> ReplicationLine {
        var l = ReplicationLine(section: section, kind: "receiver", name: x.senderHost.map { "from \($0)" } ?? "no primary", id: .receiver)
        l.severity = warnings.first(where: namesReceiver).map(severity) ?? .normal
        l.state = (x.status ?? "not receiving") + (x.replayPaused ? ", paused" : "")
        l.stateRole = x.status == nil ? .critical : (x.replayPaused ? .warning : .ok)
        (l.walBytes, l.replayLag, l.conflicts) = (x.receiveLagBytes, x.replayLagSeconds, x.conflicts)
        // a standby's received position is what it flushed to disk: the FLUSH column's meaning on a primary
        l.lsns = [nil, nil, x.receiveLSN, x.replayLSN]
        l.lastReplayAge = x.lastReplayAt.map { max(0, now.timeIntervalSince($0)) }
        return l
    }

    static func note(_ text: String, section: Int, kind: String) -> ReplicationLine {
        var l = ReplicationLine(section: section, kind: kind, name: text, id: .replicationNote(text))
        l.note = true
        return l
    }

    static func warning(_ w: String) -> ReplicationLine {
        var l = ReplicationLine(section: -1, kind: "warning", name: w, id: .replicationNote(w))
        l.severity = severity(w)
        return l
    }
}
