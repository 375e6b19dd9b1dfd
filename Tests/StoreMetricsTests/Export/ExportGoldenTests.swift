import Foundation
import Testing

@testable import StoreMetrics

/// The exporters' output for `SampleSnapshot`, pinned: the JSON document byte for byte, the Prometheus text
/// line for line (swift-prometheus emits families in its dictionary's order, which changes from process to
/// process, so the lines are compared sorted). Re-record with STOREMETRICS_RECORD=1 (rewrites
/// `ExportGoldens.swift`; the test then fails, so nothing passes unseen).
@Suite struct ExportGoldenTests {
    static let file = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("ExportGoldens.swift")
    static let record = ProcessInfo.processInfo.environment["STOREMETRICS_RECORD"] == "1"

    static func outputs() throws -> (json: String, compact: String, prometheus: String) {
        let (s, d) = SampleSnapshot.derived()
        let prom = PrometheusExport.render(s, derived: d).split(separator: "\n").sorted().joined(separator: "\n")
        return (try JSONExport.encode(s, derived: d), try JSONExport.encode(SampleSnapshot.reading(0), pretty: false), prom)
    }

    @Test func exportsAreUnchanged() throws {
        let out = try Self.outputs()
        if Self.record {
            let body = """
                // Recorded by ExportGoldenTests (STOREMETRICS_RECORD=1); do not edit by hand.
                enum ExportGoldens {
                    static let json = #\"\"\"
                \(out.json)
                \"\"\"#
                    static let compactFirstReading = #\"\"\"
                \(out.compact)
                \"\"\"#
                    static let prometheusSortedLines = #\"\"\"
                \(out.prometheus)
                \"\"\"#
                }

                """
            try body.write(to: Self.file, atomically: true, encoding: .utf8)
            Issue.record("recorded \(Self.file.path)")
            return
        }
        #expect(out.json == ExportGoldens.json)
        #expect(out.compact == ExportGoldens.compactFirstReading)
        #expect(out.prometheus == ExportGoldens.prometheusSortedLines)
    }
}
