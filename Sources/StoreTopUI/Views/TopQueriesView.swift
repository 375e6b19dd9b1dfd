import Foundation
import StoreMetrics

/// Top queries (`Q` in Sessions): pg_stat_statements' growth over the last minute by execution time, each query by
/// its shape, with the session groups seen running it (`Derived.topQueries`). Empty when the
/// extension is not installed (`Snapshot.statementStatistics` nil).
enum TopQueriesView {
    typealias Row = TopQuery

    static let columns: [ColumnSpec<Row>] = [
        .init("QUERY", 30, flex: true, role: { $0.hidden ? .dim : .normal }, sort: { .text($0.shape) }) {
            ($0.hidden ? "[hidden: grant pg_read_all_stats] " : "") + $0.shape.replacingOccurrences(of: "\n", with: " ")
        },
        .init(
            "TIME 1M", 9, right: true, descending: true, role: { $0.execMilliseconds >= 10_000 ? .warning : .normal },
            sort: { .num($0.execMilliseconds) }
        ) {
            milliseconds($0.execMilliseconds)
        },
        .init("CALLS", 7, right: true, priority: 4, descending: true, sort: { .num(Double($0.calls)) }) { Format.count($0.calls) },
        .init("MEAN", 8, right: true, priority: 3, descending: true, sort: { .num($0.meanMilliseconds ?? -1) }) {
            $0.meanMilliseconds.map(milliseconds) ?? "-"
        },
        .init("ROWS", 7, right: true, priority: 2, descending: true, sort: { .num(Double($0.rows)) }) { Format.count($0.rows) },
        .init("GROUPS", 22, priority: 6, sort: { .text(groups($0)) }) { groups($0) },
        .init("USER", 10, priority: 1, sort: { .text($0.users.joined(separator: ",")) }) { $0.users.joined(separator: ",") },
    ]

    /// The column the table sorts by first: TIME 1M, the most expensive first.
    static let sortColumn = 1

    /// Milliseconds as a DBA reads them: `850 ms`, `12.4 s`.
    @Sendable static func milliseconds(_ ms: Double) -> String {
        ms < 1000 ? String(format: ms < 10 ? "%.2f ms" : "%.0f ms", ms) : Format.duration(ms / 1000)
    }

    /// The groups seen running it, as the Sessions view names them (`service/store/tenant`, other clients by name).
    @Sendable static func groups(_ q: Row) -> String {
        q.groups.map { k in k.split(separator: ":", maxSplits: 1).last.map { String($0).hasSuffix("/") ? String($0.dropLast()) : String($0) } ?? k }
            .joined(separator: ", ")
    }

    /// The tenant of a group key (`st:service/store/tenant`), if it has one.
    static func tenant(ofGroup key: String) -> String? {
        guard key.hasPrefix("st:") || key.hasPrefix("axon:") else { return nil }
        let last = key.split(separator: "/", omittingEmptySubsequences: false).last.map(String.init) ?? ""
        return key.split(separator: "/").count >= 2 && !last.isEmpty ? last : nil
    }

    static func table(_ snap: Snapshot, _ derived: Derived?, tenant: String?) -> Table {
        let rows = (derived?.topQueries ?? []).filter { q in tenant == nil || q.groups.contains { self.tenant(ofGroup: $0) == tenant } }
        return Table(columns, rows: rows.map { TableRow(columns, $0, id: .queryShape($0.id)) })
    }
}
