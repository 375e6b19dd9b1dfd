import Foundation
import StoreAccess
import StoreTestSupport
import Testing

/// Issue 19's Prometheus side end to end: a real Prometheus server (Debian's package) scrapes `storetop metrics`
/// every second, evaluates contrib/prometheus/alerts.yml, and raises the alert the seeded store calls for; one
/// scraped figure is compared with SQL. Without /usr/bin/prometheus the test fails in CI and says why elsewhere.
@Suite struct PrometheusServerTests {
    @Test func aRealPrometheusScrapesTheExporterAndRaisesTheStoppedConsumerAlert() throws {
        guard FileManager.default.isExecutableFile(atPath: PrometheusProcess.binary) else {
            let why = "needs \(PrometheusProcess.binary): Debian's prometheus package (scripts/install-deps installs it)"
            if ProcessInfo.processInfo.environment["CI"] != nil {
                Issue.record(Comment(rawValue: why))
            } else {
                print("PrometheusServerTests skipped: \(why)")
            }
            return
        }
        let server = try TestServer.current()
        let schema = TestServer.freshSchemaName("prom")
        let store = try server.store(schema: schema)
        defer { store.close(); server.dropSchema(schema) }
        let events = try store.events(tenant: "acme")
        for i in 0..<7 { try events.append(to: "order-\(i)", [EventData(type: "Placed")]) }
        // a consumer registered from SQL that never ran and whose heartbeat is an hour old: behind and not running,
        // so storetop calls it stopped and the StoretopConsumerStopped rule matches it from the first scrape
        let s = "\"\(schema)\""
        try server.admin(SQL(unsafeRaw: "SELECT \(s).cursor_open('acme', 'mailer', 'events', '[]', 'prom-test', 'test-host', 4242)"))
        try server.admin(SQL(unsafeRaw: "UPDATE \(s).cursors SET heartbeat_at = now() - interval '1 hour' WHERE tenant = 'acme' AND name = 'mailer'"))

        let exporterPort = try freeLocalPort()
        let exporter = try BackgroundProcess(
            TestServer.builtProduct("storetop"), ["metrics", server.directDSN, "--schema", schema, "--listen", "127.0.0.1:\(exporterPort)"])
        defer { exporter.kill9() }
        let prometheus = try PrometheusProcess(scrapePort: exporterPort, rules: TestServer.repoRoot + "/contrib/prometheus/alerts.yml")
        defer { prometheus.close() }
        func logs() -> String { "prometheus: \(prometheus.process.errors.suffix(1500))\nstoretop: \(exporter.errors.suffix(800))" }

        let alerts = prometheus.waitFor("ALERTS{alertname=\"StoretopConsumerStopped\", consumer=\"mailer\"}")
        let alert = try #require(alerts.first, "no StoretopConsumerStopped alert within 180 s\n\(logs())")
        #expect(["pending", "firing"].contains(alert.labels["alertstate"] ?? ""), "\(alert.labels)")
        #expect(alert.labels["tenant"] == "acme" && alert.labels["store"] == "events" && alert.labels["severity"] == "warning")
        #expect(alert.labels["job"] == "storetop" && alert.labels["instance"] == "127.0.0.1:\(exporterPort)")

        // the scraped lag against the rows SQL counts past the consumer's position
        let scraped = prometheus.waitFor("storetop_consumer_lag_events{tenant=\"acme\", consumer=\"mailer\"}", timeout: 60)
        let lag = try #require(scraped.first?.value, "no storetop_consumer_lag_events for mailer\n\(logs())")
        let sql = try server.admin(
            SQL(
                unsafeRaw: "SELECT count(*) FROM \(s).events e JOIN \(s).cursors c ON c.tenant = e.tenant AND c.name = 'mailer' "
                    + "WHERE e.tenant = 'acme' AND e.position > c.position")
        ).first?[0]
        #expect(sql == "7" && lag == Double(sql ?? "") ?? -1, "Prometheus has \(lag), SQL counts \(sql ?? "nil")")
        #expect(prometheus.waitFor("up{job=\"storetop\"} == 1", timeout: 30).count == 1, "the exporter's scrape succeeds\n\(logs())")
        // the exporter's /probe: a missing name is refused before anything runs, a name no target has is 404
        #expect(httpGet10(port: exporterPort, path: "/probe")?.0 == 400)
        #expect(httpGet10(port: exporterPort, path: "/probe?target=nope")?.0 == 404)
    }
}
