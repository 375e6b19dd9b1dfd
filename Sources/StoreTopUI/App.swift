import Foundation
import StoreMetrics

/// The dashboard: its options, and the loop (`AppLoop`).
public enum App {
    /// What the command line sets.
    public struct Options: Sendable {
        /// Seconds between refreshes.
        public var interval: Double = 2
        /// Start narrowed to this tenant.
        public var tenant: String?
        /// The first view.
        public var view: View = .overview
        /// Prune, cancel and terminate are off.
        public var readOnly = false
        /// Use colours (off with `--no-color` or `NO_COLOR`).
        public var color = true
        /// Stop after this many drawn refreshes (scripts and tests).
        public var iterations: Int?
        /// The server label in the header ("db-1:5432").
        public var serverLabel = ""
        /// The schema of storetop's own store (the STORE column's `storeaccess:<schema>`).
        public var schema = ""
        /// The default options.
        public init() {}

        /// The UI state the command line asks for.
        var initialState: UIState {
            var s = UIState()
            (s.view, s.tenant, s.readOnly, s.interval) = (view, tenant, readOnly, interval)
            return s
        }
    }
}

/// The dashboard's main loop, generic over the terminal, the snapshot source and the clock. One tick: read a
/// key (100 ms), apply new refresh results and action updates, hand the key to the reducer through the key
/// table, perform the effects, and draw a frame when anything changed (at least once a second, for ages).
public final class AppLoop<T: Terminal, S: SnapshotSource, C: WallClock> {
    let terminal: T
    let refresh: RefreshLoop<S, C>
    let effects: EffectRunner
    let options: App.Options
    /// Checked every tick: a signal asks the loop to end (the caller restores the terminal).
    let shouldStop: () -> Bool
    var model = Model()
    var state = UIState()
    var context = HandlerContext()

    /// A loop drawing on `terminal` from `refresh`; start the refresh thread yourself, or leave it stopped to
    /// refresh inline (tests).
    public init(terminal: T, refresh: RefreshLoop<S, C>, effects: EffectRunner, options: App.Options, shouldStop: @escaping () -> Bool = { false }) {
        (self.terminal, self.refresh, self.effects, self.options, self.shouldStop) = (terminal, refresh, effects, options, shouldStop)
        model.server = options.serverLabel
        model.schema = options.schema
        state = options.initialState
    }

    /// Runs until q, Ctrl-C, `shouldStop`, or `iterations` drawn refreshes.
    public func run() {
        effects.checkPermissions()
        var lastState = state
        var lastDraw = Date.distantPast
        var lastSnapshotAt: Date?
        var drawnRefreshes = 0
        var dirty = true
        while !shouldStop() {
            let key = terminal.readKey(milliseconds: 100)
            dirty = applyUpdates() || dirty
            if let key, key != .resize, !handle(key) { return }
            let now = refresh.clock.now()
            guard dirty || state != lastState || key == .resize || now.timeIntervalSince(lastDraw) >= 1 else { continue }
            let (w, h) = terminal.size
            let frame = Screen.render(model, state, width: w, height: h, now: now)
            (state, context) = (frame.state, frame.context)
            terminal.draw(frame.canvas)
            (lastDraw, lastState, dirty) = (now, state, false)
            if let at = model.snapshot?.takenAt, at != lastSnapshotAt {
                lastSnapshotAt = at
                drawnRefreshes += 1
                if let n = options.iterations, drawnRefreshes >= n { return }
            }
        }
    }

    /// Applies refresh results and posted action updates; true when there were any.
    func applyUpdates() -> Bool {
        let events = refresh.poll()
        for e in events { model.apply(e) }
        let updates = effects.drain()
        for u in updates { u(&state, &model) }
        return !events.isEmpty || !updates.isEmpty
    }

    /// One key through the key table and the reducer; false when the loop must end.
    func handle(_ key: Key) -> Bool {
        let (next, effs) = Reducer.handle(state, key, context)
        state = next
        for e in effs {
            if e == .quit { return false }
            effects.perform(e)
        }
        return true
    }
}
