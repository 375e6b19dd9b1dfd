import Foundation
import Testing

@testable import StoreMetrics
@testable import StoreTopUI

/// One fleet member's snapshots: the fixture's, in order (the last again), reshaped for that target; or a refusal.
final class FleetFixtureSource: SnapshotSource, @unchecked Sendable {
    private let lock = NSLock()
    private var next = 0
    private let shape: @Sendable (inout Snapshot) -> Void
    private let failing: Bool

    init(failing: Bool = false, shape: @escaping @Sendable (inout Snapshot) -> Void = { _ in }) { (self.failing, self.shape) = (failing, shape) }

    func snapshot(now: Date) throws -> Snapshot {
        lock.lock()
        defer { lock.unlock() }
        if failing { throw Refused() }
        defer { next += 1 }
        var s = Fixture.snapshot(min(next, 2))
        shape(&s)
        return s
    }

    func close() {}
}

/// A fleet of four for the fleet's screens and keys: a primary with two standbys and slots (eu-primary, group prod),
/// a standby streaming from db-eu-1.internal 1.5 s behind (eu-replica, prod), a smaller primary whose tenants are
/// globex and umbrella (us), and a server that refuses (dead).
enum FleetFixture {
    static let names: [(name: String, group: String, host: String)] = [
        ("eu-primary", "prod", "db-eu-1.internal"), ("eu-replica", "prod", "db-eu-2.internal"), ("us", "", "db-us-1.internal"),
        ("dead", "", "db-old.internal"),
    ]

    /// Each target's snapshots as its collector would give them (the dead one: refusals).
    static func shape(_ i: Int) -> (@Sendable (inout Snapshot) -> Void)? {
        switch i {
        case 0: return { $0.replication = Fixture.primaryReplication() }
        case 1:
            return { s in
                s.server?.isStandby = true
                var r = Snapshot.Replication()
                r.receiver = .init(
                    receiveLSN: "5/A00001C8", replayLSN: "5/A0000100", receiveLagBytes: 200, replayLagSeconds: 1.5,
                    lastReplayAt: s.clock.addingTimeInterval(-1.5), replayPaused: false, conflicts: 0, status: "streaming",
                    senderHost: "db-eu-1.internal")
                s.replication = r
            }
        case 2:
            return { s in
                s.tenants = ["globex", "umbrella"]
                s.server?.connections = 7
                s.server?.version = "PostgreSQL 16.4"
            }
        default: return nil
        }
    }

    /// The fleet's rows once every target has been read three times (the dead one: its error).
    static func rows(now: Date = Fixture.t0.addingTimeInterval(10)) -> [FleetView.Row] {
        names.indices.map { i in
            var m = Model()
            if let shape = shape(i) {
                var h = History(rules: LagRules(window: 3, stallAfter: 10))
                var d: Derived?
                for k in 0...2 {
                    var s = Fixture.snapshot(k)
                    shape(&s)
                    d = h.add(s)
                    m.snapshot = s
                }
                (m.derived, m.connection, m.receivedAt) = (d, .connected, m.snapshot?.takenAt)
            } else {
                m.connection = .reconnecting(error: Refused().description, retryAt: now.addingTimeInterval(2))
            }
            return FleetView.Row(name: names[i].name, group: names[i].group, model: m, now: now, interval: 5)
        }
    }
}

/// The fleet view (issue 19) at the screen sizes of the other goldens, and its keys through the real `FleetLoop` on
/// a `TextTerminal` with a manual clock: `t` finds where a tenant lives, `/` filters, Enter opens a target's
/// dashboard with the target in the breadcrumb and Esc returns, `>`/`S` sort. The transcript is compared whole
/// with Scripts/fleet-keys.txt (re-record with STORETOP_RECORD=1).
@Suite struct FleetKeysTests {
    @Test func fleetScreensAtEverySize() {
        for (w, h) in [(80, 24), (120, 40), (160, 45), (200, 50)] {
            ScreenTests().check(
                "fleet-\(w)x\(h)",
                FleetScreen.render(FleetFixture.rows(), FleetState(), width: w, height: h, now: Fixture.t0.addingTimeInterval(10)).canvas)
        }
    }

    /// The rows a frame's table shows, by target name, in order.
    static func targets(_ frame: String) -> [String] {
        let names = Set(FleetFixture.names.map(\.name))
        return frame.split(separator: "\n").compactMap { line in
            let first = line.split(separator: " ").first.map(String.init) ?? ""
            return names.contains(first) ? first : nil
        }
    }

