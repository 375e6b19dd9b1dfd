/// The first `k` elements of a list in an order, without sorting the whole list: a quickselect (Hoare partitions
/// around a median of three) moves the `k` first to the front in linear time on average, and only those are sorted.
/// The snapshot keeps 5,000 consumers of 50,000 or more this way (`CursorsPanel.Rows.kept`).
enum PartialSelection {
    /// The `k` first elements of `items` by `before` (a strict total order), sorted by it: the same as
    /// `items.sorted(by: before).prefix(k)` when no two elements are equal under `before`, and a valid choice
    /// among equal ones when some are.
    static func first<T>(_ k: Int, of items: [T], by before: (T, T) -> Bool) -> [T] {
        guard k > 0 else { return [] }
        guard k < items.count else { return items.sorted(by: before) }
        var a = items
        moveFirst(k, in: &a, by: before)
        return a[0..<k].sorted(by: before)
    }

    /// Reorders `a` so that its `k` first elements by `before` come first (in no particular order), `k` in
    /// 1..<a.count. Falls back to sorting what is left after 64 partitions (an input that defeats the pivots).
    static func moveFirst<T>(_ k: Int, in a: inout [T], by before: (T, T) -> Bool) {
        let target = k - 1
        var lo = 0, hi = a.count - 1, rounds = 0
        while lo < hi {
            rounds += 1
            if rounds > 64 {
                a[lo...hi].sort(by: before)
                return
            }
            let mid = lo + (hi - lo) / 2
            // median of three at `mid`: a[lo] <= a[mid] <= a[hi]
            if before(a[mid], a[lo]) { a.swapAt(mid, lo) }
            if before(a[hi], a[lo]) { a.swapAt(hi, lo) }
            if before(a[hi], a[mid]) { a.swapAt(hi, mid) }
            let pivot = a[mid]
            var i = lo, j = hi
            while i <= j {
                while before(a[i], pivot) { i += 1 }
                while before(pivot, a[j]) { j -= 1 }
                if i <= j {
                    a.swapAt(i, j)
                    i += 1
                    j -= 1
                }
            }
            // a[lo...j] are not after the pivot, a[i...hi] not before it, and what lies between equals it
            if target <= j {
                hi = j
            } else if target >= i {
                lo = i
            } else {
                return
            }
        }
    }
}
