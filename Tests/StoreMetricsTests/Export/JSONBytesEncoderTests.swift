import Foundation
import Testing

@testable import StoreMetrics

/// `JSONBytesEncoder` writes the bytes Foundation's `JSONEncoder` wrote (`FoundationJSON`, the old path): the
/// documents, pretty and compact.
@Suite struct JSONBytesEncoderTests {
    static func expectSame<T: Encodable>(_ value: T, pretty: Bool = true, _ note: Comment? = nil) throws {
        let mine = try JSONBytesEncoder(pretty: pretty).string(value)
        let foundation = try FoundationJSON.encode(value, pretty: pretty)
        #expect(mine == foundation, note)
        if mine != foundation { firstDifference(mine, foundation) }
    }

    /// Prints where two texts part (a failure's diagnosis).
    static func firstDifference(_ a: String, _ b: String) {
        let (x, y) = (Array(a.utf8), Array(b.utf8))
        let i = x.indices.first { $0 >= y.count || x[$0] != y[$0] } ?? x.count
        let around = { (t: [UInt8]) in String(decoding: t[max(0, i - 80)..<min(t.count, i + 80)], as: UTF8.self) }
        print("first difference at byte \(i):\n--- ours\n\(around(x))\n--- Foundation\n\(around(y))")
    }

    @Test func goldenSnapshotsAreTheSame() throws {
        let (s, d) = SampleSnapshot.derived()
        for pretty in [true, false] {
            try Self.expectSame(JSONExport.document(s, d), pretty: pretty)
            try Self.expectSame(JSONExport.document(SampleSnapshot.reading(0), nil), pretty: pretty)
            #expect(try JSONExport.encode(s, derived: d, pretty: pretty) == FoundationJSON.encode(JSONExport.document(s, d), pretty: pretty))
        }
        // The whole Snapshot (every panel, statements and parked included), not only the document's parts.
        try Self.expectSame(s)
    }

    @Test func madeUpSnapshotIsTheSame() throws {
        var h = History()
        _ = h.add(try Snapshot.madeUp(consumers: 1000, at: 0))
        let s = try Snapshot.madeUp(consumers: 1000, at: 1)
        let d = h.add(s)
        try Self.expectSame(JSONExport.document(s, d))
        try Self.expectSame(JSONExport.document(s, d), pretty: false)
    }

    @Test func fleetDocumentIsTheSame() throws {
        let (s, d) = SampleSnapshot.derived()
        let targets = [
            TargetReading(name: "a/b \u{202E}\"x\"", snapshot: s, derived: d, error: nil),
            TargetReading(name: "down", snapshot: nil, derived: nil, error: "connection refused\n\u{9B}31m"),
            TargetReading(name: "empty", snapshot: SampleSnapshot.reading(0), derived: nil, error: nil),
        ]
        #expect(try JSONExport.encode(targets: targets) == FoundationJSON.targets(targets))
    }

    @Test func actionDocumentsAreTheSame() throws {
        struct Row: Encodable {
            let id: Int64, action: String, fromPosition: Int64?, startedAt: Date, finishedAt: Date?, positions: [Int64]
        }
        let rows = [
            Row(id: 1, action: "move/skip", fromPosition: nil, startedAt: SampleSnapshot.t0, finishedAt: nil, positions: []),
            Row(id: 2, action: "é\u{2066}", fromPosition: 7, startedAt: SampleSnapshot.t0, finishedAt: SampleSnapshot.t0, positions: [1, 2]),
        ]
        #expect(try ActionJSON.encode(rows) == FoundationJSON.encode(rows, nonConforming: false))
        #expect(throws: EncodingError.self) { try ActionJSON.encode([Double.infinity]) }
    }

    /// Containers: empty, nested, optional inside optional, merged (a wrapper adding keys to its value's object),
    /// a key written twice, dictionaries, arrays of arrays.
    @Test func containersAreTheSame() throws {
        struct Empty: Encodable { func encode(to encoder: any Encoder) throws {} }
        struct Inner: Encodable { let aKey: Int?, bKey: String?, list: [Int?], nested: [[Int]] }
        struct Merged: Encodable {
            let inner: Inner
            let extra: Double?
            func encode(to encoder: any Encoder) throws {
                try inner.encode(to: encoder)
                var c = encoder.container(keyedBy: K.self)
                try c.encodeIfPresent(extra, forKey: .extraValue)
                try c.encode("later", forKey: .bKey)  // the same key again: the later value stays
                var n = c.nestedContainer(keyedBy: K.self, forKey: .nestedObject)
                try n.encode(1, forKey: .extraValue)
                var u = c.nestedUnkeyedContainer(forKey: .nestedList)
                try u.encode(true)
                try u.encodeNil()
            }
            enum K: String, CodingKey { case extraValue, bKey, nestedObject, nestedList }
        }
        struct Doc: Encodable {
            let empty = Empty(), emptyList: [Int] = [], emptyMap: [String: Int] = [:], optionalOptional: Int?? = .some(nil)
            let merged: [Merged], map: [String: Inner?], urlValue = URL(string: "https://x.example/a/b?c=d")!
        }
        let inner = Inner(aKey: nil, bKey: "b", list: [1, nil], nested: [[], [1, 2], []])
        let doc = Doc(
            merged: [Merged(inner: inner, extra: nil), Merged(inner: Inner(aKey: 3, bKey: nil, list: [], nested: []), extra: 0.5)],
            map: ["zKey": inner, "aKey": nil, "mixedCASEKey": inner])
        try Self.expectSame(doc)
        try Self.expectSame(doc, pretty: false)
        try Self.expectSame([Empty(), Empty()])
        try Self.expectSame([[String]]())
    }
}

extension JSONBytesEncoderTests {
    /// A large object (a dictionary of thousands of keys) is sorted by a sort, not an insertion sort, and ranked once
    /// at its close: the same bytes, keys in UTF-8 byte order (capitals, `_` and non-ASCII where bytes put them).
    @Test func aLargeDictionaryIsTheSameInByteOrder() throws {
        var rng = SeededRandom(seed: 23)
        var d: [String: Int] = ["Zeta": 1, "alpha": 2, "_x": 3, "éa": 4, "eb": 5, "a10": 6, "a2": 7]
        for i in 0..<3000 { d["k\(rng.next() % 100_000)_\(i)"] = i }
        try Self.expectSame(d, pretty: false, "3,007 keys, compact")
        try Self.expectSame(["outer": d, "small": ["b": 1, "a": 2]], pretty: true, "nested, pretty")
    }
}
