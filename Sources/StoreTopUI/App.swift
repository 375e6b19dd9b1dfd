import Foundation
import StoreMetrics

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
    /// The past the time keys read (the rolling history, or the recording replayed); nil: no time keys.
    let past: TimeMachine?
    /// The past frame on screen while rewound.
    var pastFrame: TimeMachine.Frame? { didSet { pastRevision = Model.Revision() } }
    /// The revision the past frame's data is shown under (a new one with each frame).
    var pastRevision = Model.Revision()
    /// The rows, order and measures the frames share between keys (rebuilt when what they show changes).
    var cache = RenderCache()
    /// When playing last moved the rewind on (wall clock).
    var lastPlayed: Date?

    /// A loop drawing on `terminal` from `refresh`; start the refresh thread yourself, or leave it stopped to
    /// refresh inline (tests). With `past`, the time keys read it; replaying (`options.replayFrom`), only it.
    public init(
        terminal: T, refresh: RefreshLoop<S, C>, effects: EffectRunner, options: App.Options, past: TimeMachine? = nil,
        shouldStop: @escaping () -> Bool = { false }
    ) {
        (self.terminal, self.refresh, self.effects, self.options, self.shouldStop) = (terminal, refresh, effects, options, shouldStop)
        self.past = past
        model.server = options.serverLabel
        (model.schema, model.outboxPolicy) = (options.schema, options.outboxPolicy)
        state = options.initialState
        state.history = past != nil
    }

    /// Runs until q, Ctrl-C, `shouldStop`, or `iterations` drawn refreshes.
    public func run() {
        effects.checkPermissions()
        var lastState = state
        var lastDraw = Date.distantPast
        var lastSnapshotAt: Date?
        var drawnRefreshes = 0
        var dirty = true
        if let at = state.rewind?.at { startReplay(at: at) }
        while !shouldStop() {
            let key = terminal.readKey(milliseconds: 100)
            dirty = applyUpdates() || dirty
            if let key, key != .resize, !handle(key) { return }
            let now = refresh.clock.now()
            dirty = play(now: now) || dirty
            guard dirty || state != lastState || key == .resize || now.timeIntervalSince(lastDraw) >= 1 else { continue }
            let (w, h) = terminal.size
            let shown = shownModel
            let frame = Screen.render(shown, state, width: w, height: h, now: now, cache: &cache)
            (state, context) = (frame.state, frame.context)
            terminal.draw(frame.canvas)
            (lastDraw, lastState, dirty) = (now, state, false)
            if let at = shown.snapshot?.takenAt, at != lastSnapshotAt {
                lastSnapshotAt = at
                drawnRefreshes += 1
                if let n = options.iterations, drawnRefreshes >= n { return }
            }
        }
    }

    /// Applies refresh results and posted action updates; true when there were any.
    func applyUpdates() -> Bool {
        let events = state.replay ? [] : refresh.poll()
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
            if case .seek(let to) = e { seek(to) } else { effects.perform(e) }
        }
        return true
    }
}
