import Foundation
import StoreAccess
import StoreMetrics
import StoreTopUI

/// The dashboard's consumer operations over StoreAccess's `ConsumerAdmin`: the UI's request becomes a preview
/// (carried as payload), the preview is executed as previewed, and the audit row is named in the answer. The
/// wording is `storetop consumer`'s (`ConsumerText`), so the dialog and the command line read the same.
extension LiveActions {
    func proposeConsumerOp(_ target: OpTarget, _ op: ConsumerOp) throws -> OpProposal {
        if target.store != nil { return try proposeForeign(target, op) }
        let admin = try actions.consumerAdmin()
        let ref = ConsumerRef(tenant: target.tenant, name: target.name)
        switch op {
        case .move(let request):
            let p = try admin.preview(ref, try move(request))
            let verb = p.move.action
            let lines = ConsumerText.preview(p).split(separator: "\n").map(String.init).filter { !$0.hasPrefix("REFUSED") }
            return OpProposal(
                target: target, op: op, title: "\(verb.capitalized) \(target.label)?", lines: lines,
                yesLabel: "Yes, \(verb) (\(p.events) events)", refusal: p.refusal, canForce: p.refusal != nil, payload: p)
        case .pauseOrResume:
            let p = try admin.status(ref)
            let pausing = !p.pause.isPaused
            return OpProposal(
                target: target, op: op, title: "\(pausing ? "Pause" : "Resume") \(target.label)?",
                lines: [
                    pausing
                        ? "It stops before its next batch, keeps its lock and heartbeats \"paused\"."
                        : "It goes on from position \(p.position).",
                    "running: " + ConsumerText.runner(p.running), "pause: " + ConsumerText.pause(p.pause),
                ], yesLabel: pausing ? "Yes, pause" : "Yes, resume", payload: pausing)
        case .replayParked(let positions), .discardParked(let positions):
            let replay: Bool
            if case .replayParked = op { replay = true } else { replay = false }
            let p = try admin.previewParked(ref, positions: positions)
            return OpProposal(
                target: target, op: op, title: "\(replay ? "Replay" : "Discard") parked events of \(target.label)?",
                lines: parkedLines(p, replay: replay), yesLabel: "Yes, \(replay ? "replay" : "discard") \(p.events.count)", payload: p)
        }
    }

    func executeConsumerOp(_ proposal: OpProposal, force: Bool) throws -> String {
        if let p = proposal.payload as? ForeignMovePreview { return try executeForeign(p, force: force) }
        let admin = try actions.consumerAdmin()
        let ref = ConsumerRef(tenant: proposal.target.tenant, name: proposal.target.name)
        let reason = "storetop dashboard"
        let r: ActionRecord
        switch proposal.payload {
        case let p as MovePreview: r = try admin.execute(p, reason: reason, force: force)
        case let pausing as Bool: r = try pausing ? admin.pause(ref, reason: reason) : admin.resume(ref, reason: reason)
        case let p as ParkedPreview:
            if case .replayParked = proposal.op { r = try admin.replay(p, reason: reason) } else { r = try admin.discard(p, reason: reason) }
        default: throw StoreError(.invalidArgument, "the operation was not previewed by this dashboard")
        }
        return ConsumerText.done(r) + " (in actions_audit)"
    }

    /// A factstr or eventcore 2 cursor: moved with the same preview (`storetop consumer --store`'s wording); force is
    /// offered where the library records no owner (factstr), never past a held leader lock (eventcore).
    private func proposeForeign(_ target: OpTarget, _ op: ConsumerOp) throws -> OpProposal {
        guard case .move(let request) = op, let store = target.store else {
            throw StoreError(.invalidArgument, "\(target.store ?? "this store")'s consumers can only be moved from here")
        }
        guard auditSchema != nil else {
            throw StoreError(
                .invalidArgument,
                "a foreign consumer's move keeps its audit in a schema you name: start storetop with --audit-schema NAME (docs/operations.md)")
        }
        let parts = store.split(separator: ":", maxSplits: 1).map(String.init)
        guard parts.count == 2, let kind = Snapshot.ForeignStore.Kind(rawValue: parts[0]) else {
            throw StoreError(.invalidArgument, "not a store label: \(store)")
        }
        let p = try actions.previewForeignMove(ForeignConsumerRef(kind: kind, schema: parts[1], name: target.name), try move(request))
        let lines = ConsumerText.foreign(p).split(separator: "\n").map(String.init).filter { !$0.hasPrefix("REFUSED") }
        let refusal = p.missingPrivileges ?? p.refusal ?? p.forceRequired
        return OpProposal(
            target: target, op: op, title: "\(p.move.action.capitalized) \(target.label)?", lines: lines,
            yesLabel: "Yes, \(p.move.action) (\(p.events) events)", refusal: refusal,
            canForce: p.missingPrivileges == nil && p.refusal == nil && p.forceRequired != nil, payload: p)
    }

    private func executeForeign(_ p: ForeignMovePreview, force: Bool) throws -> String {
        guard let auditSchema else {
            throw StoreError(
                .invalidArgument,
                "a foreign consumer's move keeps its audit in a schema you name: start storetop with --audit-schema NAME (docs/operations.md)")
        }
        let r = try actions.executeForeignMove(p, reason: "storetop dashboard", force: force, auditSchema: auditSchema)
        return "\(p.move.action) \(p.consumer.kind.rawValue):\(ConsumerText.safe(p.consumer.schema)) \(ConsumerText.safe(p.consumer.name)): done, "
            + "position \(p.from) → \(p.to), \(p.events) events; audit id \(r.auditID) in \(ConsumerText.safe(r.auditTable))"
    }

    /// A parked replay's or discard's preview: how many, the first few with their error, when it is delivered.
    private func parkedLines(_ p: ParkedPreview, replay: Bool) -> [String] {
        let c = "\(ConsumerText.safe(p.consumer.tenant))/\(ConsumerText.safe(p.consumer.name))"
        var out = ["\(p.events.count) parked event(s) will be " + (replay ? "delivered again to \(c) only" : "discarded")]
        for e in p.events.prefix(5) {
            out.append(
                "\(e.position) \(ConsumerText.safe(e.type)) in stream \(ConsumerText.safe(e.stream)), \(e.attempts) tries: \(ConsumerText.safe(String(e.error.prefix(60))))"
            )
        }
        if p.events.count > 5 { out.append("… and \(p.events.count - 5) more") }
        out.append(
            replay
                ? (p.running == nil ? "not running: delivered when it starts" : "running: delivered before its next batch")
                : "the audit keeps their positions")
        return out
    }

    /// The StoreAccess move for the dialog's request (a typed time is read like `g`'s, in the local zone).
    private func move(_ r: MoveRequest) throws -> ConsumerMove {
        switch r {
        case .rewindBy(let n): return .rewindBy(events: n)
        case .rewindTo(let p): return .rewindTo(position: p)
        case .skip(let n): return .skip(events: n)
        case .skipToHead: return .skipToHead
        case .resetToStart: return .resetToStart
        case .resetToNow: return .resetToNow
        case .rewindToTime(let text):
            guard let t = TimeInput.parse(text, shown: Date(), zone: .current) else {
                throw StoreError(.invalidArgument, "not a time: \(text) (03:12, 03:12:30, -5m, ISO 8601)")
            }
            return .rewindToTime(t)
        }
    }
}
