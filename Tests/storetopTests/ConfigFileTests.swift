import Foundation
import StoreMetrics
import Testing

@testable import storetop

/// The config file (docs/fleet.md): every bad file is one error naming its file and line; the environment
/// overrides the file; secrets only by reference.
@Suite struct ConfigFileTests {
    func load(_ yaml: String, env: [String: String] = [:]) async throws -> ConfigFile {
        let path = NSTemporaryDirectory() + "storetop-config-\(UUID().uuidString).yaml"
        try yaml.write(toFile: path, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(atPath: path) }
        return try await ConfigFile.load(path, environment: env)
    }

    /// The error `yaml` gives, as the user sees it (without the temporary path).
    func error(_ yaml: String, env: [String: String] = [:]) async -> String {
        do {
            _ = try await load(yaml, env: env)
            return "no error"
        } catch let e as ConfigError {
            return "\(e.line.map(String.init) ?? "-"): \(e.message)"
        } catch {
            return "other error: \(error)"
        }
    }

    /// Expects `yaml` (and `env`) to give `want` (or an error starting with it), showing what it gave.
    func expectError(_ yaml: String, env: [String: String] = [:], _ want: String, prefix: Bool = false) async {
        let got = await error(yaml, env: env)
        #expect(prefix ? got.hasPrefix(want) : got == want, "got: \(got)")
    }

    @Test func aGoodFileGivesTargetsGroupsAndThresholds() async throws {
        let f = try await load(
            """
            defaults:
              schema: app_store
              lag_events: 50
            targets:
              prod-eu:
                dsn: "host=db-eu dbname=app user=monitor"
                password: env:EU_PW
                group: prod
              prod-us:
                dsn: "postgresql://monitor@db-us/app"
                passfile: /etc/storetop/pgpass
                stall_after: 120
                detect: false
              lab:
                dsn: "host=lab dbname=app"
                stores: [zestor, axon]
            groups:
              prod: [prod-us]
            thresholds:
              slow-billing:
                target: "prod-*"
                tenant: "acme*"
                consumer: "billing*"
                lag_events: 5000
              everyone:
                lag_seconds: 600
            """, env: ["EU_PW": "s3cret", "STORETOP_TARGETS_LAB_DSN": "host=lab2 dbname=app"])
        #expect(f.targets.map(\.name) == ["prod-eu", "prod-us", "lab"])
        #expect(f.targets.allSatisfy { $0.schema == "app_store" })
        let eu = f.targets[0], us = f.targets[1], lab = f.targets[2]
        #expect(eu.dsn.contains("password='s3cret'") && eu.rules.lagEvents == 50)
        #expect(us.dsn.contains("passfile='/etc/storetop/pgpass'") && us.rules.stallAfter == 120 && us.foreign == nil)
        #expect(lab.dsn == "host=lab2 dbname=app", "the environment overrides the file")
        #expect(lab.foreign == [.zestor, .axon])
        #expect(f.targets(named: "prod")?.map(\.name) == ["prod-eu", "prod-us"], "a target's group: and groups: join")
        #expect(f.targets(named: "lab")?.map(\.name) == ["lab"] && f.targets(named: "nosuch") == nil)
        // thresholds: the first match wins; they apply to the targets their glob names
        let billing = eu.rules.resolved(store: "storeaccess:app_store", tenant: "acme-eu", consumer: "billing-v2")
        #expect(billing.lagEvents == 5000 && billing.lagSeconds == 30)
        #expect(eu.rules.resolved(store: "x", tenant: "other", consumer: "mailer").lagSeconds == 600)
        #expect(lab.rules.resolved(store: "x", tenant: "acme", consumer: "billing").lagEvents == 50, "lab is not prod-*: the defaults' 50")
    }

    /// A YAML syntax error is printed as every other: `file:line:column: message`.
    @Test func aSyntaxErrorNamesFileLineAndColumn() async throws {
        let path = NSTemporaryDirectory() + "storetop-config-\(UUID().uuidString).yaml"
        try "targets:\n  a:\n    dsn: \"host=x\"\n  b: [1,\n  c: 2\n".write(toFile: path, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(atPath: path) }
        await #expect {
            _ = try await ConfigFile.load(path, environment: [:])
        } throws: { e in
            let text = "\(e)"
            // libyaml notices at the end of the file (line 6) and names where the sequence began (line 4)
            return text == "storetop: \(path):6:1: not valid YAML: did not find expected ',' or ']'; while parsing a flow sequence at line 4"
        }
    }

    @Test func everyBadFileIsOneErrorWithItsLine() async {
        let t = "targets:\n  a:\n    dsn: \"host=x\"\n"
        await expectError(t + "    colour: blue\n", "4: unknown key \"colour\" in target a (known: ", prefix: true)
        // a repeated key is named at its second line, with the first
        await expectError(t + "  a:\n    dsn: \"host=y\"\n", "4: the key \"a\" is given twice (first at line 2)")
        await expectError("targets:\n  a:\n    dsn: \"host=x port='oops\"\n", "3: target a: malformed connection string", prefix: true)
        #expect(await error("targets:\n  a:\n    dsn: \"host=x password=hunter2\"\n").contains("the dsn carries a password"))
        #expect(await !error("targets:\n  a:\n    dsn: \"host=x password=hunter2\"\n").contains("hunter2"))
        await expectError(
            t + "    password: hunter2\n", "4: target a: password is taken by reference only (password: env:VAR, or a passfile), never inline")
        await expectError(t + "    password: env:NOPE\n", "4: target a: environment variable NOPE is not set")
        await expectError(t + "    lag_events: lots\n", "4: target a: lag_events must be a number from 1 to 1000000000000000")
        await expectError(t + "    stores: [factstr, nosuch]\n", "4: target a: stores: \"nosuch\" is not a kind storetop knows", prefix: true)
        await expectError(t + "groups:\n  g: [a, b]\n", "5: group g: no target is named \"b\"")
        await expectError(t + "thresholds:\n  x:\n    tenant: acme\n", "6: threshold x sets none of stall_after, lag_seconds, lag_events")
        await expectError("targets:\n  a:\n    schema: s\n", "3: target a has no dsn")
        await expectError("targets:\n  \"bad name\":\n    dsn: x\n", "3: target name \"bad name\"", prefix: true)
        await expectError("target:\n  a: 1\n", "1: unknown key \"target\" in the file", prefix: true)
        await expectError("targets: [a,\n", "2: not valid YAML: did not find expected node content; while parsing a flow node at line 2")
        await expectError("targets:\n  a:\n\tdsn: x\n", "3: not valid YAML: found character that cannot start any token", prefix: true)
        await expectError(
            t, env: ["STORETOP_TARGETS_A_LAG_EVENTS": "0"], "3: target a: lag_events \"0\" must be a number from 1 to 1000000000000000", prefix: true)
    }

    @Test func theFileIsFoundWhereTheDocsSay() {
        #expect(ConfigFile.locate(explicit: "/x.yaml", environment: [:])?.0 == "/x.yaml")
        #expect(ConfigFile.locate(explicit: nil, environment: ["STORETOP_CONFIG": "/y.yaml"])?.required == true)
        #expect(ConfigFile.locate(explicit: nil, environment: ["XDG_CONFIG_HOME": "/nonexistent-dir"]) == nil)
    }
}
