import Foundation
import StoreTestSupport
import Testing

/// The files in contrib/ a team copies into its Prometheus and Grafana (docs/prometheus.md) name only metrics the
/// exporter documents (docs/metrics.md, which `DocsMatchOutputTests` checks against the exposition), so a renamed
/// metric cannot leave an alert or a panel silently empty. promtool checks the rules' syntax and behaviour
/// (scripts/test); these tests check what promtool cannot know.
@Suite struct PrometheusContribTests {
    static func file(_ path: String) throws -> String { try String(contentsOfFile: TestServer.repoRoot + "/" + path, encoding: .utf8) }

    /// Every `storetop_…` name in docs/metrics.md's table.
    static func documented() throws -> Set<String> {
        let rows = try file("docs/metrics.md").split(separator: "\n").filter { $0.hasPrefix("| `storetop_") }
        return Set(rows.flatMap { names(in: String($0.split(separator: "|")[0])) })
    }

    /// The `storetop_…` identifiers an expression names.
    static func names(in text: String) -> [String] {
        text.matches(of: /storetop_[a-z0-9_]+/).map { String($0.output) }
    }

    /// The PromQL of the dashboard: every panel target's `expr` and every variable's query.
    static func dashboardQueries() throws -> (doc: [String: Any], exprs: [String]) {
        let doc = try #require(try JSONSerialization.jsonObject(with: Data(file("contrib/grafana/storetop.json").utf8)) as? [String: Any])
        let panels = doc["panels"] as? [[String: Any]] ?? []
        let exprs = panels.flatMap { ($0["targets"] as? [[String: Any]] ?? []).compactMap { $0["expr"] as? String } }
        let vars = (doc["templating"] as? [String: Any])?["list"] as? [[String: Any]] ?? []
        return (doc, exprs + vars.compactMap { $0["definition"] as? String })
    }

