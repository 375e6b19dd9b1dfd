import Foundation
import StoreAccess
import Testing

@testable import storetop

/// The config file's `retention:` rules (docs/pruning.md, "Retention by policy"): the most specific rule wins, and
/// every bad rule is one error naming its line.
@Suite struct RetentionConfigTests {
    static let targets = "targets:\n  prod:\n    dsn: \"host=x\"\n  lab:\n    dsn: \"host=y\"\n"

    func load(_ yaml: String) async throws -> ConfigFile {
        let path = NSTemporaryDirectory() + "storetop-retention-\(UUID().uuidString).yaml"
        try yaml.write(toFile: path, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(atPath: path) }
        return try await ConfigFile.load(path, environment: [:])
    }

    func expectError(_ rules: String, _ want: String) async {
        let got: String
        do {
            _ = try await load(Self.targets + "retention:\n" + rules)
            got = "no error"
        } catch let e as ConfigError {
            got = "\(e.line.map(String.init) ?? "-"): \(e.message)"
        } catch {
            got = "other error: \(error)"
        }
        #expect(got.hasPrefix(want), "got: \(got)")
    }

    @Test func theMostSpecificRuleWins() async throws {
        let f = try await load(
            Self.targets + """
                retention:
                  everything:
                    mode: safe
                  acme:
                    tenant: acme
                    mode: safe+age
                    max_age: 7d
                  billing:
                    kind: billing
                    mode: safe
                    min_age: 1h
                  acme-billing:
                    tenant: acme
                    kind: billing
                    mode: safe+age
                    max_age: 36h
                    min_age: 30m
                    batch: 500
                  lab-only:
                    target: lab
                    schema: app_store
                    mode: safe
                """)
        let p = f.retention
        #expect(p.rules.map(\.name) == ["everything", "acme", "billing", "acme-billing", "lab-only"])
        let rule = { (t: String, s: String, te: String, k: String) in p.rule(target: t, schema: s, tenant: te, kind: k)?.name }
        #expect(rule("prod", "storeaccess", "zeta", "orders") == "everything")
        #expect(rule("prod", "storeaccess", "acme", "orders") == "acme", "an exact tenant beats *")
        #expect(rule("prod", "storeaccess", "zeta", "billing") == "billing", "an exact kind beats *")
        #expect(rule("prod", "storeaccess", "acme", "billing") == "acme-billing", "tenant and kind exact beat either")
        #expect(rule("prod", "app_store", "acme", "billing") == nil, "rules are for the storeaccess schema unless they name one")
        #expect(rule("lab", "app_store", "acme", "billing") == "lab-only")
        #expect(p.schemas(target: "prod") == ["storeaccess"] && p.schemas(target: "lab") == ["storeaccess", "app_store"])
        let ab = try #require(p.rules.first { $0.name == "acme-billing" })
        #expect(ab.text == "safe+36h min 30m" && ab.batch == 500)
        #expect(ab.modes == [.safe(retention: .seconds(1800)), .forced(olderThan: .seconds(36 * 3600))])
        #expect(p.rules[0].text == "safe" && p.rules[1].text == "safe+7d" && p.rules[2].text == "safe min 1h")
        #expect(p.resolver(target: "prod", schema: "storeaccess")("acme", "x") == "safe+7d")
        #expect(p.resolver(target: "prod", schema: "other")("acme", "x") == nil)
    }

    @Test func everyBadRuleIsOneErrorWithItsLine() async {
        // the targets take lines 1-5, "retention:" line 6, the rule's name line 7
        await expectError("  r:\n    mode: safe\n    colour: red\n", "9: unknown key \"colour\" in retention rule r (known: ")
        await expectError("  r:\n    mode: keep\n", "8: retention rule r: mode \"keep\" is not a mode (safe, or safe+age with max_age)")
        await expectError("  r:\n    tenant: acme\n", "8: retention rule r has no mode")
        await expectError("  r:\n    mode: safe+age\n", "8: retention rule r: mode safe+age needs max_age")
        await expectError("  r:\n    mode: safe\n    max_age: 7d\n", "9: retention rule r: max_age is for mode: safe+age")
        await expectError("  r:\n    mode: safe+age\n    max_age: 7 days\n", "9: retention rule r: max_age: \"7 days\"")
        await expectError("  r:\n    mode: safe\n    min_age: 10x\n", "9: retention rule r: min_age: \"10x\" has an unknown unit")
        await expectError(
            "  r:\n    mode: safe+age\n    max_age: 1h\n    min_age: 2h\n", "8: retention rule r: min_age (2h) must be less than max_age (1h)")
        await expectError("  r:\n    mode: safe\n    target: nosuch\n", "9: retention rule r: target: no target is named \"nosuch\"")
        await expectError("  r:\n    mode: safe\n    batch: 0\n", "9: retention rule r: batch must be a number from 1 to 100000")
        await expectError("  r:\n    mode: safe\n    schema: \"bad schema\"\n", "9: retention rule r: schema: ")
        await expectError(
            "  a:\n    mode: safe\n  b:\n    mode: safe+age\n    max_age: 1d\n", "10: retention rule b covers the same outboxes as rule a")
    }
}
