import Foundation
import Testing

@testable import StoreAccess

/// One definition of each lock class, channel and SQLSTATE: the tables in `Protocol/` and `Errors/` are
/// enumerated here, and the sources are scanned for the same names spelled anywhere else.
@Suite struct ProtocolTests {
    /// `Sources`, found from this file's path: every target of the package is scanned (the monitor, the UI and
    /// the executable must not spell a lock class, channel or SQLSTATE either).
    static let sourceRoot: URL = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Sources")

    /// Every Swift file under `Sources/<target>` (or under `Sources` when `target` is nil) with its path
    /// relative to that folder.
    static func sources(_ target: String? = nil) throws -> [(path: String, text: String)] {
        let root = sourceRoot.path + (target.map { "/" + $0 } ?? "")
        let files = FileManager.default.enumerator(atPath: root)?.compactMap { $0 as? String } ?? []
        return try files.filter { $0.hasSuffix(".swift") }.sorted().map {
            ($0, try String(contentsOfFile: root + "/" + $0, encoding: .utf8))
        }
    }

    /// Texts that spell a protocol name or a SQLSTATE by hand.
    static let forbidden: [String] =
        [
            "hashtext('", "hashtext(\\(", "pg_notify('", "pg_notify(\\(", "_events'", "_outbox'", "\"_events\"", "\"_outbox\"", "+ \".cursor\"",
            "+ \".tenant\"", ".tenant'",
            ".reg'", ".alloc'", "\"SA00", "'SA00", "2_071_721_493", "2071721493",
        ] + SQLState.all.filter { !$0.code.hasPrefix("SA") }.flatMap { ["\"\($0.code)\"", "'\($0.code)'"] }

    @Test func noProtocolNameOrSQLStateIsSpelledOutsideProtocolAndErrors() throws {
        let files = try Self.sources()
        #expect(files.count > 100, "found \(files.count) source files under \(Self.sourceRoot.path)")
        var found: [String] = []
        // the foreign panels, the zestor prune and the demo's foreign stores name other libraries' tables and channels
        // (`zestor_outbox`, `zestor_events`, `eventcore_events`), not ours
        let foreign = ["StoreMetrics/Collect/Foreign/", "StoreMetrics/Actions/ZestorPrune", "storetop/DemoForeign"]
        for (path, text) in files
        where !path.hasPrefix("StoreAccess/Protocol/") && !path.hasPrefix("StoreAccess/Errors/") && !foreign.contains(where: { path.hasPrefix($0) }) {
            for (n, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
                let code = line.trimmingCharacters(in: .whitespaces)
                if code.hasPrefix("///") || code.hasPrefix("//") { continue }  // documentation may name them
                for f in Self.forbidden where line.contains(f) { found.append("\(path):\(n + 1): \(f)") }
            }
        }
        #expect(found.isEmpty, "spelled outside Protocol/ and Errors/: \(found.joined(separator: "; "))")
    }

    @Test func onlyTheLibPQFolderCallsCAndOnlyConnectionHoldsARawHandle() throws {
        var found: [String] = []
        for (path, text) in try Self.sources("StoreAccess") {
            if !path.hasPrefix("LibPQ/") && text.contains("import CLibPQ") { found.append("\(path) imports CLibPQ") }
            if !path.hasPrefix("LibPQ/") && !path.hasPrefix("Connection/Connection") && text.contains("OpaquePointer") {
                found.append("\(path) holds an OpaquePointer")
            }
        }
        #expect(found.isEmpty, "\(found)")
    }

    @Test func everySQLStateIsDefinedOnce() {
        let codes = SQLState.all.map(\.code)
        #expect(Set(codes).count == codes.count, "\(codes)")
        #expect(codes.allSatisfy { $0.utf8.count == 5 })
        #expect(SQLState.storeCodes.map(\.code) == ["SA001", "SA002", "SA003", "SA004", "SA005", "SA006", "SA007"])
        // every store code maps to its own StoreError code (SA005 was missing before)
        let mapped = SQLState.storeCodes.map { SQLState.errorCode(for: $0.code) }
        #expect(mapped == [.conflict, .notFound, .invalidArgument, .invalidName, .immutable, .duplicateEvent, .consumerBusy])
        #expect(SQLState.errorCode(for: "08006") == .connectionLost)
        #expect(SQLState.errorCode(for: "57P01") == .connectionLost)
        #expect(SQLState.errorCode(for: "42501") == .insufficientPrivilege)
        #expect(SQLState.errorCode(for: "57014") == .timeout)
        #expect(SQLState.errorCode(for: "55P03") == .timeout)
        #expect(SQLState.errorCode(for: "3F000") == .schemaMissing)
        #expect(SQLState.errorCode(for: "22012") == .server)
        #expect(SQLState.errorCode(for: nil) == .server)
    }

