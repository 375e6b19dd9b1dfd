import Foundation
import StoreAccess
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

    /// `sql` as psql runs it from a file: each `$n` replaced by its bind, then the stand-in positions by the
    /// benchmark's placeholders (`@SAFE@`, `@BASE@`, which the script fills in with the seeded store's figures).
    static func asFile(_ sql: SQL) -> String {
        var text = sql.text
        for (i, b) in sql.binds.enumerated().reversed() { text = text.replacingOccurrences(of: "$\(i + 1)", with: b ?? "NULL") }
        return text.replacingOccurrences(of: String(safe), with: "@SAFE@").replacingOccurrences(of: String(base), with: "@BASE@")
    }
    static let safe: Int64 = 777_000_777, base: Int64 = 555_000_555

    /// The panels' statements on schema `storeaccess`, by copy. `STOREMETRICS_RECORD=1` rewrites the copies.
    @Test func theStoreCopiesAreThePanelsStatements() throws {
        let schema = try Identifier("storeaccess")
        let copies: [(file: String, what: String, sql: SQL)] = [
            (
                "streams_full.sql", "metrics.streams_full (StreamsPanel.statement(base: nil)); @SAFE@ is the safe position",
                StreamsPanel.statement(schema, base: nil, safe: Self.safe)
            ),
            (
                "streams_incremental.sql", "metrics.streams (StreamsPanel.statement(base:)); events in (@BASE@, @SAFE@]",
                StreamsPanel.statement(schema, base: Self.base, safe: Self.safe)
            ),
            ("outboxes.sql", "metrics.outboxes (OutboxesPanel.statement)", OutboxesPanel.statement(schema)),
        ]
        for c in copies {
            let text = Self.asFile(c.sql)
            if ProcessInfo.processInfo.environment["STOREMETRICS_RECORD"] == "1" {
                let header = "-- \(c.what) (schema storeaccess; kept equal to the panel's by BenchStatementsTests)\n"
                try (header + text + ";\n").write(to: Self.dir.appendingPathComponent(c.file), atomically: true, encoding: .utf8)
            }
            #expect(try Self.file(c.file) == Self.normalized(text), "\(c.file) differs from \(c.what)")
        }
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
