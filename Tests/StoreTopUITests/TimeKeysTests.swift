import Foundation
import Testing

@testable import StoreTopUI

/// The time keys in the reducer (the loop's reading of the archive is tested in storetopTests/ReplayTests and
/// StoreMetricsTests/TimeMachineTests): what each key asks for, live and in a replay.
@Suite struct TimeKeysTests {
    let ctx = HandlerContext(rows: [.tenant("acme")], columns: 12, pageSize: 2, tenants: ["acme"])
    let t = Date(timeIntervalSince1970: 1_800_000_000)

    func run(_ keys: [Key], _ s0: UIState) -> (UIState, [Effect]) {
        var s = s0
        var effects: [Effect] = []
        for k in keys {
            let (n, e) = Reducer.handle(s, k, ctx)
            s = n
            effects += e
        }
        return (s, effects)
    }

    var live: UIState {
        var s = UIState()
        s.history = true
        return s
    }

    var replay: UIState {
        var s = live
        (s.replay, s.rewind) = (true, Rewind(at: t))
        return s
    }

    @Test func stepsAndJumpsAskTheLoopToSeek() {
        #expect(run([.left, .right], live).1 == [.seek(.step(-1)), .seek(.step(1))])
        #expect(
            run([.char("["), .char("]"), .char("{"), .char("}")], live).1 == [.seek(.by(-60)), .seek(.by(60)), .seek(.by(-3600)), .seek(.by(3600))])
    }

    @Test func withoutHistoryTheKeysSaySo() {
        let (s, e) = run([.left], UIState())
        #expect(e.isEmpty)
        #expect(s.status?.contains("--history 0") == true)
    }

    @Test func goToTakesATypedTime() {
        let (s, e) = run([.char("g"), .char("-"), .char("5"), .char("x"), .backspace, .char("m"), .enter], live)
        #expect(e == [.seek(.typed("-5m"))])
        #expect(s.dialog == .none)
        #expect(run([.char("g"), .char("1"), .escape], live).1.isEmpty)
    }

    @Test func spacePlaysWhenRewoundAndPausesWhenLive() {
        #expect(run([.char(" ")], replay).0.rewind?.playing == true)
        #expect(run([.char(" "), .char(" ")], replay).0.rewind?.playing == false)
        let (s, e) = run([.char(" ")], live)
        #expect(s.paused && e == [.pausedChanged(true)])
    }

    @Test func plusAndMinusSetTheSpeedWhenRewoundAndTheIntervalWhenLive() {
        #expect(run([.char("+"), .char("+")], replay).0.rewind?.speed == 5)
        #expect(run([.char("-"), .char("-"), .char("-")], replay).0.rewind?.speed == 0.5)
        #expect(run([.char("+")], live).1 == [.intervalChanged(3)])
    }

    @Test func escReturnsToLiveButNotFromAReplay() {
        var rewound = live
        rewound.rewind = Rewind(at: t)
        #expect(run([.escape], rewound).1 == [.seek(.live)])
        #expect(run([.escape], replay).1.isEmpty)
    }

    @Test func typedTimes() {
        let utc = TimeZone(identifier: "UTC")!
        let shown = Date(timeIntervalSince1970: 1_800_000_000)  // 2027-01-15T08:00:00Z
        #expect(TimeInput.parse("-5m", shown: shown, zone: utc) == shown.addingTimeInterval(-300))
        #expect(TimeInput.parse("+90s", shown: shown, zone: utc) == shown.addingTimeInterval(90))
        #expect(TimeInput.parse("03:12", shown: shown, zone: utc) == shown.addingTimeInterval(-(4 * 3600 + 48 * 60)))
        #expect(TimeInput.parse("08:00:30", shown: shown, zone: utc) == shown.addingTimeInterval(30))
        #expect(TimeInput.parse("2027-01-15T08:00:00Z", shown: shown, zone: utc) == shown)
        for bad in ["25:00", "soon", "-5 parsecs", "8:61"] { #expect(TimeInput.parse(bad, shown: shown, zone: utc) == nil, "\(bad)") }
        #expect(TimeInput.clock(shown, zone: utc) == "2027-01-15 08:00:00")
        #expect(TimeInput.clock(shown, zone: utc, reference: shown) == "08:00:00")
    }
}
