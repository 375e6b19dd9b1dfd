import Foundation
import Testing

@testable import StoreMetrics

/// The recording's snapshot bodies (`StoreRecording`'s `SnapshotCoding`) are written by `JSONBytesEncoder.recording`:
/// the bytes the recording's `JSONEncoder` wrote (keys as they are, dates as Unix seconds, nil optionals left out, `/`
/// escaped, invisible characters as they are), so recordings made before and after read the same.
@Suite struct RecordingBodyJSONTests {
    /// The recording's encoder as it was configured before `JSONBytesEncoder`.
    static func foundation(_ s: Snapshot) throws -> [UInt8] {
        let enc = JSONEncoder()
        enc.dateEncodingStrategy = .secondsSince1970
        enc.outputFormatting = [.sortedKeys]
        enc.nonConformingFloatEncodingStrategy = .convertToString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        return Array(try enc.encode(s))
    }

    static func expectSame(_ s: Snapshot, _ note: Comment) throws {
        let mine = try JSONBytesEncoder.recording.encode(s)
        let old = try foundation(s)
        #expect(mine == old, note)
        if mine != old {
            JSONBytesEncoderTests.firstDifference(String(decoding: mine, as: UTF8.self), String(decoding: old, as: UTF8.self))
        }
        // and it reads back as the same snapshot
        let dec = JSONDecoder()
        dec.dateDecodingStrategy = .secondsSince1970
        dec.nonConformingFloatDecodingStrategy = .convertFromString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        #expect(try foundation(try dec.decode(Snapshot.self, from: Data(mine))) == old, note)
    }

    @Test func goldenAndMadeUpSnapshotsAreTheSameBytes() throws {
        try Self.expectSame(SampleSnapshot.derived().0, "the golden snapshot")
        try Self.expectSame(SampleSnapshot.reading(0), "the first golden reading")
        try Self.expectSame(try Snapshot.madeUp(consumers: 1000, at: 1), "1,000 made-up consumers")
    }

    @Test func hostileTextAndOddFiguresAreTheSameBytes() throws {
        var s = SampleSnapshot.derived().0
        // names a database may hold: slashes, quotes, controls, C1, bidi overrides, separators, emoji; odd figures
        let names = ["a/b", "q\"uote\\", "tab\tnl\n\u{1b}[31m", "c1\u{85}\u{9b}", "rtl\u{202e}x\u{2066}", "ls\u{2028}ps\u{2029}", "🚀e\u{301}"]
        for (i, name) in names.enumerated() where i < s.cursors.count { s.cursors[i].name = name }
        try #require(s.cursors.count >= 2)
        (s.cursors[0].lagSeconds, s.cursors[1].lagSeconds) = (.infinity, -0.0)
        s.takenAt = Date(timeIntervalSince1970: -1234.5678)
        try Self.expectSame(s, "hostile names and odd figures")
    }
}
