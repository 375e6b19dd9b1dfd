import Foundation
import Testing

@testable import StoreMetrics

/// The JSON document is safe to print on a terminal: C1 controls and bidi overrides are `\u` escapes, the same text
/// to a JSON reader.
@Suite struct JSONEscapeTests {
    @Test func invisibleCharactersAreEscapedAndReadBackTheSame() throws {
        let raw = "{\"tenant\":\"a\u{9B}2Jb\u{202E}c\u{2028}d\"}"
        let shown = JSONExport.escapeInvisible(raw)
        #expect(shown == "{\"tenant\":\"a\\u009b2Jb\\u202ec\\u2028d\"}")
        #expect(shown.unicodeScalars.allSatisfy { $0.value < 0x80 })
        let back = try JSONSerialization.jsonObject(with: Data(shown.utf8)) as? [String: String]
        #expect(back?["tenant"] == "a\u{9B}2Jb\u{202E}c\u{2028}d")
        #expect(JSONExport.escapeInvisible("plain ünïcödé") == "plain ünïcödé")
    }
}
