import Foundation
import StoreAccess
import StoreTestSupport
import Testing

/// docs/security.md's promises about text, checked on the built binary: what other sessions choose (an
/// `application_name` that percent-decodes to terminal controls, query text with raw escapes, a stream id with a
/// right-to-left override) and what the user types reach no output raw.
@Suite struct SecurityPromiseTests {
    /// Characters that act on a terminal or hide text: ESC, BEL, CSI (C1), DEL, RLO, zero-width space.
    static let forbidden: [Unicode.Scalar] = ["\u{1B}", "\u{07}", "\u{9B}", "\u{7F}", "\u{202E}", "\u{200B}"]

    /// JSON is data and keeps names exact (a bidi override stays one); JSON escapes C0 controls.
    static let forbiddenInJSON: [Unicode.Scalar] = ["\u{1B}", "\u{07}"]

    func expectClean(_ text: String, _ label: String, json: Bool = false, sourceLocation: SourceLocation = #_sourceLocation) {
        let found = text.unicodeScalars.filter { (json ? Self.forbiddenInJSON : Self.forbidden).contains($0) }
        #expect(found.isEmpty, "\(label): \(found.map { String($0.value, radix: 16) })", sourceLocation: sourceLocation)
    }

    @Test func hostileNamesReachNoOutputRaw() throws {
        let server = try TestServer.current()
        let schema = TestServer.freshSchemaName("sec")
        let store = try server.store(schema: schema)
        defer { store.close(); server.dropSchema(schema) }
        try store.events(tenant: "acme").append(to: "order\u{202E}lave\u{200B}", [EventData(type: "E")])
        let kv = try store.kv(tenant: "acme", codec: RawCodec())
        try kv.set("orders", "o", [1])
        // another login sets an application_name that the st: parser would decode to OSC 52 and a screen clear,
        // and leaves a query with raw escapes in pg_stat_activity
        let hostile = try Connection(try ConnectionString(server.directDSN))
        defer { hostile.close() }
        try hostile.query(SQL(unsafeRaw: "SET application_name = 'st:%1B%5D52%3Bc%3BZm9v%07%1B%5B2J/x/t'"))
        try hostile.query(SQL(unsafeRaw: "SELECT 1 /* \u{1B}]0;owned\u{07}\u{1B}[2J\u{9B}31m */"))
        let common = [server.directDSN, "--schema", schema]
        for args in [["snapshot", "--sample", "0"], ["snapshot", "--json", "--sample", "0"], ["metrics", "--once"]] {
            let r = try storetop(args + common)
            #expect(r.status == 0, "\(args): \(r.err)")
            #expect(r.out.contains("acme"), "the output is real")
            expectClean(r.out, "\(args) stdout", json: args.contains("--json"))
            expectClean(r.err, "\(args) stderr")
        }
        // the user's own input, echoed in errors
        for args in [
            ["prune", server.directDSN, "--tenant", "t", "--kind", "k", "--older-than", "1\u{1B}[2Jd"],
            ["metrics", "--listen", "\u{1B}]0;x\u{07}:80"],
            ["prune", server.directDSN, "--tenant", "a\u{1B}[2J", "--kind", "k", "--safe"],
            ["snapshot", "--schema", "s\u{1B}[2J"],
            ["snapshot", "host=\u{1B}[2J password='open"],
        ] {
            let r = try storetop(args)
            #expect(r.status == 64, "\(args.suffix(2)): \(r.err)")
            expectClean(r.out + r.err, "\(args.suffix(2))")
        }
    }
    /// Log lines (the STORETOP_LOG file, and stderr of a serving exporter) go through the one function: a database
    /// name with a screen clear and a right-to-left override, echoed by libpq and the server in a connection error,
    /// is logged as visible escapes, and the password is masked.
    @Test func logLinesAreRedactedAndCarryNoControls() throws {
        let server = try TestServer.current()
        let dsn = "host=127.0.0.1 port=\(server.port) user=app password=app-secret-pw dbname=x\u{1B}[2J\u{202E}y connect_timeout=3"
        let log = NSTemporaryDirectory() + "storetop-log-\(UUID().uuidString)"
        defer { try? FileManager.default.removeItem(atPath: log) }
        let r = try storetop([dsn, "--iterations", "1"], env: ["STORETOP_LOG": log], timeout: 30)
        #expect(r.status == 69, "\(r.err)")
        let file = try String(contentsOfFile: log, encoding: .utf8)
        #expect(file.contains("connection failed") && file.contains("x\\x1b[2J\\u{202e}y"), "the line is real: \(file.debugDescription)")
        expectClean(file, "STORETOP_LOG")
        #expect(!file.contains("app-secret-pw"))
        // stderr of `metrics --listen`: a scrape of the missing database is logged as a warning
        let port = UInt16.random(in: 40000...50000)
        let p = try BackgroundProcess(TestServer.builtProduct("storetop"), ["metrics", dsn, "--listen", "127.0.0.1:\(port)"])
        defer { p.kill9() }
        // 60 s: under a load average of 11 (three builds beside the lane) 30 s was once not enough for the first scrape
        let deadline = Date().addingTimeInterval(60)
        while !p.errors.contains("connection failed"), !p.exited, Date() < deadline {
            _ = httpGet(port: port, path: "/metrics")
            usleep(200_000)
        }
        #expect(p.errors.contains("connection failed") && p.errors.contains("does not exist"), "\(p.errors.debugDescription)")
        expectClean(p.errors, "stderr log")
        #expect(!p.errors.contains("app-secret-pw"))
    }
}
