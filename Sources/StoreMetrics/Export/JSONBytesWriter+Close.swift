/// Closing containers: an array gets its closing bracket; an object's members, written in the order they came,
/// are copied out and written back sorted by key, each with its key, the last value of a key written twice.
extension JSONBytesWriter {
    /// Closes the innermost frames until `count` are left open.
    func closeFrames(downTo count: Int) {
        while frames.count > count { closeLast() }
    }

    /// Closes the innermost frame.
    func closeLast() {
        let f = frames.removeLast()
        if f.object {
            closeObject(f)
            entries.removeSubrange(f.entryBase...)
        } else if f.count == 0 {
            out.removeLast()
            emptyContainer(open: UInt8(ascii: "["), close: UInt8(ascii: "]"), depth: f.depth)
        } else {
            newline(f.depth)
            out.append(UInt8(ascii: "]"))
        }
        if f.parentKey >= 0 { entries.append(Entry(key: f.parentKey, start: f.start - (f.object ? 0 : 1), end: out.count)) }
    }

    /// Writes the object of frame `f`: `{`, its members sorted by key, `}`.
    private func closeObject(_ f: Frame) {
        let members = entries[f.entryBase...]
        if members.isEmpty {
            emptyContainer(open: UInt8(ascii: "{"), close: UInt8(ascii: "}"), depth: f.depth)
            return
        }
        let order = sortedMembers(members)
        scratch.removeAll(keepingCapacity: true)
        scratch.append(contentsOf: out[f.start...])
        out.removeSubrange(f.start...)
        out.append(UInt8(ascii: "{"))
        let separator: StaticString = options.pretty ? " : " : ":"
        var first = true
        scratch.withUnsafeBufferPointer { values in
            for i in order {
                let e = entries[i]
                if !first { out.append(UInt8(ascii: ",")) }
                first = false
                newline(f.depth + 1)
                out.append(contentsOf: keys.quoted[e.key])
                raw(separator)
                out.append(contentsOf: UnsafeBufferPointer(rebasing: values[(e.start - f.start)..<(e.end - f.start)]))
            }
        }
        newline(f.depth)
        out.append(UInt8(ascii: "}"))
    }

    /// Indices into `entries` of `members` in key order; of a key written more than once, the last.
    private func sortedMembers(_ members: ArraySlice<Entry>) -> [Int] {
        let rank = keys.rank
        var order = Array(members.indices)
        if order.count > 32 {
            // a large object (a dictionary): a sort, stable by the order written
            order.sort { (rank[entries[$0].key], $0) < (rank[entries[$1].key], $1) }
        } else {
            Self.insertionSort(&order) { rank[entries[$0].key] }
        }
        var kept: [Int] = []
        kept.reserveCapacity(order.count)
        for (n, i) in order.enumerated() where n + 1 == order.count || entries[order[n + 1]].key != entries[i].key {
            kept.append(i)
        }
        return kept
    }

    /// Insertion sort by `key`, stable: objects are small, often close to sorted.
    private static func insertionSort(_ order: inout [Int], key: (Int) -> Int) {
        guard order.count > 1 else { return }
        for i in 1..<order.count {
            let x = order[i]
            let r = key(x)
            var j = i - 1
            while j >= 0 && key(order[j]) > r {
                order[j + 1] = order[j]
                j -= 1
            }
            order[j + 1] = x
        }
    }
}
