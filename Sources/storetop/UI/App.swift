import Foundation
import Synchronization
import StoreAccess
import StoreMetrics

/// The dashboard's main loop. Collection runs on its own thread and never blocks the UI; actions run on
/// their own threads too and post their results back. One tick: apply posted updates, read a key (100 ms),
/// hand it to the pure handler, perform the effect, render the frame, and let the backend copy what changed.
final class App: @unchecked Sendable {
    struct Options {
        var interval: Double = 2
        var tenant: String?
        var view: View = .overview
        var readOnly = false
        var color = true
        var iterations: Int?
        var serverLabel = ""
    }

    let collector: Collector
    let actions: Actions?
    let options: Options
    private let lock = NSCondition()
    private var model = Model()
    private var modelVersion = 0
    private var updates: [(inout UIState) -> Void] = []
    private var interval: Double
    private var paused = false
    private var refreshRequested = false
    private var stopping = false
    private let pruneCancel = Mutex<Bool>(false)

    init(collector: Collector, actions: Actions?, options: Options) {
        self.collector = collector
        self.actions = actions
        self.options = options
        self.interval = options.interval
        model.server = options.serverLabel
    }

    // MARK: collection (own thread)

    func startCollecting() {
        let t = Thread { [self] in collectLoop() }
        t.name = "storetop-collector"
        t.start()
    }

    private func collectLoop() {
        var history = History()
        // After a failure the next attempt comes one interval later (not a growing backoff): the dashboard is
        // back within two intervals of the server (one attempt costs a refused connect, or the connect timeout).
        let delay = max(0.5, interval)
        var permissionsChecked = false
        while true {
            lock.lock()
            if stopping { lock.unlock(); return }
            lock.unlock()
            do {
                let snap = try collector.snapshot()
                let d = history.add(snap)
                var perms: Actions.Permissions?
                if !permissionsChecked, let a = actions { perms = try? a.permissions(); permissionsChecked = perms != nil }
                lock.lock()
                model.snapshot = snap
                model.derived = d
                model.connection = .connected
                model.receivedAt = Date()
                if let perms { model.permissions = perms }
                modelVersion += 1
                lock.broadcast()
                lock.unlock()
                waitForNextTick()
            } catch {
                let retry = Date().addingTimeInterval(delay)
                lock.lock()
                model.connection = .reconnecting(error: Collector.shortError(error), retryAt: retry)
                modelVersion += 1
                lock.broadcast()
                while !stopping && !refreshRequested && Date() < retry { _ = lock.wait(until: retry) }
                refreshRequested = false
                lock.unlock()
            }
        }
    }

    private func waitForNextTick() {
        lock.lock()
        defer { lock.unlock() }
        let until = Date().addingTimeInterval(interval)
        while !stopping && !refreshRequested && (Date() < until || paused) {
            _ = lock.wait(until: paused ? Date().addingTimeInterval(0.5) : until)
        }
        refreshRequested = false
    }

    func snapshotModel() -> (Model, Int) {
        lock.lock()
        defer { lock.unlock() }
        return (model, modelVersion)
    }

    private func post(_ f: @escaping (inout UIState) -> Void) {
        lock.lock()
        updates.append(f)
        modelVersion += 1
        lock.broadcast()
        lock.unlock()
    }

    // MARK: effects

    func perform(_ e: Effect, state: UIState) {
        switch e {
        case .quit: break
        case .refreshNow:
            lock.lock(); refreshRequested = true; lock.broadcast(); lock.unlock()
        case .intervalChanged(let i):
            lock.lock(); interval = i; refreshRequested = true; lock.broadcast(); lock.unlock()
        case .planPrune(let t, let k, let choice):
            guard let actions else { return }
            Thread.detachNewThread { [self] in
                do {
                    let plan = try actions.planPrune(tenant: t, kind: k, mode: choice.mode)
                    post { s in if case .planning = s.dialog { s.dialog = .pruneConfirm(plan: plan, yes: false) } }
                } catch {
                    post { s in s.dialog = .message(title: "Cannot plan the prune", text: Collector.shortError(error)) }
                }
            }
        case .executePrune(let plan):
            guard let actions else { return }
            pruneCancel.withLock { $0 = false }
            Thread.detachNewThread { [self] in
                do {
                    let r = try actions.executePrune(plan) { p in
                        post { s in
                            if case .pruneProgress(_, _, let c) = s.dialog { s.dialog = .pruneProgress(deleted: p.deleted, planned: p.planned, cancelling: c) }
                        }
                        return !pruneCancel.withLock { $0 }
                    }
                    let text = "\(r.cancelled ? "Cancelled after" : "Deleted") \(r.deleted) rows of \(plan.tenant)/\(plan.kind) in \(r.batches) batches, \(String(format: "%.0f", r.duration.seconds * 1000)) ms. Audit row \(r.auditID) in prune_audit."
                    post { s in s.dialog = .message(title: r.cancelled ? "Prune cancelled" : "Prune done", text: text) }
                } catch {
                    post { s in s.dialog = .message(title: "Prune failed", text: Collector.shortError(error)) }
                }
                perform(.refreshNow, state: state)
            }
        case .cancelPrune:
            pruneCancel.withLock { $0 = true }
        case .signal(let pid, let terminate):
            guard let actions else { return }
            Thread.detachNewThread { [self] in
                do {
                    let ok = terminate ? try actions.terminateBackend(pid) : try actions.cancelBackend(pid)
                    post { s in s.status = ok ? "\(terminate ? "terminated" : "cancelled") backend \(pid)" : "backend \(pid) is gone" }
                } catch {
                    post { s in s.dialog = .message(title: terminate ? "Cannot terminate" : "Cannot cancel", text: Collector.shortError(error)) }
                }
                perform(.refreshNow, state: state)
            }
        }
    }

