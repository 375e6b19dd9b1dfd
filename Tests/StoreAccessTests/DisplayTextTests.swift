import SafeText
import Testing

@testable import SafeText

@Suite struct DisplayTextTests {
    @Test func terminalControlIsShownNotObeyed() {
        // OSC 52 (clipboard write), a screen clear, a title change and a C1 CSI, as a hostile application_name
        // decodes to.
        let hostile = "\u{1b}]52;c;ZXZpbA==\u{07}x\u{1b}[2J\u{1b}]0;pwned\u{07}\u{9b}31m"
        let shown = DisplayText.sanitize(hostile)
        #expect(shown == "\\x1b]52;c;ZXZpbA==\\x07x\\x1b[2J\\x1b]0;pwned\\x07\\x9b31m")
        #expect(!shown.unicodeScalars.contains { $0.value < 0x20 || (0x7F...0x9F).contains($0.value) })
        #expect(DisplayText.sanitize("a\u{7f}b\u{0}c") == "a\\x7fb\\x00c")
    }

    @Test func newlinesAndTabsNeverSplitALine() {
        #expect(DisplayText.sanitize("forged\nrow\tx\r") == "forged\\nrow\\tx\\r")
        #expect(DisplayText.sanitize("SELECT 1\nFROM t\u{1b}[1m", newlines: true) == "SELECT 1\nFROM t\\x1b[1m")
    }

    @Test func bidiAndInvisibleCharactersAreVisible() {
        // A right-to-left override reverses the rest of the row; zero-width characters make two tenants look alike.
        #expect(DisplayText.sanitize("acme\u{202e}evil") == "acme\\u{202e}evil")
        #expect(DisplayText.sanitize("ac\u{200b}me") == "ac\\u{200b}me")
        #expect(DisplayText.sanitize("ac\u{2066}me\u{2069}") == "ac\\u{2066}me\\u{2069}")
        #expect(DisplayText.sanitize("\u{feff}acme\u{2028}") == "\\u{feff}acme\\u{2028}")
        #expect(DisplayText.sanitize("a\u{E0041}") == "a\\u{e0041}")
        #expect(DisplayText.sanitize("ac\u{200b}me") != DisplayText.sanitize("acme"))
    }

    @Test func theASCIIFastPathAgreesWithTheScalarRules() {
        // printable ASCII skips the per-scalar check: every ASCII scalar still gets the answer `isHostile` gives
        for v in UInt32(0)...0x7F {
            let c = Unicode.Scalar(v)!
            let text = "a" + String(Character(c)) + "b"
            let hostile = DisplayText.isHostile(c)
            #expect(DisplayText.needsEscaping(text) == hostile, "scalar \(v)")
            #expect(DisplayText.sanitize(text) == (hostile ? "a" + DisplayText.escape(c) + "b" : text), "scalar \(v)")
        }
    }

    @Test func ordinaryTextIsUnchanged() {
        for s in ["acme", "Zürich-München", "日本語のテナント", "emoji 🚀 ok", "e\u{301}", "billing/orders:v2", ""] {
            #expect(DisplayText.sanitize(s) == s)
            #expect(!DisplayText.needsEscaping(s))
        }
    }
}
