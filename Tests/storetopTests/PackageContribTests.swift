import ArgumentParser
import Foundation
import StoreTestSupport
import Testing

@testable import storetop

/// What the Debian package installs from `contrib/` (issue 24; docs/packaging.md): the example config file loads,
/// and every systemd unit runs `/usr/bin/storetop` with a command line storetop accepts, as its own user, hardened.
@Suite struct PackageContribTests {
    let contrib = TestServer.repoRoot + "/contrib"

    @Test func theExampleConfigLoadsWithItsTargetsGroupAndRetentionRule() async throws {
        let f = try await ConfigFile.load(contrib + "/config.example.yaml", environment: [:])
        #expect(f.targets.map(\.name).sorted() == ["primary", "primary-owner", "replica"])
        #expect(f.groups.map(\.0) == ["prod"])
        #expect(f.groups.first?.1 == ["primary", "replica"])
        #expect(f.retention.rules.map(\.target) == ["primary-owner"])
        // the units name the group `prod` and the file /etc/storetop/config.yaml
        let metrics = try unit("storetop-metrics.service")
        #expect(metrics["ExecStart"]?.first?.hasSuffix("--config /etc/storetop/config.yaml prod") == true)
    }

    /// A unit's settings: key → values, in file order (comments and section headers left out).
    func unit(_ name: String) throws -> [String: [String]] {
        let text = try String(contentsOfFile: contrib + "/systemd/" + name, encoding: .utf8)
        var settings: [String: [String]] = [:]
        for line in text.split(separator: "\n") where !line.hasPrefix("#") && !line.hasPrefix("[") {
            guard let eq = line.firstIndex(of: "=") else { continue }
            settings[String(line[..<eq]), default: []].append(String(line[line.index(after: eq)...]))
        }
        return settings
    }

    @Test(arguments: ["storetop-metrics.service", "storetop-record.service", "storetop-prune.service"])
    func aUnitRunsAnAcceptedCommandAsItsOwnHardenedUser(_ name: String) throws {
        let u = try unit(name)
        let exec = try #require(u["ExecStart"]?.first)
        var words = exec.split(separator: " ").map(String.init)
        #expect(words.removeFirst() == "/usr/bin/storetop")
        // the command line parses and validates (options, durations, the listen address) as storetop would
        #expect(throws: Never.self, "\(exec)") { _ = try StoreTop.parseAsRoot(words) }
        #expect(u["User"] == ["storetop"] && u["Group"] == ["storetop"])
        #expect(u["Environment"]?.contains("PGPASSFILE=/etc/storetop/pgpass") == true)
        for (key, value) in [("NoNewPrivileges", "true"), ("ProtectSystem", "strict"), ("PrivateTmp", "true"), ("ProtectHome", "true")] {
            #expect(u[key] == [value], "\(name): \(key)")
        }
        #expect(!exec.contains("password"), "no password on a command line")
    }
}
