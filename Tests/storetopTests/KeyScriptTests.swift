import Foundation
import Testing

@testable import StoreMetrics
@testable import StoreTopUI

/// A source that plays the fixture's snapshots in order (the last one again when they run out), or fails.
final class ScriptedSource: SnapshotSource, @unchecked Sendable {
    private let lock = NSLock()
    private var next = 0
    private let failing: Bool

    init(failing: Bool = false) { self.failing = failing }

    func snapshot(now: Date) throws -> Snapshot {
        lock.lock()
        defer { lock.unlock() }
        if failing { throw Refused() }
        defer { next += 1 }
        return Fixture.snapshot(min(next, 2))
    }

    func close() {}
}

struct Refused: Error, CustomStringConvertible {
    var description: String { "could not connect to 127.0.0.1:5432: Connection refused" }
}

/// Key scripts through the real app loop (`AppLoop`) on a `TextTerminal`, with the fixture as the source and
/// a manual clock: the transcript of keys and every frame drawn is compared whole with a file in
/// Tests/storetopTests/Scripts (re-record with STORETOP_RECORD=1, as the screens).
@Suite struct KeyScriptTests {
    static let dir = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Scripts")

    /// Runs `script` at 120×40 and returns the terminal.
    func play(_ script: [TextTerminal.Input], source: ScriptedSource = ScriptedSource(), readOnly: Bool = false) -> TextTerminal {
        let clock = ManualClock(Fixture.t0)
        let terminal = TextTerminal(width: 120, height: 40, script: script, advance: clock.advance)
        let refresh = RefreshLoop(source: source, interval: 5, clock: clock, history: History(rules: LagRules(window: 3, stallAfter: 10)))
        let effects = EffectRunner(refresh: refresh, actions: nil, spawn: { $0() })
        var options = App.Options()
        options.interval = 2
        options.serverLabel = "db-1:5432"
        options.readOnly = readOnly
        AppLoop(terminal: terminal, refresh: refresh, effects: effects, options: options).run()
        return terminal
    }

    func check(_ name: String, _ terminal: TextTerminal, sourceLocation: SourceLocation = #_sourceLocation) {
        let file = KeyScriptTests.dir.appendingPathComponent(name + ".txt")
        let text = terminal.transcript.joined(separator: "\n") + "\n"
        if ProcessInfo.processInfo.environment["STORETOP_RECORD"] == "1" || !FileManager.default.fileExists(atPath: file.path) {
            try? FileManager.default.createDirectory(at: KeyScriptTests.dir, withIntermediateDirectories: true)
            try? text.write(to: file, atomically: true, encoding: .utf8)
            if ProcessInfo.processInfo.environment["STORETOP_RECORD"] != "1" {
                Issue.record("recorded new script \(name); check it and commit it", sourceLocation: sourceLocation)
            }
            return
        }
        #expect(text == ((try? String(contentsOf: file, encoding: .utf8)) ?? ""), "script \(name) differs:\n\(text)", sourceLocation: sourceLocation)
    }

    func golden(_ name: String) -> String {
        ((try? String(contentsOf: ScreenTests.dir.appendingPathComponent(name + ".txt"), encoding: .utf8)) ?? "missing \(name)").dropLast()
            .description
    }

    /// Three refreshes, help (a key help lists), Esc, an unbound key (no frame: nothing changed), the
    /// Consumers view, q. The frames the loop draws are the golden screens.
    @Test func helpAnUnboundKeyAViewAndQuit() {
        let t = play([
            .wait(seconds: 0), .wait(seconds: 5), .wait(seconds: 5), .key(.char("?"), name: "?"), .key(.escape, name: "Esc"),
            .key(.char("x"), name: "x"), .key(.char("5"), name: "5"), .key(.char("q"), name: "q"),
        ])
        check("help-unbound-consumers", t)
        #expect(t.frames.count == 6)
        #expect(t.frames[2] == golden("overview-120x40"))
        #expect(t.frames[3] == golden("help-120x40"))
        #expect(t.frames[4] == golden("overview-120x40"))
        #expect(t.frames[5] == golden("consumers-120x40"))
        let x = t.transcript.firstIndex(of: "> key x")!
        #expect(t.transcript[x + 1] == "> key 5", "the unbound key drew nothing")
    }

    /// Drill into a tenant with ↓ Enter, narrow the consumers, go back with Esc; pause shows in the header.
    @Test func drillInPauseAndBack() {
        let t = play([
            .wait(seconds: 0), .wait(seconds: 5), .wait(seconds: 5), .key(.char("5"), name: "5"), .key(.char("1"), name: "1"),
            .key(.enter, name: "Enter"), .key(.char("5"), name: "5"), .key(.char(" "), name: "Space"), .key(.escape, name: "Esc"),
            .key(.char("q"), name: "q"),
        ])
        check("drill-pause-back", t)
        #expect(t.frames[5].contains("tenant acme: Esc goes back"))
        #expect(t.frames[6] == golden("consumers-acme-120x40"))
        #expect(t.frames.last?.contains("● paused") == true && t.frames.last?.contains("stale") == false)
        #expect(t.frames.last?.contains("all › acme") == false && t.frames.last?.contains("all tenants") == true)
    }

    /// A source that cannot be read: the loop shows "reconnecting" and retries one interval later.
    @Test func aLostSourceShowsReconnecting() {
        let t = play([.wait(seconds: 0), .wait(seconds: 2), .wait(seconds: 3), .key(.char("q"), name: "q")], source: ScriptedSource(failing: true))
        check("reconnecting", t)
        #expect(t.frames.first?.contains("reconnecting in 5s") == true)
        #expect(t.frames.last?.contains("reconnecting in 5s") == true)
    }
}
