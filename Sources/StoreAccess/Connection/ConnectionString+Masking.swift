import Foundation

/// Password masking, exactly as libpq reads a connection string (URL user info and query parameters, key=value
/// pairs with quoting and escapes), so a DSN can be printed and logged without its secret.
extension ConnectionString {
    /// Masks the password in a URL (user info and `password=` query parameter) or a key=value string.
    /// A DSN without a password is returned unchanged, so its user stays visible.
    public static func mask(_ text: String) -> String {
        // (leading blanks are trimmed before libpq sees a DSN, so " postgres://…" is a URL too)
        let lead = text.prefix(while: { $0.isWhitespace })
        let rest = text.dropFirst(lead.count)
        return isURL(String(rest)) ? String(lead) + maskURL(String(rest)) : maskKeyValue(text)
    }

    /// The parameters whose values are secrets, as libpq names them (compared after percent-decoding).
    public static let secretKeys: Set<String> = ["password", "sslpassword"]

    /// True when `key` (raw bytes of a parameter name) names a secret.
    static func isSecretKey(_ key: [UInt8]) -> Bool { secretKeys.contains(String(decoding: key, as: UTF8.self).lowercased()) }

    /// libpq's `isspace` in the C locale (what its conninfo parser uses; bytes ≥ 0x80 are never space).
    static func isSpace(_ b: UInt8) -> Bool { b == 0x20 || (b >= 0x09 && b <= 0x0d) }

