import Foundation
import StoreMetrics

/// 8 Replication (issue 19): the warnings first, then on a standby its receiver, the standbys streaming from this
/// server and its replication slots, each section in the order the collector read it (slots: the most WAL retained
/// first). Server-wide: a tenant drill-in does not narrow it. An empty section says what is true instead of
/// showing nothing.
enum ReplicationView {
    typealias Line = ReplicationLine

    /// The columns; NAME is as wide as the longest name or warning line (20 to `wrap`), so a warning reads whole.
    static func columns(nameWidth: Int) -> [ColumnSpec<Line>] {
        [
            .init("KIND", 13, role: { $0.note ? .dim : ($0.section < 0 ? $0.severity : .accent) }, sort: { .num(Double($0.section)) }) { $0.kind },
            .init("NAME", nameWidth, flex: true, role: { $0.note ? .dim : $0.severity }, sort: { .text($0.section < 0 ? "" : $0.name) }) { $0.name },
            .init("STATE", 10, role: { $0.stateRole }, sort: { .text($0.state ?? "") }) { cell($0, $0.state) },
            .init("CLIENT/DATABASE", 18, priority: 3, sort: { .text($0.place ?? "") }) { cell($0, $0.place) },
            .init("WAL BYTES", 10, right: true, priority: 7, descending: true, role: { $0.severity }, sort: { .num(Double($0.walBytes ?? -1)) }) {
                cell($0, $0.walBytes.map(Format.bytes))
            },
            .init("REPLAY LAG", 10, right: true, priority: 6, descending: true, role: { $0.severity }, sort: { .num($0.replayLag ?? -1) }) {
                cell($0, $0.replayLag.map(Format.duration))
            },
            .init("SYNC", 9, priority: 3, sort: { .text($0.sync ?? "") }) { cell($0, $0.sync) },
            .init("WAL STATUS", 10, priority: 4, role: { walStatusRole($0.walStatus) }, sort: { .text($0.walStatus ?? "") }) {
                cell($0, $0.walStatus)
            },
            .init("SAFE WAL", 9, right: true, priority: 2, sort: { .num(Double($0.safeWal ?? -1)) }) { cell($0, $0.safeWal.map(Format.bytes)) },
            .init("FAUCET BOOKMARK", 16, priority: 4, sort: { .text($0.faucet ?? "") }) { cell($0, $0.faucet) },
            .init("SENT LSN", 11, priority: 1, role: { _ in .dim }, sort: { .text($0.lsns[0] ?? "") }) { cell($0, $0.lsns[0]) },
            .init("WRITE LSN", 11, priority: 1, role: { _ in .dim }, sort: { .text($0.lsns[1] ?? "") }) { cell($0, $0.lsns[1]) },
            .init("FLUSH LSN", 11, priority: 2, role: { _ in .dim }, sort: { .text($0.lsns[2] ?? "") }) { cell($0, $0.lsns[2]) },
            .init("REPLAY LSN", 11, priority: 2, role: { _ in .dim }, sort: { .text($0.lsns[3] ?? "") }) { cell($0, $0.lsns[3]) },
            .init("LAST REPLAY", 11, right: true, priority: 3, sort: { .num($0.lastReplayAge ?? -1) }) {
                cell($0, $0.lastReplayAge.map { Format.duration($0) + " ago" })
            },
            .init(
                "CONFLICTS", 9, right: true, priority: 3, role: { ($0.conflicts ?? 0) > 0 ? .warning : .normal },
                sort: { .num(Double($0.conflicts ?? -1)) }
            ) {
                cell($0, $0.conflicts.map(String.init))
            },
        ]
    }

    /// A figure, "-" where the line's kind has none; nothing at all on a note or a warning, which read as text.
    @Sendable static func cell(_ l: Line, _ value: String?) -> String { l.note || l.section < 0 ? "" : (value ?? "-") }

    @Sendable static func walStatusRole(_ s: String?) -> Role {
        switch s {
        case "lost": return .critical
        case "unreserved", "extended": return .warning
        default: return .normal
        }
    }

    /// Where a warning wraps: its further lines follow it as children, so sorting keeps them together and a filter
    /// that matches any of them shows the whole warning.
    static let wrap = 32

    static func table(_ snap: Snapshot) -> Table {
        let ls = lines(snap)
        let specs = columns(nameWidth: min(wrap, ls.reduce(20) { max($0, $1.name.count) }))
        let rows = ls.map { l in
            guard l.section < 0, l.name.count > wrap else { return TableRow(specs, l, id: l.id) }
            var parts = wrapped(l.name)
            var head = l
            head.name = parts.removeFirst()
            let children = parts.map { part in
                var c = l
                (c.kind, c.name) = ("", part)
                return TableRow(specs, c, id: l.id)
            }
            return TableRow(specs, head, id: l.id, children: children)
        }
        // a column no line of this server fills (the receiver's on a primary, the slots' on a standby without
        // slots) gives way first on a narrow screen
        var cols = specs.map(\.column)
        for k in cols.indices.dropFirst(2) where rows.allSatisfy({ $0.cells[k] == "-" || $0.cells[k].isEmpty }) { cols[k].priority = 0 }
        return Table(columns: cols, rows: rows)
    }

    /// `text` in lines of at most `wrap` characters, broken at spaces (a longer word is cut).
    static func wrapped(_ text: String) -> [String] {
        var out: [String] = []
        var line = ""
        for word in text.split(separator: " ") {
            if !line.isEmpty && line.count + 1 + word.count > wrap { out.append(line); line = "" }
            line += (line.isEmpty ? "" : " ") + word
            while line.count > wrap { out.append(String(line.prefix(wrap))); line = String(line.dropFirst(wrap)) }
        }
        return out + (line.isEmpty ? [] : [line])
    }

    /// Every line of the view: warnings, then the sections in the order that matters on this server (a standby's
    /// receiver first; on a primary its standbys, then its slots, then the note that it is not a standby).
    static func lines(_ snap: Snapshot) -> [Line] {
        guard let r = snap.replication else { return [.note("replication not read in this snapshot", section: 0, kind: "replication")] }
        let onStandby = r.receiver != nil || snap.server?.isStandby == true
        let (receiverAt, standbysAt, slotsAt) = onStandby ? (0, 1, 2) : (2, 0, 1)
        var out = r.warnings.map(Line.warning)
        if let x = r.receiver {
            out.append(.receiver(x, section: receiverAt, warnings: r.warnings, now: snap.clock))
        } else {
            let what = onStandby ? "this standby reported no receiver figures" : "this server is not a standby"
            out.append(.note(what, section: receiverAt, kind: "receiver"))
        }
        out += r.standbys.map { .standby($0, section: standbysAt, warnings: r.warnings) }
        if r.standbys.isEmpty { out.append(.note("no standbys stream from this server", section: standbysAt, kind: "standby")) }
        out += r.slots.map { .slot($0, section: slotsAt, warnings: r.warnings, faucet: faucet(snap, slot: $0.slotName)) }
        if r.slots.isEmpty { out.append(.note("no replication slots", section: slotsAt, kind: "slot")) }
        return out
    }

    /// The faucet-state bookmarks (store/key) whose CDC key names `slot`: the consumer that should be reading it.
    static func faucet(_ snap: Snapshot, slot: String) -> String? {
        let names = (snap.foreign ?? []).filter { $0.kind == .faucet }.flatMap { f in
            f.bookmarks.filter { $0.slot == slot }.map { "\(f.label)/\($0.key)" }
        }
        return names.isEmpty ? nil : names.joined(separator: ", ")
    }
}
