import Foundation
import StoreMetrics

/// The fleet view without a terminal (stdout is not one): frames for scripts and tests.
public enum FleetApp {
    /// Draws the fleet view `options.iterations` times (default 1), each once every target has given a result
    /// (a snapshot or an error) since the last frame. A target that cannot be read is a row with its error, not a
    /// failure; returns false only when no target could be read at all on the first frame.
    public static func runPlain(
        _ fleet: Fleet, options: App.Options, width: Int, height: Int, shouldStop: () -> Bool = { false },
        write: (String) -> Void = { print($0) }
    ) -> Bool {
        var models = fleet.members.map { m -> Model in
            var model = Model()
            model.server = m.target.name
            return model
        }
        let ascii = !localeIsUTF8()
        let limit = options.iterations ?? 1
        for frame in 0..<limit where !shouldStop() {
            var fresh = Set<Int>()
            while fresh.count < models.count && !shouldStop() {
                for (i, m) in fleet.members.enumerated() {
                    m.loop.waitForEvents(seconds: 0.05)
                    for e in m.loop.poll() {
                        models[i].apply(e)
                        fresh.insert(i)
                    }
                }
            }
            let rows = zip(fleet.members, models).map { m, model in
                FleetView.Row(name: m.target.name, group: m.target.group ?? "", model: model, now: Date(), interval: options.interval)
            }
            if frame == 0 && !rows.contains(where: { $0.snap != nil }) { return false }
            let text = FleetScreen.render(rows, FleetState(), width: width, height: height, now: Date()).canvas.text
            write(ascii ? text.asciiFallback : text)
            if frame + 1 < limit { write(String(repeating: ascii ? "-" : "─", count: width)) }
        }
        return true
    }
}