    static func keys(_ text: String) -> [TextTerminal.Input] { text.map { .key(.char($0), name: String($0)) } }

    @Test func tenantSearchFilterOpenBackAndSort() throws {
        let clock = ManualClock(Fixture.t0)
        let script: [TextTerminal.Input] =
            [.wait(seconds: 0), .wait(seconds: 5)] + Self.keys("tacme") + [.key(.enter, name: "Enter"), .key(.escape, name: "Esc")]
            + Self.keys("/replica") + [.key(.enter, name: "Enter"), .key(.enter, name: "Enter")]
            + [.key(.escape, name: "Esc"), .key(.escape, name: "Esc")] + Self.keys(">>>>>>S") + [.key(.char("q"), name: "q")]
        let terminal = TextTerminal(width: 160, height: 45, script: script, advance: clock.advance)
        let members = FleetFixture.names.indices.map { i in
            let source = FleetFixture.shape(i).map { FleetFixtureSource(shape: $0) } ?? FleetFixtureSource(failing: true)
            let refresh = RefreshLoop(source: source, interval: 5, clock: clock, history: History(rules: LagRules(window: 3, stallAfter: 10)))
            let n = FleetFixture.names[i]
            return FleetLoop<TextTerminal, FleetFixtureSource, ManualClock>.Member(
                name: n.name, group: n.group, label: "\(n.name) › \(n.host):5432/shop", schema: "storeaccess", refresh: refresh)
        }
        var options = App.Options()
        options.interval = 5
        FleetLoop(terminal: terminal, members: members, clock: clock, options: options, spawn: { $0() }).run()
        KeyScriptTests().check("fleet-keys", terminal)

        // the transcript in steps: the frames after each key
        func after(_ step: String, _ nth: Int = 1) -> String {
            var seen = 0
            var frame = ""
            for (i, line) in terminal.transcript.enumerated() where line == "> key \(step)" {
                seen += 1
                if seen == nth { frame = terminal.transcript[(i + 1)...].first { !$0.hasPrefix("> ") } ?? "" }
            }
            return frame
        }
        let first = try #require(terminal.frames.first { $0.contains("4 targets, 3 up") && Self.targets($0).count == 4 })
        #expect(Self.targets(first) == ["dead", "eu-primary", "eu-replica", "us"], "sorted by name at first")
        let replicaRow = try #require(first.split(separator: "\n").first { $0.hasPrefix("eu-replica ") })
        #expect(replicaRow.contains("standby") && replicaRow.contains("db-eu-1.internal"), "the standby names its primary: \(replicaRow)")
        // t acme Enter: the rows holding tenant acme and where it lives; Esc shows the fleet again
        let lives = after("Enter", 1)
        #expect(lives.contains("tenant \"acme\" lives on: eu-primary, eu-replica"), "\(lives)")
        #expect(Self.targets(lives) == ["eu-primary", "eu-replica"])
        #expect(Self.targets(after("Esc", 1)).count == 4)
        // / replica Enter: one row; Enter opens its dashboard, the target in the header
        let filtered = after("Enter", 2)
        #expect(Self.targets(filtered) == ["eu-replica"] && filtered.contains("filter: replica"), "\(filtered)")
        let opened = after("Enter", 3)
        let header = try #require(opened.split(separator: "\n").first)
        #expect(header.contains("eu-replica › db-eu-2.internal:5432/shop") && header.contains("standby"), "\(header)")
        #expect(!opened.contains("FOLLOWS") && !opened.contains("storetop │ fleet │"), "the dashboard, not the fleet")
        // Esc leaves the dashboard (nothing of its own to close) back to the filtered fleet, Esc again clears
        let back = after("Esc", 2)
        #expect(back.contains("storetop │ fleet │") && Self.targets(back) == ["eu-replica"], "\(back)")
        #expect(Self.targets(after("Esc", 3)).count == 4)
        // > six times: SESS (ascending: us has 7 sessions, the fixture's 42 on the others, dead none); S reverses
        let bySessions = after(">", 6)
        #expect(bySessions.contains("SESS▲") && Self.targets(bySessions).first == "dead" && Self.targets(bySessions).last != "us", "\(bySessions)")
        #expect(Self.targets(bySessions).firstIndex(of: "us") == 1)
        let reversed = after("S")
        #expect(reversed.contains("SESS▼") && Self.targets(reversed).last == "dead" && Self.targets(reversed).firstIndex(of: "us") == 2)
    }
}
