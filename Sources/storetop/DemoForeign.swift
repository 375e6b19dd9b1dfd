import Foundation
import StoreAccess
import Synchronization

/// Stores of three other libraries beside the demo's own (issue 18), each created as its library creates it and
/// written by a small workload through the statements that library sends:
/// - factstr (schema `factstr`): appends under its table lock, some multi-event batches; a durable cursor that keeps
///   up and one that is stuck (STALLED once storetop has watched it for a minute);
/// - zestor (schema `zestor`): key-value upserts with their outbox rows, three namespaces and kinds, history spread
///   over hours; a live listener session and one that LISTENs and then stays idle;
/// - eventcore 2 (schema `eventcore`): its sqlx migrations, UUIDv7 events per stream, a projector that holds its
///   leader lock and keeps up, and a notifier with no leader whose checkpoint is old.
/// None of these libraries sets `application_name`: their sessions show without one, as in production.
final class DemoForeign: @unchecked Sendable {
    /// Where each store lives (tests use their own database, the demo the defaults).
    struct Schemas: Sendable {
        var factstr = "factstr"
        var zestor = "zestor"
        var eventcore = "eventcore"
    }

    let dsn: String
    let schemas: Schemas
    private let stopFlag = Mutex<Bool>(false)
    private let group = DispatchGroup()

    /// `dsn`: a role that may create schemas in the database (the demo's `app`, its owner).
    init(dsn: String, schemas: Schemas = Schemas()) {
        self.dsn = dsn
        self.schemas = schemas
    }

    var stopping: Bool { stopFlag.withLock { $0 } }

    /// Creates the three stores, seeds their history and starts their workloads.
    func start() throws {
        let c = try connect(schema: nil)
        defer { c.close() }
        try createFactstr(c)
        try seedFactstr(c)
        try createZestor(c)
        try seedZestor(c)
        try createEventcore(c)
        try seedEventcore(c)
        startFactstr()
        startZestor()
        startEventcore()
    }

    /// Stops every workload and closes its sessions (the leader lock and the listeners go with them).
    func stop() {
        stopFlag.withLock { $0 = true }
        _ = group.wait(timeout: .now() + 25)
    }

    /// A connection of the library's kind: no `application_name`, the store's schema first on the search_path (the
    /// libraries create and use their tables in the connection's current schema).
    func connect(schema: String?) throws -> Connection {
        let c = try Connection(try ConnectionString(dsn), options: .init(statementTimeout: .seconds(30)))
        if let schema { try c.query(SQL("SET search_path TO \(ident: try Identifier(schema))")) }
        return c
    }

    /// Runs `body` on a thread of its own with its own connection every `seconds` until the demo stops; after a
    /// failure the connection is opened again (a restart of the server, say).
    func worker(_ name: String, schema: String, every seconds: Double, _ body: @escaping @Sendable (Connection) throws -> Void) {
        thread(name) { [self] in
            var c: Connection?
            while !stopping {
                do {
                    if c == nil { c = try connect(schema: schema) }
                    try body(c!)
                } catch {
                    c?.close()
                    c = nil
                    pause(1)
                }
                pause(seconds)
            }
            c?.close()
        }
    }

    /// A session opened with `setup` and then left idle until the demo stops (a stuck listener, a leader that holds
    /// its lock).
    func hold(_ name: String, schema: String, _ setup: @escaping @Sendable (Connection) throws -> Void) {
        thread(name) { [self] in
            while !stopping {
                guard let c = try? connect(schema: schema) else {
                    pause(1)
                    continue
                }
                defer { c.close() }
                guard (try? setup(c)) != nil else {
                    pause(1)
                    continue
                }
                while !stopping && c.quickAliveCheck() { pause(0.5) }
            }
        }
    }

    /// Starts `body` on a named thread the demo waits for when it stops.
    func thread(_ name: String, _ body: @escaping @Sendable () -> Void) {
        group.enter()
        let t = Thread { [group] in
            defer { group.leave() }
            body()
        }
        t.name = name
        t.start()
    }

    /// Sleeps about `seconds`, waking early when the demo stops.
    func pause(_ seconds: Double) {
        var left = seconds
        while left > 0 && !stopping {
            usleep(UInt32(min(left, 0.2) * 1_000_000))
            left -= 0.2
        }
    }

    /// The part of the demo's printed guide about these stores.
    var guide: [String] {
        [
            "Other libraries' stores (storetop finds them by their tables; none sets application_name):",
            "  \(schemas.factstr): factstr 0.5, appends under LOCK TABLE; cursor 'projector' keeps up, 'audit-export' is stuck",
            "    (LAGGING at once, STALLED after storetop has watched it for a minute: factstr records no progress time)",
            "  \(schemas.zestor): zestor outboxes for namespaces 1-3, rows hours old; one listener LISTENs and then stays idle",
            "  \(schemas.eventcore): eventcore 2, 'balance-projector' holds its leader lock and keeps up, 'email-notifier' has",
            "    no leader and an old checkpoint (STALLED)",
        ]
    }
}