    @Test func everyStoreSQLStateIsRaisedByTheMigrationsOnlyThroughItsPlaceholder() {
        let sql = Migration.all.map(\.sql).joined(separator: "\n")
        for state in SQLState.storeCodes {
            let placeholder = "@sqlstate_\(state.maps!.rawValue)@"
            #expect(sql.contains("ERRCODE = " + placeholder), "\(state) is never raised through \(placeholder)")
            #expect(!sql.contains("'\(state.code)'"))
        }
    }

    @Test func lockClassesAndChannelsAreDistinctPerSchema() throws {
        let a = try Identifier("storeaccess"), b = try Identifier("other")
        let classes = StoreProtocol.LockClass.allCases.map { $0.name(in: a) }
        #expect(Set(classes).count == StoreProtocol.LockClass.allCases.count)
        #expect(classes.contains("storeaccess.cursor") && classes.contains("storeaccess.tenant"))
        #expect(Set(classes).isDisjoint(with: StoreProtocol.LockClass.allCases.map { $0.name(in: b) }))
        // the per-sequence classes the SQL helpers compute from p_key are exactly the enum's cases
        for key in StoreProtocol.sequenceKeys {
            for suffix in [StoreProtocol.registrationSuffix, StoreProtocol.allocationSuffix] {
                #expect(StoreProtocol.LockClass(rawValue: key + suffix) != nil, "\(key + suffix) is no lock class")
            }
        }
        let channels = StoreProtocol.Channel.allCases.map { $0.name(in: a).name }
        #expect(channels == ["storeaccess_events", "storeaccess_outbox"])
        #expect(try StoreSchema("storeaccess").eventsChannel.name == "storeaccess_events")
        #expect(StoreProtocol.consumerKey(tenant: "t", name: "n") == "t/n")
        #expect(StoreProtocol.consumerKeySQL(tenant: "c.tenant", name: "c.name") == "c.tenant || '/' || c.name")
    }

    @Test func longSchemaNamesGetDistinctChannelsWithinTheLimit() throws {
        let base = String(repeating: "s", count: 60)
        let one = try Identifier(base + "abc"), two = try Identifier(base + "abd")
        for channel in StoreProtocol.Channel.allCases {
            let n1 = channel.name(in: one).name, n2 = channel.name(in: two).name
            #expect(n1.utf8.count <= 63 && n2.utf8.count <= 63)
            #expect(n1 != n2)
            #expect(n1.hasSuffix("_" + channel.rawValue))
        }
        #expect(StoreProtocol.Channel.events.name(in: one) != StoreProtocol.Channel.outbox.name(in: one))
    }

    @Test func migrationsAreVersionedWithoutGapsAndNamedUniquely() {
        #expect(Migration.all.map(\.version) == Array(1...Migration.all.count))
        #expect(Set(Migration.all.map(\.name)).count == Migration.all.count)
        #expect(StoreSchema.currentVersion == Migration.all.count)
    }

    @Test func expandedMigrationsLeaveNoPlaceholder() throws {
        for schema in ["storeaccess", String(repeating: "x", count: 63)] {
            let id = try Identifier(schema)
            for m in Migration.all {
                let text = m.script(for: id)
                let left = text.matches(of: /@[a-z_]+@/).map { String($0.output) }
                #expect(left.isEmpty, "v\(m.version) \(m.name) keeps \(left)")
            }
        }
        let short = Migration.all[1].script(for: try Identifier("st"))
        #expect(short.contains("pg_notify('st_events', "))
        #expect(short.contains("hashtext('st.' || p_key || '.alloc')"))
        #expect(short.contains("hashtext('st.tenant')"))
    }
}

/// The migrations' SQL for a schema whose names fit is byte for byte what it was before the protocol's names
/// became placeholders (FNV-1a 64 of each expanded script, computed from the scripts as released).
@Suite struct MigrationTextTests {
    static func fnv1a64(_ text: String) -> UInt64 {
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        for b in text.utf8 { h = (h ^ UInt64(b)) &* 0x0000_0100_0000_01b3 }
        return h
    }

    @Test func expandedScriptsAreUnchangedForTheDefaultSchema() throws {
        let schema = try Identifier("storeaccess")
        // versions 1-4 were released before this test: they must never change (later versions are pinned when
        // they are released)
        let hashes = Migration.all.prefix(4).map { Self.fnv1a64($0.script(for: schema)) }
        #expect(hashes == [0x1916_3fb2_8235_4264, 0xaab2_2c98_393a_6db0, 0x4be2_b43a_6e71_ff1c, 0x53ef_bd78_8372_ac77])
    }
}
