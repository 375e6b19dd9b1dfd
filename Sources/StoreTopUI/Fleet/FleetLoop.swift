import Foundation
import StoreMetrics

/// The fleet dashboard (more than one target): the fleet view first, one row per target; Enter opens that
/// target's dashboard (its own `AppLoop` state, the target in the header's breadcrumb), Esc returns. Every
/// target refreshes on its own thread (`Fleet`); this loop only polls their results, so a dead server never
/// holds the screen or the other targets.
public final class FleetLoop<T: Terminal> {
    let terminal: T
    let options: App.Options
    let shouldStop: () -> Bool
    /// Each target's dashboard state, refreshed in the background whether it is open or not.
    var members: [AppLoop<T, Collector, SystemClock>]
    let names: [(name: String, group: String)]
    var state = FleetState()

    /// A loop over `fleet` (started by the caller) drawing on `terminal`.
    public init(terminal: T, fleet: Fleet, options: App.Options, shouldStop: @escaping () -> Bool = { false }) {
        (self.terminal, self.options, self.shouldStop) = (terminal, options, shouldStop)
        names = fleet.members.map { ($0.target.name, $0.target.group ?? "") }
        members = fleet.members.map { m in
            var o = options
            o.serverLabel = "\(m.target.name) › " + Target.name(forDSN: m.target.dsn)
            o.schema = m.target.schema
            o.readOnly = true  // the fleet view offers no actions yet: open one target alone to prune or cancel
            return AppLoop(terminal: terminal, refresh: m.loop, effects: EffectRunner(refresh: m.loop, actions: nil), options: o)
        }
    }

    /// The fleet's rows now.
    func rows(now: Date) -> [FleetView.Row] {
        zip(names, members).map { FleetView.Row(name: $0.name, group: $0.group, model: $1.model, now: now, interval: options.interval) }
    }

    /// Runs until q, Ctrl-C or `shouldStop`.
    public func run() {
        var lastDraw = Date.distantPast
        var context = HandlerContext()
        while !shouldStop() {
            let key = terminal.readKey(milliseconds: 100)
            var dirty = false
            for m in members where m.applyUpdates() { dirty = true }
            let now = Date()
            if let key, key != .resize {
                if let open = state.open {
                    if key == .escape, Self.atRest(members[open], key: key) {
                        state.open = nil
                    } else if !members[open].handle(key) {
                        return
                    }
                } else if !handleFleet(key, context: context, now: now) {
                    return
                }
                dirty = true
            }
            guard dirty || key == .resize || now.timeIntervalSince(lastDraw) >= 1 else { continue }
            let (w, h) = terminal.size
            if let open = state.open {
                let m = members[open]
                let frame = Screen.render(m.model, m.state, width: w, height: h, now: now)
                (m.state, m.context) = (frame.state, frame.context)
                terminal.draw(frame.canvas)
            } else {
                let frame = FleetScreen.render(rows(now: now), state, width: w, height: h, now: now)
                (state, context) = (frame.state, frame.context)
                terminal.draw(frame.canvas)
            }
            lastDraw = now
        }
    }

    /// Esc goes back to the fleet only when the target's dashboard has nothing of its own to close (a dialog, a
    /// filter, an expanded row): the reducer would change nothing.
    static func atRest(_ m: AppLoop<T, Collector, SystemClock>, key: Key) -> Bool {
        let (next, effects) = Reducer.handle(m.state, key, m.context)
        return next == m.state && effects.isEmpty
    }
}
