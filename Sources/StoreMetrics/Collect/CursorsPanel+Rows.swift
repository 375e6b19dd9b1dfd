import Foundation
import StoreAccess

/// The consumers a read returns, left where the read keeps them (the carry's array, or the statement's): a
/// snapshot copies only the rows it keeps (`kept`), not every one of 50,000 each refresh.
extension CursorsPanel {
    struct Rows: Sendable {
        /// The rows: the carry's (shared with it, not copied), or the statement's when nothing is carried.
        let rows: [CursorRow]
        /// Parked counts by consumer, read afresh every time (`withParked`).
        let parked: [CursorKey: ParkedCount]
        /// Each consumer's place in `rows`, when the carry keeps one.
        var at: [CursorKey: Int]? = nil

        var count: Int { rows.count }

        /// The consumers' tenants, each once, sorted.
        var tenants: [String] { Array(Set(rows.map(\.tenant))).sorted() }

        /// Every row, with its parked counts.
        func all() -> [CursorRow] { withParked(rows, parked) }

        /// Every row when there are at most `bound`; else the `bound` first by `Rank` (best first), with their
        /// parked counts. Only the kept rows are copied.
        func kept(_ bound: Int, heads: [String: Int64], outboxes: [OutboxKey: Int64]) -> [CursorRow] {
            guard count > bound else { return all() }
            let parkedAt: Set<Int> =
                parked.isEmpty
                ? []
                : at.map { at in Set(parked.compactMap { $0.value.n > 0 ? at[$0.key] : nil }) }
                    ?? Set(rows.indices.filter { (parked[rows[$0].key]?.n ?? 0) > 0 })
            let ranked = Rank(heads: heads, outboxes: outboxes).first(bound, of: rows, parkedAt: parkedAt)
            return withParked(ranked.map { rows[$0] }, parked)
        }
    }

    /// The carried rows, held by reference so a read merges the changed ones in place: the collector's state is
    /// copied at each snapshot's start, and an array shared with that copy would be copied whole (50,000 rows) by
    /// the first change merged into it. Touched only by the snapshot in progress (snapshots are serialized by the
    /// pool of one, and the state is handed over under the collector's lock).
    final class CarriedRows: @unchecked Sendable {
        /// The rows in the order first read (a new consumer is appended).
        private(set) var rows: [CursorRow]
        /// Each consumer's place in `rows`.
        private(set) var at: [CursorKey: Int]

        init(_ rows: [CursorRow]) {
            self.rows = rows
            at = Dictionary(rows.indices.map { (rows[$0].key, $0) }, uniquingKeysWith: { a, _ in a })
        }

        /// Replaces the rows of `changed`'s consumers, and appends the new ones.
        func merge(_ changed: [CursorRow]) {
            for r in changed {
                if let i = at[r.key] {
                    rows[i] = r
                } else {
                    at[r.key] = rows.count
                    rows.append(r)
                }
            }
        }
    }

    /// How `Collector.shownConsumers` ranks consumers: every one a person has to act on first (paused, failing
    /// handler, parked events), then the widest position gap, ties by tenant and name.
    struct Rank {
        /// Each tenant's deliverable event head, and each outbox's head.
        let heads: [String: Int64], outboxes: [OutboxKey: Int64]

        /// A consumer's gap: its tenant's deliverable event head (or its outbox's head) minus its position, at
        /// least 0.
        func gap(_ r: UnsafePointer<CursorRow>) -> Int64 {
            let head =
                r.pointee.source == "events"
                ? heads[r.pointee.tenant] ?? 0 : r.pointee.kind.flatMap { outboxes[OutboxKey(tenant: r.pointee.tenant, kind: $0)] } ?? 0
            // a position set far below zero by hand must not trap: the gap is then the widest there is
            let (d, overflow) = head.subtractingReportingOverflow(r.pointee.position)
            return overflow ? (head > r.pointee.position ? .max : 0) : max(0, d)
        }

        /// The indices of `rows`' `k` first, best first. `parkedAt`: the rows with parked events.
        func first(_ k: Int, of rows: [CursorRow], parkedAt: Set<Int>) -> [Int] {
            rows.withUnsafeBufferPointer { buf in
                // one key per row, read in place (a copy of each row was half of this): the operated flag above a
                // gap of 0...Int64.max, so the common case compares integers
                guard let base = buf.baseAddress else { return [] }
                var ranked: [(key: UInt64, index: Int)] = []
                ranked.reserveCapacity(buf.count)
                for i in buf.indices {
                    let r = base + i
                    let operated = r.pointee.ops.pausedAt != nil || r.pointee.ops.failingError != nil || parkedAt.contains(i)
                    ranked.append(((operated ? 1 << 63 : 0) | UInt64(gap(r)), i))
                }
                return PartialSelection.first(k, of: ranked) { a, b in
                    if a.key != b.key { return a.key > b.key }
                    let x = base + a.index, y = base + b.index
                    return (x.pointee.tenant, x.pointee.name) < (y.pointee.tenant, y.pointee.name)
                }.map(\.index)
            }
        }
    }
}
