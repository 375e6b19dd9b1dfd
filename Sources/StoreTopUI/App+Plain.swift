import Foundation
import StoreMetrics

extension App {
    /// Plain-text frames for scripts (stdout is not a terminal): `options.iterations` refreshes (default 1)
    /// from a started `refresh`, then return. Returns false (after `fail` says why) when the source could not
    /// be read at all: scripts must not wait forever.
    public static func runPlain<S, C>(
        _ refresh: RefreshLoop<S, C>, options: Options, width: Int, height: Int, shouldStop: () -> Bool = { false },
        write: (String) -> Void = { print($0) }, fail: (String) -> Void
    ) -> Bool {
        var model = Model()
        model.server = options.serverLabel
        (model.schema, model.outboxPolicy) = (options.schema, options.outboxPolicy)
        let state = options.initialState
        var drawn = 0
        let limit = options.iterations ?? 1
        let ascii = !localeIsUTF8()
        while drawn < limit && !shouldStop() {
            refresh.waitForEvents(seconds: 0.2)
            for e in refresh.poll() where drawn < limit {
                model.apply(e)
                if case .failed(let error, _) = e {
                    if drawn == 0 { fail(error); return false }
                    continue
                }
                drawn += 1
                let text = Screen.render(model, state, width: width, height: height, now: refresh.clock.now()).canvas.text
                write(ascii ? text.asciiFallback : text)
                if drawn < limit { write(String(repeating: ascii ? "-" : "─", count: width)) }
            }
        }
        return true
    }
}