    /// A URL masked the way libpq reads it (`conninfo_uri_parse_options`): user info is everything before the
    /// first `@` that comes before the first `/`, its password follows the first `:`; query parameters start at
    /// the first `?` after the user info and outside a bracketed IPv6 host, separated by `&`, with percent-decoded
    /// names (`pass%77ord` is `password`).
    fileprivate static func maskURL(_ text: String) -> String {
        let u = Array(text.utf8)
        guard let schemeEnd = text.utf8.firstRange(of: "://".utf8).map({ text.utf8.distance(from: text.utf8.startIndex, to: $0.upperBound) })
        else { return text }
        var out = Array(u[..<schemeEnd])
        var i = schemeEnd
        // user info: up to the first '@' before any '/'
        var j = i
        while j < u.count, u[j] != 0x40, u[j] != 0x2f { j += 1 }
        if j < u.count, u[j] == 0x40 {
            if let colon = u[i..<j].firstIndex(of: 0x3a), colon + 1 < j {  // (an empty password stays empty)
                out += u[i...colon] + Array(Secrets.mask.utf8)
            } else {
                out += u[i..<j]
            }
            out.append(0x40)
            i = j + 1
        }
        // hosts, ports, path: up to the first '?' (a bracketed IPv6 host ends only at its ']', as libpq reads it,
        // so a '?' inside one starts no query)
        var inPath = false
        while i < u.count, u[i] != 0x3f {
            if !inPath, u[i] == 0x5b, let close = u[i...].firstIndex(of: 0x5d) {
                out += u[i...close]
                i = close + 1
                continue
            }
            if u[i] == 0x2f { inPath = true }
            out.append(u[i])
            i += 1
        }
        guard i < u.count else { return String(decoding: out, as: UTF8.self) }
        out.append(0x3f); i += 1
        // query: name=value pairs separated by '&'
        var first = true
        for part in u[i...].split(separator: 0x26, omittingEmptySubsequences: false) {
            if !first { out.append(0x26) }
            first = false
            if let eq = part.firstIndex(of: 0x3d), eq + 1 < part.endIndex,
                isSecretKey(percentDecoded(Array(part[part.startIndex..<eq])))
            {
                out += part[part.startIndex...eq] + Array(Secrets.mask.utf8)
            } else if let eq = part.firstIndex(of: 0x3d), percentDecoded(Array(part[part.startIndex..<eq])) == Array("dbname".utf8) {
                // a connection string nested in dbname, percent-encoded: masked decoded, then encoded again
                let value = String(decoding: percentDecoded(Array(part[(eq + 1)...])), as: UTF8.self)
                let masked = mask(value)
                out += part[part.startIndex...eq] + (masked == value ? Array(part[(eq + 1)...]) : percentEncoded(masked))
            } else {
                out += part
            }
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// Every byte but letters, digits and `-._~` as `%XX`.
    static func percentEncoded(_ text: String) -> [UInt8] {
        var out: [UInt8] = []
        for b in text.utf8 {
            let plain =
                (b >= 0x30 && b <= 0x39) || (b >= 0x41 && b <= 0x5a) || (b >= 0x61 && b <= 0x7a) || b == 0x2d || b == 0x2e || b == 0x5f || b == 0x7e
            if plain { out.append(b) } else { out += Array(("%" + (b < 16 ? "0" : "") + String(b, radix: 16, uppercase: true)).utf8) }
        }
        return out
    }

    /// `%XX` decoded (an invalid escape stays as it is; libpq would refuse the URL anyway).
    static func percentDecoded(_ b: [UInt8]) -> [UInt8] {
        var out: [UInt8] = []
        var i = 0
        func hex(_ c: UInt8) -> UInt8? {
            switch c {
            case 0x30...0x39: return c - 0x30;
            case 0x41...0x46: return c - 0x37;
            case 0x61...0x66: return c - 0x57;
            default: return nil
            }
        }
        while i < b.count {
            if b[i] == 0x25, i + 2 < b.count, let h = hex(b[i + 1]), let l = hex(b[i + 2]) {
                out.append(h << 4 | l); i += 3
            } else {
                out.append(b[i]); i += 1
            }
        }
        return out
    }

    /// A key=value string masked the way libpq reads it (`conninfo_parse`): names end at `=` or space; a value
    /// is single-quoted (backslash escapes, and the next name may follow the closing quote directly) or runs to
    /// the next space (backslash escapes, so `\ ` does not end it). Every value of a `password` key becomes the
    /// mask, quoted when the original was, so what follows keeps its meaning.
    fileprivate static func maskKeyValue(_ text: String) -> String {
        let u = Array(text.utf8)
        var out: [UInt8] = []
        var i = 0
        func copySpaces() { while i < u.count, isSpace(u[i]) { out.append(u[i]); i += 1 } }
        while i < u.count {
            copySpaces()
            guard i < u.count else { break }
            let keyStart = i
            while i < u.count, u[i] != 0x3d, !isSpace(u[i]) { i += 1 }
            let key = Array(u[keyStart..<i])
            out += key
            copySpaces()
            guard i < u.count, u[i] == 0x3d else { continue }  // libpq refuses this string; keep it as written
            out.append(0x3d); i += 1
            copySpaces()
            let secret = isSecretKey(key)
            let valueStart = i
            if i < u.count, u[i] == 0x27 {
                i += 1
                var closed = false
                while i < u.count {
                    if u[i] == 0x5c { i += 2; continue }
                    if u[i] == 0x27 { i += 1; closed = true; break }
                    i += 1
                }
                i = min(i, u.count)
                if secret && i - valueStart > 2 {
                    out += closed ? Array("'\(Secrets.mask)'".utf8) : Array(Secrets.mask.utf8)
                    if !closed { break }
                } else {
                    out += maskedDbname(key, u[valueStart..<i], quoted: closed) ?? Array(u[valueStart..<i])
                }
            } else {
                while i < u.count, !isSpace(u[i]) { i += u[i] == 0x5c ? 2 : 1 }
                i = min(i, u.count)
                out +=
                    secret && i > valueStart
                    ? Array(Secrets.mask.utf8) : maskedDbname(key, u[valueStart..<i], quoted: false) ?? Array(u[valueStart..<i])
            }
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// libpq expands a `dbname` value that is itself a connection string (a URL or key=value pairs): its secrets
    /// are masked too. Returns the value to write (quoted), or nil when `key` is not dbname or nothing changed.
    fileprivate static func maskedDbname(_ key: [UInt8], _ raw: ArraySlice<UInt8>, quoted: Bool) -> [UInt8]? {
        guard key == Array("dbname".utf8), raw.contains(0x3d) || raw.contains(0x3a) else { return nil }
        var value: [UInt8] = []
        var k = raw.startIndex + (quoted ? 1 : 0)
        let end = raw.endIndex - (quoted ? 1 : 0)
        while k < end {
            if raw[k] == 0x5c, k + 1 < end { k += 1 }
            value.append(raw[k])
            k += 1
        }
        let text = String(decoding: value, as: UTF8.self)
        let masked = mask(text)
        guard masked != text else { return nil }
        return Array(("'" + masked.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "'", with: "\\'") + "'").utf8)
    }
}