    @Test func theDashboardQueriesOnlyDocumentedMetricsThroughItsVariables() throws {
        let known = try Self.documented()
        #expect(known.count > 60, "docs/metrics.md's table was read")
        let (doc, exprs) = try Self.dashboardQueries()
        #expect(exprs.count >= 20)
        for e in exprs {
            let used = Self.names(in: e)
            // `up` is Prometheus's own series for the scrape; every other series is storetop's
            #expect(!used.isEmpty || e.hasPrefix("up{"), "\(e) names no storetop metric")
            for n in used { #expect(known.contains(n), "\(e): \(n) is not in docs/metrics.md") }
            // (the target variable's own query lists the targets: it is the one query not filtered by them)
            if !e.hasPrefix("up{") && !e.hasSuffix(", target)") { #expect(e.contains("target=~\"$target\""), "\(e) ignores the target variable") }
        }
        let vars = (doc["templating"] as? [String: Any])?["list"] as? [[String: Any]] ?? []
        let byName = Dictionary(vars.map { ($0["name"] as? String ?? "", $0) }) { a, _ in a }
        #expect(byName["datasource"]?["type"] as? String == "datasource" && byName["datasource"]?["query"] as? String == "prometheus")
        for v in ["target", "tenant"] {
            #expect((byName[v]?["definition"] as? String)?.hasPrefix("label_values(") == true, "\(v) comes from label_values")
            #expect(byName[v]?["allValue"] as? String == ".*", "All matches series without the label too")
        }
        for p in doc["panels"] as? [[String: Any]] ?? [] where p["type"] as? String != "row" {
            #expect((p["datasource"] as? [String: Any])?["uid"] as? String == "${datasource}", "\(p["title"] ?? "?") uses the variable")
        }
    }

    /// The alert rules name documented metrics, never aggregate the `target` label away (one alert per server), and
    /// each alert has a promtool unit test.
    @Test func theAlertRulesUseDocumentedMetricsKeepTargetAndAreEachTested() throws {
        let known = try Self.documented()
        let rules = try Self.file("contrib/prometheus/alerts.yml")
        let tests = try Self.file("contrib/prometheus/alerts.test.yml")
        let exprs = Self.exprs(rules)
        #expect(exprs.count >= 15)
        for e in exprs {
            for n in Self.names(in: e) { #expect(known.contains(n), "\(e): \(n) is not in docs/metrics.md") }
            for m in e.matches(of: /\b(by|without|ignoring|on)\s*\(([^)]*)\)/) {
                let labels = m.output.2.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
                let keeps = (m.output.1 == "by" || m.output.1 == "on") == labels.contains("target")
                #expect(keeps, "\(e): \(m.output.0) loses the target label")
            }
        }
        let alerts = rules.matches(of: /- alert: (\w+)/).map { String($0.output.1) }
        #expect(alerts.count == exprs.count && Set(alerts).count == alerts.count)
        for a in alerts { #expect(tests.contains("alertname: \(a)\n"), "\(a) has no promtool test") }
        #expect(rules.components(separatedBy: "severity: ").count - 1 == alerts.count, "every alert has a severity")
    }

    /// promtool, wherever the PATH has it (Debian's prometheus package; scripts/install-deps installs it).
    static func promtool() throws -> String {
        let dirs = (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin").split(separator: ":")
        let found = dirs.map { "\($0)/promtool" }.first { FileManager.default.isExecutableFile(atPath: $0) }
        return try #require(found, "needs promtool: Debian's prometheus package (scripts/install-deps installs it)")
    }

    /// The example scrape configuration a team copies is one Prometheus accepts, with the rule file it loads (the
    /// rule count is alerts.yml's), and each rule behaves as its unit test says. A copy with a timeout longer than
    /// the interval is refused, so the check is one that can fail.
    @Test func promtoolAcceptsTheScrapeConfigAndItsRules() throws {
        let promtool = try Self.promtool()
        let dir = NSTemporaryDirectory() + "storetop-contrib-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        for f in ["prometheus.yml", "alerts.yml", "alerts.test.yml"] {
            try Self.file("contrib/prometheus/" + f).write(toFile: dir + "/" + f, atomically: true, encoding: .utf8)
        }
        let alerts = try Self.file("contrib/prometheus/alerts.yml").matches(of: /- alert: (\w+)/).count
        let config = try runProcess(promtool, ["check", "config", dir + "/prometheus.yml"])
        #expect(config.status == 0, "\(config.out)\(config.err)")
        #expect(config.out.contains("is valid prometheus config file syntax"), "\(config.out)")
        #expect(config.out.contains("SUCCESS: \(alerts) rules found"), "the config loads alerts.yml: \(config.out)")
        let rules = try runProcess(promtool, ["test", "rules", dir + "/alerts.test.yml"])
        #expect(rules.status == 0 && rules.out.contains("SUCCESS"), "\(rules.out)\(rules.err)")
        let broken = try Self.file("contrib/prometheus/prometheus.yml").replacingOccurrences(of: "scrape_timeout: 10s", with: "scrape_timeout: 20s")
        try broken.write(toFile: dir + "/prometheus.yml", atomically: true, encoding: .utf8)
        let refused = try runProcess(promtool, ["check", "config", dir + "/prometheus.yml"])
        #expect(refused.status != 0 && (refused.out + refused.err).contains("scrape timeout greater than scrape interval"), "\(refused)")
    }

    /// The `expr:` of each rule (one line, or the indented block after `expr: |`).
    static func exprs(_ yaml: String) -> [String] {
        let lines = yaml.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        var out: [String] = []
        for (i, line) in lines.enumerated() {
            guard let r = line.range(of: "expr: ") else { continue }
            let rest = String(line[r.upperBound...])
            guard rest == "|" else {
                out.append(rest)
                continue
            }
            let indent = line.prefix { $0 == " " }.count
            out.append(lines[(i + 1)...].prefix { $0.prefix { $0 == " " }.count > indent }.joined(separator: " "))
        }
        return out
    }
}
