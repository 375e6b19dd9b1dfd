import Foundation
import StoreMetrics

/// The backend detail and its EXPLAIN, read off the UI thread; the dialog shows what the snapshot holds until the
/// read answers, and keeps showing it (saying why) when there is no live server (a replay) or the read fails.
extension EffectRunner {
    func inspect(_ pid: Int32) {
        post { _, m in
            if m.inspection?.pid != pid { m.inspection = Inspection(pid: pid) } else { m.inspection?.loading = true }
        }
        guard let actions else {
            post { _, m in finish(&m, pid) { $0.error = "no live read here (a replay, or a fleet target)" } }
            return
        }
        spawn { [self] in
            do {
                let d = try actions.inspectBackend(pid)
                post { _, m in
                    finish(&m, pid) {
                        $0.detail = d ?? $0.detail
                        $0.error = d == nil ? "backend \(pid) has ended" : nil
                    }
                }
            } catch {
                let text = Collector.shortError(error)
                post { _, m in finish(&m, pid) { $0.error = text } }
            }
        }
    }

    func explain(_ pid: Int32) {
        post { _, m in if m.inspection?.pid == pid { m.inspection?.explaining = true } }
        guard let actions else {
            post { _, m in explained(&m, pid, .refused("EXPLAIN needs a live server")) }
            return
        }
        spawn { [self] in
            let outcome: ExplainOutcome
            do { outcome = try actions.explainBackend(pid) } catch { outcome = .refused(Collector.shortError(error)) }
            post { _, m in explained(&m, pid, outcome) }
        }
    }
}

/// Applies a read's answer when the dialog still shows that backend.
private func finish(_ m: inout Model, _ pid: Int32, _ change: (inout Inspection) -> Void) {
    guard var i = m.inspection, i.pid == pid else { return }
    i.loading = false
    change(&i)
    m.inspection = i
}

private func explained(_ m: inout Model, _ pid: Int32, _ outcome: ExplainOutcome) {
    guard m.inspection?.pid == pid else { return }
    m.inspection?.explaining = false
    m.inspection?.explain = outcome
}
