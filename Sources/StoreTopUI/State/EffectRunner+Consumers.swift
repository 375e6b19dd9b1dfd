import Foundation
import StoreMetrics

/// Consumer operations off the UI thread: the preview opens the confirm dialog, the execution reports in a message
/// (with its audit row) and refreshes, so the consumer's new position shows at once.
extension EffectRunner {
    func proposeOp(_ target: OpTarget, _ op: ConsumerOp) {
        guard let actions else { return }
        spawn { [self] in
            do {
                let p = try actions.proposeConsumerOp(target, op)
                post { s, _ in if case .proposing = s.dialog { s.dialog = .opConfirm(p, yes: false, force: false) } }
            } catch {
                postDialog(.message(title: "Cannot preview \(target.label)", text: Collector.shortError(error)))
            }
        }
    }

    func executeOp(_ p: OpProposal, force: Bool) {
        guard let actions else { return }
        spawn { [self] in
            do {
                let text = try actions.executeConsumerOp(p, force: force)
                postDialog(.message(title: "Done", text: text))
            } catch {
                postDialog(.message(title: "Refused: nothing changed", text: Collector.shortError(error)))
            }
            refresh.refreshNow()
        }
    }
}
