import Foundation
import Testing

@testable import StoreMetrics
@testable import StoreTopUI

/// A role that may not prune, cancel or terminate is told why on `P`, `C` and `K` (on the list and in the backend
/// detail) before any dialog opens, and help and the footer leave those keys out, as read-only mode does. A role
/// without `pg_signal_backend` may still signal its own backends.
@Suite struct PrivilegeKeysTests {
    static let pruneWhy = "role monitor lacks DELETE on storeaccess.outbox"
    static let signalWhy = "role monitor may only cancel its own sessions; others need pg_signal_backend"
    static let consumersWhy = "role monitor lacks UPDATE on storeaccess.cursors"

    static func monitor(own: Set<Int32> = []) -> HandlerContext {
        var ctx = HandlerContext()
        (ctx.pruneRefusal, ctx.signalRefusal, ctx.consumerOpsRefusal, ctx.ownBackends) = (pruneWhy, signalWhy, consumersWhy, own)
        return ctx
    }

    func keys(_ keys: [Key], _ s0: UIState, _ ctx: HandlerContext) -> (UIState, [Effect]) { press(keys, s0, ctx) }

    @Test func pruneSaysWhyInsteadOfOpeningTheDialog() {
        var ctx = Self.monitor()
        ctx.rows = [.outbox(tenant: "acme", kind: "mail"), .foreignOutbox(store: "zestor:app", tenant: "7", kind: "jobs")]
        let (refused, e) = keys([.char("P")], UIState(view: .outboxes), ctx)
        #expect(refused.dialog == .none && e.isEmpty)
        #expect(refused.status == "pruning is off: \(Self.pruneWhy)")
        // a zestor outbox's prune is checked on its own tables when it runs, not by storetop's schema grants
        #expect(keys([.down, .char("P")], UIState(view: .outboxes), ctx).0.dialog != .none)
        ctx.pruneRefusal = nil
        let (allowed, _) = keys([.char("P")], UIState(view: .outboxes), ctx)
        #expect(allowed.dialog == .pruneMode(PruneTarget(tenant: "acme", kind: "mail"), choice: 0))
    }

    @Test func cancelAndTerminateSayWhyOnAnotherRolesBackend() {
        var ctx = Self.monitor()
        ctx.rows = [.backend(8), .backend(7)]
        for key in [Key.char("C"), .char("K")] {
            let (s, e) = keys([key], UIState(view: .sessions), ctx)
            #expect(s.dialog == .none && e.isEmpty)
            #expect(s.status == "cancel and terminate are off: \(Self.signalWhy)")
        }
        // with one of its own backends on screen, that one is offered and another role's is refused by pid
        ctx.ownBackends = [7]
        #expect(keys([.char("K")], UIState(view: .sessions), ctx).0.status == "backend 8 runs as another role: \(Self.signalWhy)")
        #expect(keys([.down, .char("C")], UIState(view: .sessions), ctx).0.dialog == .signalConfirm(pid: 7, terminate: false, yes: false))
    }

    @Test func theBackendDetailSaysWhyAndStaysOpen() {
        let ctx = Self.monitor(own: [7])
        var s = UIState(view: .sessions)
        s.dialog = .backendDetail(pid: 8, scroll: 0)
        let (refused, e) = keys([.char("C")], s, ctx)
        #expect(refused.dialog == .backendDetail(pid: 8, scroll: 0) && e.isEmpty)
        #expect(refused.status == "backend 8 runs as another role: \(Self.signalWhy)")
        s.dialog = .backendDetail(pid: 7, scroll: 0)
        #expect(keys([.char("K")], s, ctx).0.dialog == .signalConfirm(pid: 7, terminate: true, yes: false))
        s.readOnly = true
        #expect(keys([.char("K")], s, ctx).0.status == "read-only mode: cancel and terminate are off")
    }

    static func model(role: String, backends: [(Int32, String)], apps: [Int32: String] = [:]) -> Model {
        var m = Model()
        m.permissions = Actions.Permissions(prune: pruneWhy, signal: signalWhy, consumers: consumersWhy, role: role)
        var snap = Snapshot(takenAt: Date(timeIntervalSince1970: 0))
        snap.sessions = Snapshot.Sessions(
            groups: [],
            backends: backends.map {
                Snapshot.Backend(
                    pid: $0.0, applicationName: apps[$0.0] ?? "", user: $0.1, state: "idle", waitEventType: nil, waitEvent: nil, queryStart: nil,
                    transactionStart: nil, stateChange: nil, xminAge: nil, blockedBy: [], query: "")
            }, xminHolder: nil, deliveryBlockers: [])
        m.snapshot = snap
        return m
    }

