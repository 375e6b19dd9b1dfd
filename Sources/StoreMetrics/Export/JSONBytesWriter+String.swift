/// Strings as `JSONEncoder` escapes them (`\"`, `\\`, `\b \f \n \r \t`, other controls `\u00xx`, `\/` only when
/// asked), plus the invisible characters of `JSONExport.escapeInvisible` (C1 controls, U+200E/F, U+2028/9, bidi
/// embeddings and isolates) as `\uxxxx`, found by their UTF-8 bytes.
extension JSONBytesWriter {
    /// `s` quoted and escaped.
    func string(_ s: String) {
        var s = s
        let (slashes, invisible) = (options.escapeSlashes, options.escapeInvisible)
        s.withUTF8 { Self.appendQuoted($0, escapeSlashes: slashes, escapeInvisible: invisible, to: &out) }
    }

    /// `s` quoted and escaped, as bytes (keys, once each).
    static func quotedBytes(_ s: String, escapeSlashes: Bool, escapeInvisible: Bool = true) -> [UInt8] {
        var s = s
        var out: [UInt8] = []
        s.withUTF8 { appendQuoted($0, escapeSlashes: escapeSlashes, escapeInvisible: escapeInvisible, to: &out) }
        return out
    }

    /// Appends `"…"`: runs of plain bytes copied at once, escapes between them.
    static func appendQuoted(_ b: UnsafeBufferPointer<UInt8>, escapeSlashes: Bool, escapeInvisible: Bool, to out: inout [UInt8]) {
        out.append(UInt8(ascii: "\""))
        var run = 0
        var i = 0
        while i < b.count {
            let c = b[i]
            var width = 1
            let escape: Bool
            switch c {
            case 0x22, 0x5C, 0..<0x20: escape = true
            case 0x2F: escape = escapeSlashes
            case 0xC2: escape = escapeInvisible && i + 1 < b.count && b[i + 1] >= 0x80 && b[i + 1] <= 0x9F
            case 0xE2: escape = escapeInvisible && i + 2 < b.count && invisible(b[i + 1], b[i + 2])
            default: escape = false
            }
            guard escape else {
                i += 1
                continue
            }
            if run < i { out.append(contentsOf: UnsafeBufferPointer(rebasing: b[run..<i])) }
            switch c {
            case 0x22: out.append(contentsOf: [0x5C, 0x22])
            case 0x5C: out.append(contentsOf: [0x5C, 0x5C])
            case 0x2F: out.append(contentsOf: [0x5C, 0x2F])
            case 0x08: out.append(contentsOf: [0x5C, UInt8(ascii: "b")])
            case 0x0C: out.append(contentsOf: [0x5C, UInt8(ascii: "f")])
            case 0x0A: out.append(contentsOf: [0x5C, UInt8(ascii: "n")])
            case 0x0D: out.append(contentsOf: [0x5C, UInt8(ascii: "r")])
            case 0x09: out.append(contentsOf: [0x5C, UInt8(ascii: "t")])
            case 0xC2:
                unicodeEscape(UInt32(b[i + 1]), to: &out)
                width = 2
            case 0xE2:
                unicodeEscape(0x2000 | UInt32(b[i + 1] & 0x0F) << 6 | UInt32(b[i + 2] & 0x3F), to: &out)
                width = 3
            default: unicodeEscape(UInt32(c), to: &out)
            }
            i += width
            run = i
        }
        if run < b.count { out.append(contentsOf: UnsafeBufferPointer(rebasing: b[run...])) }
        out.append(UInt8(ascii: "\""))
    }

    /// Is E2 `b1` `b2` one of U+200E, U+200F, U+2028…U+202E, U+2066…U+2069?
    @inline(__always)
    private static func invisible(_ b1: UInt8, _ b2: UInt8) -> Bool {
        switch (b1, b2) {
        case (0x80, 0x8E), (0x80, 0x8F), (0x80, 0xA8...0xAE), (0x81, 0xA6...0xA9): return true
        default: return false
        }
    }

    /// `\u` and four lower-case hex digits.
    private static func unicodeEscape(_ v: UInt32, to out: inout [UInt8]) {
        let hex: [UInt8] = Array("0123456789abcdef".utf8)
        out.append(contentsOf: [
            0x5C, UInt8(ascii: "u"), hex[Int(v >> 12 & 0xF)], hex[Int(v >> 8 & 0xF)], hex[Int(v >> 4 & 0xF)], hex[Int(v & 0xF)],
        ])
    }
}
