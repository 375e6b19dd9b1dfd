import Foundation
import StoreAccess
import StoreTestSupport
import Testing

@testable import StoreMetrics

/// The documented names are the emitted names: every metric in `docs/metrics.md` (with its type) is what
/// `PrometheusExport` writes, and every JSON key that `docs/snapshot.md` lists per top-level key is what
/// `JSONExport` writes under it. The snapshot comes from the test server with every panel filled.
@Suite(.serialized) struct DocsMatchOutputTests {
    static let docs = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("docs")

    /// Two snapshots of the integration fixture (so rates and statuses exist) with an active query and an
    /// append held in flight; a replica and a panel error are added by hand (the test server has neither).
    static func populated() throws -> (Snapshot, Derived) {
        let f = try SnapshotIntegrationTests.Fixture()
        defer { f.close() }
        let sleeper = try Connection(try ConnectionString(f.server.directDSN))
        let held = try Connection(try ConnectionString(f.server.directDSN))
        defer { held.close() }
        let done = DispatchSemaphore(value: 0)
        nonisolated(unsafe) let s = sleeper
        Thread.detachNewThread {
            _ = try? s.query("SELECT pg_sleep(2)"); done.signal()
        }
        // a consumer with a filter (its recorded filter is a key of the document)
        try f.store.pool.query(
            SQL(
                "SELECT \(ident: f.store.schema.name).cursor_open('alpha', 'typed', 'events', '[{\"types\": [\"A\"]}]', 'st:svc/consumer/alpha', 'h', 1)"
            ))
        try held.query("BEGIN")
        try held.query(SQL("SELECT \(ident: f.store.schema.name).append('beta', 's9', -1, '[{\"type\":\"Late\",\"payload\":{}}]')"))
        let collector = try Collector(dsn: f.server.directDSN, schema: f.schema)
        defer { collector.close() }
        var history = History()
        _ = history.add(try collector.snapshot())
        Thread.sleep(forTimeInterval: 0.3)
        try f.store.events(tenant: "alpha").append(to: "s1", [EventData(type: "A")])
        var snap = try collector.snapshot()
        snap.server?.replicas.append(.init(name: "standby", address: "10.0.0.2", state: "streaming", replayLagSeconds: 0.2))
        snap.errors.append(.init(panel: "pools", reason: "pools: statement timeout", disabled: false))
        // stores of other libraries, one of each shape (their figures are checked against SQL in Foreign/)
        snap.foreign = SampleSnapshot.foreign(now: snap.clock)
        snap.replication = SampleSnapshot.replication(now: snap.clock)
        let derived = history.add(snap)
        _ = done.wait(timeout: .now() + 5)
        sleeper.close()
        return (snap, derived)
    }

    @Test func metricNamesAndTypesInTheDocsAreTheEmittedOnes() throws {
        let (snap, derived) = try Self.populated()
        func families(_ text: String) -> [String: String] {
            var out: [String: String] = [:]
            for line in text.split(separator: "\n") where line.hasPrefix("# TYPE ") {
                let parts = line.split(separator: " ")
                out[String(parts[2])] = String(parts[3])
            }
            return out
        }
        let single = families(PrometheusExport.render(snap, derived: derived))
        // the fleet's one exposition (several targets) is the same families plus storetop_target_up
        let emitted = families(PrometheusExport.render(targets: [("a", snap, derived), ("b", nil, nil)]))
        #expect(Set(emitted.keys).subtracting(single.keys) == ["storetop_target_up"] && Set(single.keys).isSubset(of: emitted.keys))
        let documented = try Self.documentedMetrics()
        #expect(
            Set(documented.keys) == Set(emitted.keys),
            "documented only: \(Set(documented.keys).subtracting(emitted.keys).sorted()); emitted only: \(Set(emitted.keys).subtracting(documented.keys).sorted())"
        )
        for (name, type) in documented where emitted[name] != nil {
            #expect(emitted[name] == type, "\(name): documented \(type), emitted \(emitted[name]!)")
        }
    }

    @Test func jsonKeysInTheDocsAreTheEmittedOnes() throws {
        let (snap, derived) = try Self.populated()
        let json = try JSONExport.encode(snap, derived: derived)
        let top = try #require(try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any])
        let documented = try Self.documentedKeys()
        #expect(Set(documented.keys) == Set(top.keys))
        for (key, value) in top {
            let emitted = Self.keys(in: value)
            let want = documented[key] ?? []
            #expect(
                want == emitted, "\(key): documented only \(want.subtracting(emitted).sorted()); emitted only \(emitted.subtracting(want).sorted())")
        }
    }

    /// Every object key below `value`, at any depth.
    static func keys(in value: Any) -> Set<String> {
        if let o = value as? [String: Any] { return o.reduce(into: Set(o.keys)) { $0.formUnion(keys(in: $1.value)) } }
        if let a = value as? [Any] { return a.reduce(into: Set<String>()) { $0.formUnion(keys(in: $1)) } }
        return []
    }

    /// The rows of the first Markdown table after `heading` whose first header cell is `firstColumn`.
    static func table(in file: String, firstColumn: String) throws -> [[String]] {
        let text = try String(contentsOf: docs.appendingPathComponent(file), encoding: .utf8)
        var rows: [[String]] = []
        var inTable = false
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            let cells = line.split(separator: "|", omittingEmptySubsequences: false).dropFirst().dropLast()
                .map { $0.trimmingCharacters(in: .whitespaces) }
            guard line.hasPrefix("|") else { if inTable { break }; continue }
            if !inTable { inTable = cells.first == firstColumn; continue }
            if cells.allSatisfy({ $0.allSatisfy { $0 == "-" || $0 == " " } }) { continue }
            rows.append(cells)
        }
        return rows
    }

    /// The words in backticks in `cell`.
    static func ticked(_ cell: String) -> [String] {
        cell.split(separator: "`", omittingEmptySubsequences: false).enumerated().filter { $0.offset % 2 == 1 }.map { String($0.element) }
    }

    /// docs/metrics.md: metric name → type, from the table whose first column is `metric`.
    static func documentedMetrics() throws -> [String: String] {
        var out: [String: String] = [:]
        for row in try table(in: "metrics.md", firstColumn: "metric") {
            for name in ticked(row[0]) { out[name] = row[1] }
        }
        return out
    }

    /// docs/snapshot.md: top-level key → every key listed (in backticks) in its content cell.
    static func documentedKeys() throws -> [String: Set<String>] {
        var out: [String: Set<String>] = [:]
        for row in try table(in: "snapshot.md", firstColumn: "key") {
            guard let key = ticked(row[0]).first else { continue }
            out[key] = Set(ticked(row[1]))
        }
        return out
    }
}
