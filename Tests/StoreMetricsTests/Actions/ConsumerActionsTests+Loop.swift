import Foundation
import StoreAccess
import StoreTestSupport
import Testing

@testable import StoreMetrics

extension ConsumerActionsTests {
    struct Poisoned: Error, CustomStringConvertible {
        var description: String { "cannot bill a negative amount" }
    }

    /// A real durable subscription stuck on a poison event (policy stop) is STALLED with its error on the first
    /// snapshot of a fresh collector; opened again with policy park, it parks the event and catches up, and the
    /// parked count is what SQL counts.
    @Test func aPoisonEventStallsTheConsumerThenParkingLetsItCatchUp() throws {
        let f = try Fixture()
        defer { f.close() }
        let events = try f.store.events(tenant: "acme")
        try events.append(to: "bill-1", [EventData(type: "Poison")] + (1...3).map { _ in EventData(type: "Billed") })
        let head = Int64(try f.one("SELECT max(position) FROM \(f.q).events WHERE tenant = 'acme'")!)!
        let poison = try #require(try f.one("SELECT position FROM \(f.q).events WHERE type = 'Poison'"))
        var o = Subscription.Options()
        (o.failure, o.retryDelay) = (.stop(afterAttempts: 2), .milliseconds(10))
        let handler: @Sendable ([RecordedEvent]) throws -> Void = { batch in if batch.contains(where: { $0.type == "Poison" }) { throw Poisoned() } }
        let stuck = try events.subscribeDurable(name: "billing", options: o, handler: handler)
        _ = stuck.wait(timeout: .seconds(60))
        stuck.stop()
        let failing = "SELECT failing_position, failing_attempts, failing_since, failing_error FROM \(f.q).cursors WHERE name = 'billing'"
        let row = try #require(try f.sql(failing).first)
        #expect(row[0] == poison && row[1] == "2", "\(row.values)")
        let collector = try Collector(dsn: f.server.directDSN, schema: f.schema)
        defer { collector.close() }
        var history = History()
        let first = try collector.snapshot()
        let health = try #require(history.add(first).cursors[.init(tenant: "acme", name: "billing")])
        let since = LagRules.time(try Date(postgresText: row[2]!))
        #expect(health.status == .stalled)
        #expect(health.reason.hasPrefix("handler fails at position \(poison) (2 attempts since \(since)): \(row[3]!)"), "\(health.reason)")

        o.failure = .park(afterAttempts: 2)
        let parking = try events.subscribeDurable(name: "billing", options: o, handler: handler)
        defer { parking.stop() }
        #expect(parking.waitForPosition(head, timeout: .seconds(60)))
        let later = try collector.snapshot()
        let c = try #require(later.cursors.first { $0.name == "billing" })
        let parked = try f.one("SELECT count(*) FROM \(f.q).parked WHERE consumer = 'billing' AND position = \(poison)")
        #expect(parked == "1" && c.parked == 1 && c.failingError == nil && c.onFailure == "park" && c.maxAttempts == 2, "\(c)")
        #expect(history.add(later).cursors[.init(tenant: "acme", name: "billing")]?.status == .ok)
    }
}
