import Foundation
import StoreMetrics

/// The fleet dashboard (more than one target): the fleet view first, one row per target; Enter opens that
/// target's dashboard (its own `AppLoop` state, the target in the header's breadcrumb), Esc returns. Every
/// target refreshes on its own thread (`Fleet`); this loop only polls their results, so a dead server never
/// holds the screen or the other targets. Generic over the source and clock like `AppLoop`, so tests drive it
/// with scripted sources and a manual clock.
public final class FleetLoop<T: Terminal, S: SnapshotSource, C: WallClock> {
    /// One target as the loop sees it.
    public struct Member {
        /// The target's name and config group ("" for none).
        public var name: String, group: String
        /// The header's breadcrumb when its dashboard is open.
        public var label: String
        /// Its store schema.
        public var schema: String
        /// Its refresh loop.
        public var refresh: RefreshLoop<S, C>

        /// A member named `name`.
        public init(name: String, group: String, label: String, schema: String, refresh: RefreshLoop<S, C>) {
            (self.name, self.group, self.label, self.schema, self.refresh) = (name, group, label, schema, refresh)
        }
    }

    let terminal: T
    let options: App.Options
    let shouldStop: () -> Bool
    let clock: C
    /// Each target's dashboard state, refreshed in the background whether it is open or not.
    var members: [AppLoop<T, S, C>]
    let names: [(name: String, group: String)]
    var state = FleetState()

    /// A loop over `members` (their refresh loops started by the caller, or left stopped to refresh inline)
    /// drawing on `terminal`; `clock` dates the frames.
    public init(
        terminal: T, members list: [Member], clock: C, options: App.Options,
        spawn: (@Sendable (@escaping @Sendable () -> Void) -> Void)? = nil,
        shouldStop: @escaping () -> Bool = { false }
    ) {
        (self.terminal, self.options, self.shouldStop, self.clock) = (terminal, options, shouldStop, clock)
        names = list.map { ($0.name, $0.group) }
        members = list.map { m in
            var o = options
            o.serverLabel = m.label
            o.schema = m.schema
            o.readOnly = true  // the fleet view offers no actions yet: open one target alone to prune or cancel
            let effects = spawn.map { EffectRunner(refresh: m.refresh, actions: nil, spawn: $0) } ?? EffectRunner(refresh: m.refresh, actions: nil)
            return AppLoop(terminal: terminal, refresh: m.refresh, effects: effects, options: o)
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
            let now = clock.now()
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
                let frame = Screen.render(m.model, m.state, width: w, height: h, now: now, cache: &m.cache)
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
    static func atRest(_ m: AppLoop<T, S, C>, key: Key) -> Bool {
        let (next, effects) = Reducer.handle(m.state, key, m.context)
        return next == m.state && effects.isEmpty
    }
}

extension FleetLoop where S == Collector, C == SystemClock {
    /// A loop over `fleet` (started by the caller) drawing on `terminal`; each target's breadcrumb is its name and
    /// where it connects (`Target.name(forDSN:)`, never its password).
    public convenience init(terminal: T, fleet: Fleet, options: App.Options, shouldStop: @escaping () -> Bool = { false }) {
        let members = fleet.members.map { m in
            Member(
                name: m.target.name, group: m.target.group ?? "", label: "\(m.target.name) › " + Target.name(forDSN: m.target.dsn),
                schema: m.target.schema, refresh: m.loop)
        }
        self.init(terminal: terminal, members: members, clock: SystemClock(), options: options, shouldStop: shouldStop)
    }
}
