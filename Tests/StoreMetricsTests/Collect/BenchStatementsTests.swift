import Foundation
import Testing

@testable import StoreMetrics

/// `Benchmarks/server-statements-bench.sh` times copies of the statements in `Benchmarks/sql/statements/` (psql runs
/// them as files). The "after" copies are the product's statements: this keeps them in step, so the benchmark never
/// times a statement the product no longer sends. (The "before" copies are session 12's forms, kept as they were.)
@Suite struct BenchStatementsTests {
    static let dir = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("Benchmarks/sql/statements")

    /// The statement text without its comment lines, whitespace runs made one space.
    static func normalized(_ text: String) -> String {
        text.split(separator: "\n").filter { !$0.trimmingCharacters(in: .whitespaces).hasPrefix("--") }.joined(separator: " ")
            .split(whereSeparator: \.isWhitespace).joined(separator: " ").trimmingCharacters(in: CharacterSet(charactersIn: "; "))
    }

    static func file(_ name: String) throws -> String {
        normalized(try String(contentsOf: dir.appendingPathComponent(name), encoding: .utf8))
    }

    @Test func theAfterCopiesAreTheProductsStatements() throws {
        let sessions = SessionsPanel.statement(all: false), server = ServerPanel.statement(withSize: false)
        #expect(sessions.binds.isEmpty && server.binds.isEmpty, "the copies hold no parameters")
        #expect(
            try Self.file("sessions_after.sql") == Self.normalized(sessions.text),
            "sessions_after.sql differs from SessionsPanel.statement(all: false)")
        #expect(
            try Self.file("server_after.sql") == Self.normalized(server.text), "server_after.sql differs from ServerPanel.statement(withSize: false)")
    }
}
