import Foundation
import StoreMetrics

/// Sessions, `a`: every client backend in one list, as pg_activity shows them, the longest-running first: pid,
/// database, user, its group (service/store/tenant, or the raw application_name), client, state, wait event, the
/// transaction's and the query's age, and the query. Enter opens a backend's detail.
enum BackendsView {
    struct Row: Sendable {
        let backend: Snapshot.Backend
        let group: String
        let now: Date
        let blocks: Int

        /// The statement's age for an active backend, the time in its state otherwise (pg_activity's duration).
        var duration: Double? {
            let since = backend.state == "active" ? backend.queryStart : backend.stateChange
            return since.map { max(0, now.timeIntervalSince($0)) }
        }

        var transaction: Double? { backend.transactionStart.map { max(0, now.timeIntervalSince($0)) } }
    }

    static let columns: [ColumnSpec<Row>] = [
        ColumnSpec("PID", 7, right: true, role: { $0.blocks > 0 ? .critical : .normal }, sort: { .num(Double($0.backend.pid)) }) {
            "\($0.backend.pid)"
        },
        ColumnSpec("DATABASE", 12, priority: 2, sort: { .text($0.backend.database ?? "") }) { $0.backend.database ?? "-" },
        ColumnSpec("USER", 10, priority: 3, sort: { .text($0.backend.user ?? "") }) { $0.backend.user ?? "-" },
        ColumnSpec("GROUP", 22, priority: 6, role: { $0.group.hasSuffix("(other client)") ? .dim : .accent }, sort: { .text($0.group) }) {
            $0.group
        },
        ColumnSpec("CLIENT", 15, priority: 1, sort: { .text(client($0.backend)) }) { client($0.backend) },
        ColumnSpec("STATE", 8, role: { stateRole($0.backend) }, sort: { .text($0.backend.state) }) { state($0.backend) },
        ColumnSpec("WAIT", 16, priority: 4, role: { $0.backend.waitEventType == "Lock" ? .critical : .normal }, sort: { .text(wait($0.backend)) }) {
            wait($0.backend)
        },
        ColumnSpec(
            "TX AGE", 8, right: true, priority: 5, descending: true, role: { Views.ageRole($0.transaction, 60, 300) },
            sort: { .num($0.transaction ?? -1) }
        ) { $0.transaction.map(Format.duration) ?? "-" },
        ColumnSpec(
            "DURATION", 9, right: true, descending: true, role: { Views.ageRole($0.backend.state == "active" ? $0.duration : nil, 10, 60) },
            sort: { .num($0.duration ?? -1) }
        ) { $0.duration.map(Format.duration) ?? "-" },
        ColumnSpec("QUERY", 30, flex: true, sort: { .text($0.backend.query) }) { oneLine($0.backend.query) },
    ]

    static func table(_ snap: Snapshot, tenant: String?) -> Table {
        guard let ss = snap.sessions else { return Table(columns, rows: []) }
        let waiters = ss.waitersByBlocker
        var names: [String: String] = [:]
        for g in ss.groups { names[g.key] = SessionsView.name(g) }
        let byGroup = ss.backendsByGroup(database: snap.server?.database)
        let tenantKeys = tenant.map { t in Set(ss.groups.filter { $0.tenant == t }.map(\.key)) }
        var rows: [TableRow] = []
        for (key, backends) in byGroup where tenantKeys?.contains(key) ?? true {
            for b in backends {
                let r = Row(backend: b, group: names[key] ?? b.applicationName, now: snap.clock, blocks: waiters[b.pid]?.count ?? 0)
                rows.append(TableRow(columns, r, id: .backend(b.pid)))
            }
        }
        // a stable order under the sort: the dictionary's is not
        return Table(columns, rows: rows.sorted { (Int($0.cells[0]) ?? 0) < (Int($1.cells[0]) ?? 0) })
    }

    /// `address:port`, `local` for a unix socket.
    static func client(_ b: Snapshot.Backend) -> String {
        guard let a = b.clientAddress else { return "local" }
        return b.clientPort.map { "\(a):\($0)" } ?? a
    }

    /// The wait as `Type:Event` ("Lock:transactionid", "Client:ClientRead"), "-" when it runs on the CPU.
    static func wait(_ b: Snapshot.Backend) -> String {
        guard let t = b.waitEventType else { return "-" }
        return b.waitEvent.map { "\(t):\($0)" } ?? t
    }

    static func state(_ b: Snapshot.Backend) -> String {
        switch b.state {
        case "idle in transaction": return "idle-tx"
        case "idle in transaction (aborted)": return "idle-tx!"
        default: return b.state
        }
    }

    static func stateRole(_ b: Snapshot.Backend) -> Role {
        if b.waitEventType == "Lock" { return .critical }
        return b.state.hasPrefix("idle in") ? .warning : (b.state == "active" ? .normal : .dim)
    }

    static func oneLine(_ q: String) -> String {
        q.split(whereSeparator: { $0.isNewline || $0 == "\t" }).joined(separator: " ")
    }
}
