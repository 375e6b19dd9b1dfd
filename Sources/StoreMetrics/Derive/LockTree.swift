import Foundation

/// The blocking chains of a snapshot's sessions as a tree from each root blocker, built from what
/// `pg_blocking_pids` said for every backend waiting on a lock (`Backend.blockedBy`). A root is a blocker that
/// waits on no lock itself; a backend blocked by several others appears under each of them, but is counted once
/// per root. A cycle (a deadlock the server has not broken yet) is cut where it closes, and rooted at its lowest
/// pid. Pure: no statement of its own.
public struct LockTree: Sendable, Equatable {
    /// One line of the tree, in drawing order.
    public struct Node: Sendable, Equatable {
        /// The backend's pid.
        public var pid: Int32
        /// 0 for a root, 1 for those it blocks directly, and so on.
        public var depth: Int
        /// The root this line hangs under.
        public var root: Int32
        /// The backend, when it is among the snapshot's client backends (nil: another database's backend, a
        /// background process, or one past the sessions panel's limit).
        public var backend: Snapshot.Backend?
        /// Backends waiting under this one, directly or further down (each counted once).
        public var waiters: Int
        /// Seconds it has waited for its lock (nil for a root, or when the server gave no wait start).
        public var waitSeconds: Double?
        /// The line closes a cycle: this pid is already higher up in the same chain.
        public var cycle: Bool = false
    }

    /// The lines, each root followed by its chains; roots with the most waiters first.
    public var nodes: [Node]
    /// Backends waiting on a lock held by another backend.
    public var blocked: Int
    /// The longest lock wait now, in seconds (from `pg_locks.waitstart`).
    public var oldestWaitSeconds: Double?

    /// Nothing is blocked.
    public var isEmpty: Bool { blocked == 0 }

    /// The tree of `sessions` at `now` (the snapshot's instant); at most `limit` lines.
    public init(_ sessions: Snapshot.Sessions?, now: Date, limit: Int = 2000) {
        let backends = sessions?.backends ?? []
        let byPid = Dictionary(backends.map { ($0.pid, $0) }, uniquingKeysWith: { a, _ in a })
        var children: [Int32: [Int32]] = [:]
        for b in backends where !b.blockedBy.isEmpty {
            for p in Set(b.blockedBy) { children[p, default: []].append(b.pid) }
        }
        func wait(_ pid: Int32) -> Double? { byPid[pid]?.waitStart.map { max(0, now.timeIntervalSince($0)) } }
        let blockedPids = backends.filter { !$0.blockedBy.isEmpty }.map(\.pid)
        blocked = blockedPids.count
        oldestWaitSeconds = blockedPids.compactMap(wait).max()
        let roots = Self.roots(children: children, blocked: Set(blockedPids))
        var nodes: [Node] = []
        var order: [(Int, [Node])] = []
        for root in roots {
            var lines: [Node] = []
            var below = Set<Int32>()
            Self.walk(root, depth: 0, root: root, path: [], children: children, into: &lines, seen: &below)
            lines = lines.map { n in
                var n = n
                n.backend = byPid[n.pid]
                n.waitSeconds = n.depth == 0 ? nil : wait(n.pid)
                return n
            }
            order.append((below.count, lines))
        }
        for (_, lines) in order.sorted(by: { $0.0 > $1.0 }) { nodes += lines }
        self.nodes = Array(nodes.prefix(limit))
    }

    /// Blockers that wait on nothing themselves, then the lowest pid of each cycle no root reaches.
    static func roots(children: [Int32: [Int32]], blocked: Set<Int32>) -> [Int32] {
        var roots = children.keys.filter { !blocked.contains($0) }.sorted()
        var reached = Set<Int32>()
        func mark(_ p: Int32) {
            guard reached.insert(p).inserted else { return }
            children[p]?.forEach(mark)
        }
        roots.forEach(mark)
        for p in blocked.sorted() where !reached.contains(p) {
            roots.append(p)
            mark(p)
        }
        return roots
    }

    /// Depth-first from `pid`; returns the number of distinct waiters below it.
    @discardableResult
    static func walk(
        _ pid: Int32, depth: Int, root: Int32, path: Set<Int32>, children: [Int32: [Int32]], into lines: inout [Node],
        seen: inout Set<Int32>
    ) -> Int {
        let index = lines.count
        lines.append(Node(pid: pid, depth: depth, root: root, backend: nil, waiters: 0, waitSeconds: nil))
        guard !path.contains(pid) else {
            lines[index].cycle = true
            return 0
        }
        var mine = Set<Int32>()
        for child in (children[pid] ?? []).sorted() {
            seen.insert(child)
            mine.insert(child)
            let start = lines.count
            walk(child, depth: depth + 1, root: root, path: path.union([pid]), children: children, into: &lines, seen: &seen)
            for l in lines[start...] where l.depth > depth { mine.insert(l.pid) }
        }
        mine.remove(pid)
        lines[index].waiters = mine.count
        return mine.count
    }
}
