import Foundation
import StoreAccess

/// The consumers a read returns, left where the read keeps them (the carry's dictionary, or the statement's
/// list): a snapshot copies only the rows it keeps (`kept`), not every one of 50,000 each refresh.
extension CursorsPanel {
    struct Rows: Sendable {
        enum Storage: Sendable {
            /// As the statement returned them (nothing carried).
            case list([CursorRow])
            /// The carried rows, merged with the changed ones (shared with the carry, not copied).
            case carried([CursorKey: CursorRow])
        }

        let storage: Storage
        /// Parked counts by consumer, read afresh every time (`withParked`).
        let parked: [CursorKey: ParkedCount]

        var count: Int {
            switch storage {
            case .list(let l): l.count
            case .carried(let d): d.count
            }
        }

        /// The consumers' tenants, each once, sorted.
        var tenants: [String] {
            switch storage {
            case .list(let l): Array(Set(l.map(\.tenant))).sorted()
            case .carried(let d): Array(Set(d.values.map(\.tenant))).sorted()
            }
        }

        /// Every row, with its parked counts, in the storage's order.
        func all() -> [CursorRow] {
            switch storage {
            case .list(let l): withParked(l, parked)
            case .carried(let d): withParked(Array(d.values), parked)
            }
        }

        /// Every row when there are at most `bound`; else the `bound` first by `Rank` (best first), with
        /// their parked counts. Only the kept rows are copied.
        func kept(_ bound: Int, heads: [String: Int64], outboxes: [OutboxKey: Int64]) -> [CursorRow] {
            guard count > bound else { return all() }
            let gap = Rank.gap(heads: heads, outboxes: outboxes)
            switch storage {
            case .list(let l):
                let parkedAt = parked.isEmpty ? [] : Set(l.indices.filter { (parked[l[$0].key]?.n ?? 0) > 0 })
                return withParked(Rank.first(bound, of: l, parkedAt: parkedAt, gap: gap).map { l[$0] }, parked)
            case .carried(let d):
                let parkedAt = Set(parked.compactMap { $0.value.n > 0 ? d.index(forKey: $0.key) : nil })
                return withParked(Rank.first(bound, of: d.values, parkedAt: parkedAt, gap: gap).map { d.values[$0] }, parked)
            }
        }
    }

    /// How `Collector.shownConsumers` ranks consumers: every one a person has to act on first (paused, failing
    /// handler, parked events), then the widest position gap, ties by tenant and name.
    enum Rank {
        /// A consumer's gap: its tenant's deliverable event head (or its outbox's head) minus its position, at
        /// least 0.
        static func gap(heads: [String: Int64], outboxes: [OutboxKey: Int64]) -> @Sendable (CursorRow) -> Int64 {
            { r in
                let head = r.source == "events" ? heads[r.tenant] ?? 0 : r.kind.flatMap { outboxes[OutboxKey(tenant: r.tenant, kind: $0)] } ?? 0
                return max(0, head - r.position)
            }
        }

        /// The indices of `rows`' `k` first, best first. `parkedAt`: the rows with parked events.
        static func first<C: Collection>(
            _ k: Int, of rows: C, parkedAt: Set<C.Index>, gap: (CursorRow) -> Int64
        ) -> [C.Index] where C.Element == CursorRow, C.Index: Hashable {
            // one key per row: the operated flag above a gap of 0...Int64.max, so the common case compares integers
            var ranked: [(key: UInt64, index: C.Index)] = []
            ranked.reserveCapacity(rows.count)
            for i in rows.indices {
                let r = rows[i]
                let operated = r.ops.pausedAt != nil || r.ops.failingError != nil || parkedAt.contains(i)
                ranked.append(((operated ? 1 << 63 : 0) | UInt64(gap(r)), i))
            }
            return PartialSelection.first(k, of: ranked) { a, b in
                if a.key != b.key { return a.key > b.key }
                let x = rows[a.index], y = rows[b.index]
                return (x.tenant, x.name) < (y.tenant, y.name)
            }.map(\.index)
        }
    }
}
