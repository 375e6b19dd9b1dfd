import Foundation
import Testing

@testable import StoreTopUI

/// The consumer operations' keys: `R` opens the move menu on a consumer, the typed argument becomes the request,
/// the preview's confirm defaults to No, a refused preview acts only with force, read-only and the past refuse.
@Suite struct ConsumerOpsReducerTests {
    let target = OpTarget(tenant: "acme", name: "billing")

    func consumers() -> (UIState, HandlerContext) {
        var s = UIState()
        s.view = .consumers
        var ctx = HandlerContext()
        ctx.rows = [.cursor("acme", "billing")]
        return (s, ctx)
    }

    func keys(_ keys: [Key], _ s0: UIState, _ ctx: HandlerContext) -> (UIState, [Effect]) { press(keys, s0, ctx) }

    @Test func rOpensTheMoveMenuAndTheTypedCountBecomesTheRequest() {
        let (s, ctx) = consumers()
        let (after, effects) = keys([.char("R"), .char("3"), .enter], s, ctx)
        #expect(effects == [.proposeOp(target, .move(.rewindBy(3)))])
        #expect(after.dialog == .proposing(target))
        // without a count the menu stays and says what is missing
        let (empty, none) = keys([.char("R"), .enter], s, ctx)
        #expect(none.isEmpty)
        #expect(empty.status == "type the N first")
        // a choice without argument
        let (_, head) = keys([.char("R"), .down, .down, .down, .down, .enter], s, ctx)
        #expect(head == [.proposeOp(target, .move(.skipToHead))])
    }

    @Test func theConfirmDefaultsToNoAndARefusalNeedsForce() {
        let (s0, ctx) = consumers()
        var s = s0
        let plain = OpProposal(target: target, op: .pauseOrResume, title: "Pause?", lines: [], yesLabel: "Yes, pause")
        s.dialog = .opConfirm(plain, yes: false, force: false)
        #expect(keys([.enter], s, ctx).1.isEmpty)
        #expect(keys([.char("y"), .enter], s, ctx).1 == [.executeOp(plain, force: false)])
        let refused = OpProposal(
            target: target, op: .move(.rewindBy(2)), title: "Rewind?", lines: [], yesLabel: "Yes", refusal: "running", canForce: true)
        s.dialog = .opConfirm(refused, yes: false, force: false)
        let (no, nothing) = keys([.char("y"), .enter], s, ctx)
        #expect(nothing.isEmpty)
        #expect(no.status == "nothing done")
        #expect(keys([.char("f"), .char("y"), .enter], s, ctx).1 == [.executeOp(refused, force: true)])
    }

    @Test func readOnlyAndThePastRefuse() {
        var (s, ctx) = consumers()
        s.readOnly = true
        let (ro, e1) = keys([.char("R")], s, ctx)
        #expect(e1.isEmpty && ro.dialog == .none)
        #expect(!KeyTable.footer(for: .consumers, readOnly: true).contains { $0.0 == "R" })
        #expect(KeyTable.footer(for: .consumers, readOnly: false).contains { $0.0 == "R" })
        s.readOnly = false
        s.rewind = Rewind(at: Date(timeIntervalSince1970: 0))
        let (past, e2) = keys([.char("Z")], s, ctx)
        #expect(e2.isEmpty && past.dialog == .none)
        #expect(past.status?.contains("present") == true)
    }

    @Test func aRoleWithoutThePrivilegesIsToldWhyBeforeAnything() {
        let (s, base) = consumers()
        var ctx = base
        ctx.consumerOpsRefusal = "role monitor lacks UPDATE on storeaccess.cursors"
        let (after, effects) = keys([.char("R")], s, ctx)
        #expect(effects.isEmpty && after.dialog == .none)
        #expect(after.status == "consumer operations are off: role monitor lacks UPDATE on storeaccess.cursors")
    }

    @Test func aFactstrOrEventcoreCursorIsMovedButNotPaused() {
        var s = UIState()
        s.view = .consumers
        var ctx = HandlerContext()
        ctx.rows = [.foreignConsumer(store: "factstr:public", name: "invoices")]
        let target = OpTarget(tenant: "", name: "invoices", store: "factstr:public")
        #expect(keys([.char("R"), .char("2"), .enter], s, ctx).1 == [.proposeOp(target, .move(.rewindBy(2)))])
        #expect(keys([.char("Z")], s, ctx).0.status == "factstr:public's consumers cannot be paused from here")
        ctx.rows = [.foreignConsumer(store: "zestor:app", name: "w")]
        #expect(keys([.char("R")], s, ctx).0.status == "zestor:app's consumers keep no cursor storetop can move")
    }

    @Test func parkedKeysActOnTheSelectedEvent() {
        var s = UIState()
        s.view = .parked
        var ctx = HandlerContext()
        ctx.rows = [.parked(tenant: "acme", consumer: "billing", position: 42)]
        #expect(keys([.char("R")], s, ctx).1 == [.proposeOp(target, .replayParked([42]))])
        #expect(keys([.char("A")], s, ctx).1 == [.proposeOp(target, .replayParked(nil))])
        #expect(keys([.char("D")], s, ctx).1 == [.proposeOp(target, .discardParked([42]))])
    }
}
