import Foundation
import StoreAccess
import StoreRecording
import StoreTestSupport
import Testing

/// The workload `ReportCommandTests` records, phase by phase, noting the times and pids it observes itself: a
/// delivery held back by an open append, a stalled consumer, a prune and a server restart.
final class ReportScenario {
    let server: PrivateServer
    let path: String
    let schema = TestServer.freshSchemaName("rep")
    let store: Store
    let events: EventStore
    let gate = Gate()
    var subscription: Subscription?
    /// The recording interval, and the `--stall-after` the report is asked with.
    static let interval = 0.5, stallAfter = 2.0

    init(server: PrivateServer, path: String) throws {
        (self.server, self.path) = (server, path)
        var o = Store.Options()
        o.schema = schema
        o.listenDSN = server.dsn
        store = try Store.connect(server.dsn, service: "rep", options: o)
        events = try store.events(tenant: "acme")
        try events.append(to: "warm", [EventData(type: "A")])
        let gate = self.gate
        // the handler blocks on a "Block" event until the gate opens: the consumer keeps its lock and does not move
        subscription = try events.subscribeDurable(name: "billing") { batch in if batch.contains(where: { $0.type == "Block" }) { gate.block() } }
    }

    func close() {
        gate.open()
        subscription?.stop()
        store.close()
    }

    /// The time of the latest snapshot recorded (distant past before the first).
    func latest() -> Date { (try? RecordingReader(path: path).timeRange()?.upperBound) ?? .distantPast }

    /// Waits until a snapshot taken after `t` is recorded.
    func waitRecorded(after t: Date) throws { try wait("a snapshot after \(t)") { latest() > t } }

    /// The first snapshot taken after `t` (nil: none).
    func firstRecorded(after t: Date) throws -> Date? { try RecordingReader(path: path).snapshots(target: 1, after: t, limit: 1).first?.takenAt }

    /// An append left open while a later one commits: the consumer's next event waits behind it. Returns the open
    /// append's `pg_backend_pid()` and when it began and ended.
    func holdDelivery() throws -> (pid: Int32, began: Date, ended: Date) {
        let c = try Connection(
            try ConnectionString(server.dsn), applicationName: ApplicationName(service: "importer", store: "events", tenant: "acme"))
        defer { c.close() }
        let began = Date()
        try c.query("BEGIN")
        try c.query(SQL(unsafeRaw: "SELECT * FROM \(schema).append('acme', 'held', -1, '[{\"type\": \"Held\", \"payload\": {}}]')"))
        let pid = try c.query("SELECT pg_backend_pid()").first!.decode(0, as: Int32.self)
        try events.append(to: "after-held", [EventData(type: "A")])
        try waitRecorded(after: Date().addingTimeInterval(3 * Self.interval))
        try c.query("COMMIT")
        let ended = Date()
        try waitRecorded(after: ended.addingTimeInterval(Self.interval))
        return (pid, began, ended)
    }

    /// The consumer's handler blocks while events keep coming, then is released. Returns when the blocking event
    /// was appended, when the handler was seen stuck, when it was released and caught up, and the backend that held
    /// the consumer lock meanwhile (read with SQL).
    func stall() throws -> (appended: Date, stuck: Date, released: Date, caughtUp: Date, owner: Int32) {
        let appended = Date()
        try events.append(to: "s", [EventData(type: "Block")])
        try wait("the handler blocked") { gate.blockedAt != nil }
        let stuck = gate.blockedAt!
        for _ in 0..<3 { try events.append(to: "s", [EventData(type: "A")]) }
        try waitRecorded(after: stuck.addingTimeInterval(Self.stallAfter + 4 * Self.interval))
        let owner = try admin("SELECT owner_backend_pid::text FROM \(schema).cursors WHERE tenant = 'acme' AND name = 'billing'")
        let locks = try admin("SELECT count(*)::text FROM pg_locks WHERE locktype = 'advisory' AND granted AND pid = \(owner)")
        #expect(Int(locks)! >= 1, "the owner's backend holds the consumer lock")
        let released = Date()
        gate.open()
        let head = try events.streamInfo("s")!.headPosition
        #expect(subscription!.waitForPosition(head, timeout: .seconds(90)))
        let caughtUp = Date()
        try waitRecorded(after: caughtUp.addingTimeInterval(Self.interval))
        return (appended, stuck, released, caughtUp, Int32(owner)!)
    }

    /// Ten outbox rows, then a safe prune (no watcher: all of them). Returns the rows before and deleted.
    func prune() throws -> (rows: Int64, deleted: Int) {
        let kv = try store.kv(tenant: "acme", codec: RawCodec())
        for i in 0..<10 { try kv.set("orders", "o\(i)", [UInt8(i)]) }
        let rows = Int64(try admin("SELECT count(*)::text FROM \(schema).outbox WHERE tenant = 'acme' AND kind = 'orders'"))!
        try waitRecorded(after: Date().addingTimeInterval(Self.interval))
        let pruner = try store.outboxPruner(tenant: "acme", kind: "orders")
        let report = try pruner.execute(try pruner.plan(.safe(retention: nil)))
        try waitRecorded(after: Date().addingTimeInterval(Self.interval))
        return (rows, report.deleted)
    }

    /// Stops the server until the recording has a gap, then starts it again. Returns the start times before and
    /// after (`pg_postmaster_start_time()`), and when the stop began and the start began.
    func restart() throws -> (before: Date, after: Date, stopping: Date, starting: Date) {
        let query = "SELECT extract(epoch FROM pg_postmaster_start_time())::text"
        let before = Date(timeIntervalSince1970: Double(try admin(query))!)
        let stopping = Date()
        try server.stopPG()
        try wait("a gap") { try sqlite3(path, "SELECT count(*) FROM gaps") != "0" }
        let starting = Date()
        try server.startPG()
        let after = Date(timeIntervalSince1970: Double(try admin(query))!)
        try waitRecorded(after: Date().addingTimeInterval(Self.interval))
        return (before, after, stopping, starting)
    }

    /// One value, as text, read as the superuser.
    func admin(_ sql: String) throws -> String {
        let c = try Connection(try ConnectionString(server.adminDSN))
        defer { c.close() }
        return try c.query(SQL(unsafeRaw: sql)).first![0]!
    }
}

/// A gate a handler blocks on until a test opens it; notes when the handler first blocked.
final class Gate: @unchecked Sendable {
    private let lock = NSLock()
    private var isOpen = false, at: Date?
    var blockedAt: Date? { lock.withLock { at } }
    func open() { lock.withLock { isOpen = true } }
    func block() {
        lock.withLock { if at == nil { at = Date() } }
        while !lock.withLock({ isOpen }) { usleep(10_000) }
    }
}