    func stop() {
        lock.lock()
        stopping = true
        lock.broadcast()
        lock.unlock()
    }

    // MARK: the loop

    /// The UI state the command line asks for.
    func initialState() -> UIState {
        var state = UIState()
        state.view = options.view
        state.tenant = options.tenant
        state.readOnly = options.readOnly
        state.interval = options.interval
        return state
    }

    /// Runs the dashboard on an ncurses terminal until q, a signal, or `iterations` refreshes.
    func run(terminal: NCursesTerminal) {
        var state = initialState()
        startCollecting()
        var lastVersion = -1
        var lastState = state
        var lastDraw = Date.distantPast
        var drawnRefreshes = 0
        var lastSnapshotAt: Date?
        var ctx = HandlerContext()
        while quitSignal.load(ordering: .relaxed) == 0 {
            let key = terminal.readKey(milliseconds: 100)
            lock.lock()
            let pending = updates
            updates.removeAll()
            lock.unlock()
            for u in pending { u(&state) }
            if let key, key != .resize {
                let (next, effect) = Handler.handle(state, key, ctx)
                state = next
                if next.paused != lastState.paused { lock.lock(); paused = next.paused; lock.broadcast(); lock.unlock() }
                if let effect {
                    if effect == .quit { break }
                    perform(effect, state: state)
                }
            }
            let (m, version) = snapshotModel()
            let now = Date()
            if version != lastVersion || state != lastState || key == .resize || now.timeIntervalSince(lastDraw) >= 1 {
                let (w, h) = terminal.size
                let frame = Screen.render(m, state, width: w, height: h, now: now)
                state = frame.state
                ctx = frame.context
                terminal.draw(frame.canvas)
                lastDraw = now
                lastVersion = version
                lastState = state
                if let at = m.snapshot?.takenAt, at != lastSnapshotAt {
                    lastSnapshotAt = at
                    drawnRefreshes += 1
                    if let n = options.iterations, drawnRefreshes >= n { break }
                }
            }
        }
        stop()
    }

    /// Plain-text frames for scripts (stdout is not a terminal): `iterations` refreshes, then exit. Returns false
    /// (after saying why on stderr) when the server could not be read at all: scripts must not wait forever.
    @discardableResult
    func runPlain(width: Int, height: Int) -> Bool {
        let state = initialState()
        startCollecting()
        var lastAt: Date?
        var drawn = 0
        let limit = options.iterations ?? 1
        let ascii = !localeIsUTF8()
        while drawn < limit && quitSignal.load(ordering: .relaxed) == 0 {
            lock.lock()
            _ = lock.wait(until: Date().addingTimeInterval(0.2))
            lock.unlock()
            let (m, _) = snapshotModel()
            guard let at = m.snapshot?.takenAt, at != lastAt else {
                if case .reconnecting(let e, _) = m.connection, drawn == 0 {
                    FileHandle.standardError.write("storetop: \(e)\n".data(using: .utf8)!)
                    stop()
                    return false
                }
                continue
            }
            lastAt = at
            drawn += 1
            let text = Screen.render(m, state, width: width, height: height, now: Date()).canvas.text
            print(ascii ? text.asciiFallback : text)
            if drawn < limit { print(String(repeating: ascii ? "-" : "─", count: width)) }
        }
        stop()
        return true
    }
}

extension Collector {
    /// One redacted line for the screen.
    static func shortError(_ e: Error) -> String {
        if let s = e as? StoreError { return s.message.replacingOccurrences(of: "\n", with: " ") }
        return Secrets.redact("\(e)")
    }
}