    func footer(_ m: Model, _ view: View) -> String {
        Screen.render(m, UIState(view: view), width: 200, height: 40, now: Date()).canvas.text.split(separator: "\n").last.map(String.init) ?? ""
    }

    @Test func helpAndTheFooterLeaveTheKeysOutAndHelpSaysWhy() {
        // storetop's own session (its actions pool, as this role) is not one the role is offered to cancel
        let actions = Actions.zestorPruneApplicationName.rendered
        let m = Self.model(role: "monitor", backends: [(8, "app"), (9, "monitor")], apps: [9: actions])
        #expect(!footer(m, .outboxes).contains("P prune"))
        #expect(!footer(m, .consumers).contains("R rewind"))
        #expect(!footer(m, .sessions).contains("C cancel") && !footer(m, .sessions).contains("K terminate"))
        #expect(footer(Model(), .sessions).contains("C cancel query K terminate"))
        var s = UIState()
        s.dialog = .help
        let help = Screen.render(m, s, width: 200, height: 60, now: Date()).canvas.text
        #expect(!help.contains("prune (Outboxes)") && !help.contains("cancel query (Sessions)"))
        // the reasons, wrapped to the help column, each line on screen
        let why = Screen.refusedLines(s, Screen.render(m, s, width: 200, height: 60, now: Date()).context)
        #expect(why.filter { !$0.isEmpty }.allSatisfy { help.contains($0) } && why.count >= 4, "\(help)")
        let said = why.joined(separator: " ")
        #expect(said.contains("prune is off: \(Self.pruneWhy)"))
        #expect(said.contains("consumer operations are off: \(Self.consumersWhy)"))
        #expect(said.contains("cancel and terminate are off: \(Self.signalWhy)"))
        // one of its own backends on screen: C and K come back, and help says they act on its own sessions only
        let own = Self.model(role: "monitor", backends: [(8, "app"), (7, "monitor")])
        #expect(footer(own, .sessions).contains("C cancel query K terminate"))
        #expect(Screen.render(own, s, width: 200, height: 60, now: Date()).canvas.text.contains("cancel and terminate only on this role's sessions"))
    }

    @Test func theBackendDetailOffersCAndKOnlyWhereTheRoleMay() {
        let m = Self.model(role: "monitor", backends: [(8, "app"), (7, "monitor")])
        var s = UIState(view: .sessions)
        s.dialog = .backendDetail(pid: 8, scroll: 0)
        let other = Screen.render(m, s, width: 160, height: 50, now: Date()).canvas.text
        #expect(other.contains("x EXPLAIN  r read again  Esc closes"))
        s.dialog = .backendDetail(pid: 7, scroll: 0)
        #expect(Screen.render(m, s, width: 160, height: 50, now: Date()).canvas.text.contains("C cancel  K terminate"))
    }
}

/// A role without `pg_monitor` sees only its own sessions: the header says so at every width, as the status line
/// and the text report do.
@Suite struct OwnSessionsOnlyTests {
    static func model(seesAll: Bool) -> Model {
        var m = Model()
        var snap = Snapshot(takenAt: Date(timeIntervalSince1970: 0))
        var ss = Snapshot.Sessions(groups: [], backends: [], xminHolder: nil, deliveryBlockers: [])
        ss.seesAll = seesAll
        snap.sessions = ss
        m.snapshot = snap
        m.connection = .connected
        return m
    }

    @Test func theHeaderSaysSoAtEveryWidth() {
        for width in [64, 100, 160, 220] {
            let header =
                Screen.render(Self.model(seesAll: false), UIState(), width: width, height: 30, now: Date()).canvas.text
                .split(separator: "\n").first.map(String.init) ?? ""
            #expect(header.contains("own only") || header.contains("own sessions only"), "\(width): \(header)")
            let all = Screen.render(Self.model(seesAll: true), UIState(), width: width, height: 30, now: Date()).canvas.text
            #expect(!all.contains("own only") && !all.contains("own sessions only"), "\(width)")
        }
        let wide = Screen.render(Self.model(seesAll: false), UIState(), width: 220, height: 30, now: Date()).canvas.text
        #expect(wide.split(separator: "\n").first?.contains("own sessions only: no pg_monitor") == true, "\(wide)")
    }

    @Test func theTextReportSaysSo() {
        let note = "only this role's sessions are visible (grant pg_monitor to see every session)"
        #expect(TextReport.render(Self.model(seesAll: false).snapshot!, derived: nil).contains(note))
        #expect(!TextReport.render(Self.model(seesAll: true).snapshot!, derived: nil).contains(note))
    }
}
