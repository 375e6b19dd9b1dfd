import SafeText

/// The `application_name` every StoreAccess connection carries, naming its service, store and tenant, so a
/// DBA (and storetop) can group `pg_stat_activity` by them. This type is the one place that formats and
/// parses it.
///
/// Format: `st:<service>/<store>[/<tenant>]`
/// - Components are percent-encoded: every byte outside printable ASCII, and `%`, `/`, `~`, is written as
///   `%XX`. PostgreSQL keeps only printable ASCII in `application_name`, so this is what makes non-ASCII
///   names survive the round trip.
/// - The whole value is capped at 63 bytes (NAMEDATALEN − 1). When it would be longer, the longest
///   components are shortened on a character boundary (never inside an escape) and end with `~`.
public struct ApplicationName: Sendable, Hashable, CustomStringConvertible {
    public static let prefix = "st:"
    public static let maxBytes = 63

    public let service: String
    public let store: String
    public let tenant: String?
    /// True when a component was shortened to fit 63 bytes (then it holds the kept prefix).
    public let truncated: Bool

    public init(service: String, store: String, tenant: String? = nil) {
        self.service = service
        self.store = store
        self.tenant = (tenant?.isEmpty ?? true) ? nil : tenant
        self.truncated = false
    }

    init(service: String, store: String, tenant: String?, truncated: Bool) {
        self.service = service
        self.store = store
        self.tenant = tenant
        self.truncated = truncated
    }

    /// The value sent as `application_name`: at most 63 bytes, printable ASCII.
    public var rendered: String {
        var parts = [service, store] + (tenant.map { [$0] } ?? [])
        var encoded = parts.map(ApplicationName.encode)
        func total() -> Int { ApplicationName.prefix.utf8.count + encoded.reduce(0) { $0 + $1.utf8.count } + encoded.count - 1 }
        // Shorten the longest component one character at a time until it fits.
        while total() > ApplicationName.maxBytes {
            guard let i = encoded.indices.max(by: { encoded[$0].utf8.count < encoded[$1].utf8.count }),
                !parts[i].isEmpty
            else { break }
            parts[i].removeLast()
            encoded[i] = ApplicationName.encode(parts[i]) + "~"
        }
        return ApplicationName.prefix + encoded.joined(separator: "/")
    }

    public var description: String { rendered }

    /// Parses an `application_name` from `pg_stat_activity`. Returns nil for names that are not in this
    /// format (other clients: psql, pgbench, other libraries).
    public static func parse(_ value: String) -> ApplicationName? {
        guard value.hasPrefix(prefix) else { return nil }
        let body = value.dropFirst(prefix.count)
        let pieces = body.split(separator: "/", omittingEmptySubsequences: false)
        guard pieces.count == 2 || pieces.count == 3 else { return nil }
        var truncated = false
        var decoded: [String] = []
        for piece in pieces {
            var p = Substring(piece)
            if p.hasSuffix("~") { truncated = true; p = p.dropLast() }
            guard let d = decode(p) else { return nil }
            decoded.append(d)
        }
        guard !decoded[0].isEmpty || truncated else { return nil }
        return ApplicationName(
            service: decoded[0], store: decoded[1],
            tenant: decoded.count == 3 ? decoded[2] : nil, truncated: truncated)
    }

    static func encode(_ s: String) -> String {
        var out = ""
        for b in s.utf8 {
            if b >= 0x20 && b < 0x7f && b != 0x25 && b != 0x2f && b != 0x7e {
                out.unicodeScalars.append(UnicodeScalar(b))
            } else {
                out += "%" + (b < 16 ? "0" : "") + String(b, radix: 16, uppercase: true)
            }
        }
        return out
    }

    static func decode(_ s: Substring) -> String? {
        var bytes: [UInt8] = []
        var it = s.utf8.makeIterator()
        while let b = it.next() {
            if b == 0x25 {
                guard let h = it.next(), let l = it.next(), let v = UInt8(String(decoding: [h, l], as: UTF8.self), radix: 16)
                else { return nil }
                bytes.append(v)
            } else {
                bytes.append(b)
            }
        }
        // A decoded control, bidi override or invisible character is not ours: such a name is another client's
        // (and shown escaped), never a service, store or tenant.
        guard let text = String(validating: bytes, as: UTF8.self), !DisplayText.needsEscaping(text) else { return nil }
        return text
    }
}
