/// The one function that makes text from the database safe for a terminal, a log line, an error message or a
/// Prometheus label. Names and texts that other sessions control (`application_name`, query text, tenant,
/// stream and consumer names, pool report fields) are data: no byte of them may act as terminal control or
/// change how the text around them reads.
///
/// Shown escaped, visibly: C0 controls (`\n`, `\t` and `\x1b` among them), DEL, C1 controls (`\u{9b}` starts a CSI
/// sequence on some terminals), bidirectional controls (a right-to-left override reverses the rest of a row),
/// zero-width characters and the other invisible format characters (two tenants must never look identical),
/// line and paragraph separators, and unassigned or private-use scalars are kept as they are.
public enum DisplayText {
    /// `text` with every character that could control a terminal or hide itself replaced by a visible escape
    /// (`\n`, `\t`, `\r`, `\x1b`, `\u{202e}`). With `newlines: true` a line feed is kept (multi-line query text
    /// in a detail pane); every other control is still escaped. Text without such characters is returned as is.
    public static func sanitize(_ text: String, newlines: Bool = false) -> String {
        guard !isPrintableASCII(text), text.unicodeScalars.contains(where: { isHostile($0, newlines: newlines) }) else { return text }
        var out = ""
        out.reserveCapacity(text.utf8.count + 8)
        for s in text.unicodeScalars {
            if isHostile(s, newlines: newlines) { out += escape(s) } else { out.unicodeScalars.append(s) }
        }
        return out
    }

    /// True when `text` holds a character that `sanitize` would escape (newlines included).
    public static func needsEscaping(_ text: String) -> Bool {
        !isPrintableASCII(text) && text.unicodeScalars.contains { isHostile($0, newlines: false) }
    }

    /// True when every byte of `text` is printable ASCII (space to `~`): nothing to escape, told without a Unicode
    /// property lookup per scalar (the common case: names, tenants and labels are ASCII; issue 23 measured the
    /// lookup in the exposition's profile).
    @inline(__always)
    static func isPrintableASCII(_ text: String) -> Bool {
        text.utf8.allSatisfy { $0 >= 0x20 && $0 < 0x7F }
    }

    /// True for a scalar that is never shown as itself.
    public static func isHostile(_ s: Unicode.Scalar, newlines: Bool = false) -> Bool {
        let v = s.value
        if v == 0x0A { return !newlines }
        if v < 0x20 || (0x7F...0x9F).contains(v) { return true }
        switch v {
        case 0x00AD, 0x034F, 0x061C, 0x115F, 0x1160, 0x17B4, 0x17B5, 0x180E, 0x3164, 0xFFA0, 0xFEFF: return true
        case 0x200B...0x200F, 0x2028...0x202E, 0x2060...0x206F, 0xFFF9...0xFFFB: return true
        case 0xE0000...0xE007F: return true  // tag characters: invisible
        default: return s.properties.generalCategory == .format
        }
    }

    /// The visible form of one hostile scalar.
    static func escape(_ s: Unicode.Scalar) -> String {
        switch s.value {
        case 0x0A: return "\\n"
        case 0x0D: return "\\r"
        case 0x09: return "\\t"
        case 0..<0x100: return "\\x" + hex(s.value, digits: 2)
        default: return "\\u{" + hex(s.value, digits: 4) + "}"
        }
    }

    private static func hex(_ v: UInt32, digits: Int) -> String {
        let h = String(v, radix: 16)
        return String(repeating: "0", count: max(0, digits - h.count)) + h
    }
}
