import Testing

@testable import StoreMetrics

@Suite struct DurationTextTests {
    @Test func acceptsWhatAUserWrites() throws {
        #expect(try DurationText.seconds("90s") == 90)
        #expect(try DurationText.seconds("30m") == 1800)
        #expect(try DurationText.seconds("12h") == 43200)
        #expect(try DurationText.seconds("7d") == 604_800)
        #expect(try DurationText.seconds("2w") == 1_209_600)
        #expect(try DurationText.seconds("1h30m") == 5400)
        #expect(try DurationText.seconds("1.5h") == 5400)
        #expect(try DurationText.seconds("250ms") == 0.25)
        #expect(try DurationText.seconds("0s") == 0)
        #expect(try DurationText.duration("1d2h") == .seconds(93600))
    }

    @Test func refusesWhatWouldDeleteTheWrongRows() {
        // Each of these was accepted (or crashed the process with an overflow trap) before.
        for bad in [
            "1e15d", "0x10s", "-5m", "+5m", "5", "", "d", "5 m", "5M", "1.2.3s", ".5s", "5.s", "inf s", "nan",
            "30m1h", "5s5s", "200y", "40000w", "1\u{1b}[2Jd",
        ] {
            #expect(throws: DurationText.Invalid.self, "\(bad)") { try DurationText.seconds(bad) }
        }
        let e = #expect(throws: DurationText.Invalid.self) { try DurationText.seconds("1\u{1b}[2Jd") }
        #expect(e?.description.contains("\u{1b}") == false, "the user's own input is echoed escaped")
        let huge = #expect(throws: DurationText.Invalid.self) { try DurationText.seconds("1000000000000000d") }
        #expect(huge?.description.contains("100 years") == true)
    }
}
