/// How the endpoint answers one request target: a route to serve, or the response that refuses it before anything
/// runs (404 for an unknown path, 400 for a `/probe` whose query names no usable target).
enum RouteMatch: Sendable, Equatable {
    /// Serve this route (the responder answers).
    case serve(MetricsRoute)
    /// Answer with this response and close.
    case refuse(MetricsResponse)
}

extension MetricsRoute {
    /// The match of a request target (`/path?query`). Only `/probe` reads its query; the other paths ignore one, as
    /// they always did (Prometheus may add parameters of its own to a scrape URL).
    static func match(_ uri: String) -> RouteMatch {
        let parts = uri.split(separator: "?", maxSplits: 1, omittingEmptySubsequences: false)
        let path = parts.first.map(String.init) ?? uri
        switch path {
        case "/metrics": return .serve(.metrics)
        case "/-/healthy": return .serve(.healthy)
        case "/": return .serve(.index)
        case "/probe": return probe(query: parts.count > 1 ? parts[1] : "")
        default: return .refuse(MetricsResponse(status: 404, body: "not found: try /metrics\n"))
        }
    }

    /// `/probe?target=NAME` (the multi-target exporter pattern of blackbox and postgres_exporter): the first
    /// `target` parameter, decoded. The name is never echoed in a refusal: it may hold anything a client sent.
    static func probe(query: Substring) -> RouteMatch {
        func bad(_ why: String) -> RouteMatch { .refuse(MetricsResponse(status: 400, body: why + "\n")) }
        guard let pairs = QueryString.parse(query) else {
            return bad("malformed query string: a %-escape is not two hex digits or the bytes are not UTF-8")
        }
        guard let name = pairs.first(where: { $0.name == "target" })?.value, !name.isEmpty else {
            return bad("/probe needs a target: /probe?target=NAME")
        }
        guard !name.unicodeScalars.contains(where: QueryString.isControlOrInvisible) else {
            return bad("the target name holds control or invisible characters")
        }
        return .serve(.probe(target: name))
    }
}

/// The query of a request target, decoded as HTML forms and Prometheus's `params` encode it
/// (application/x-www-form-urlencoded: `&`-separated `name=value` pairs, `+` for a space, `%XX` for a byte).
enum QueryString {
    /// The pairs in order (a pair without `=` has an empty value), or nil when an escape is malformed or the
    /// decoded bytes are not UTF-8.
    static func parse(_ query: Substring) -> [(name: String, value: String)]? {
        var pairs: [(name: String, value: String)] = []
        for item in query.split(separator: "&", omittingEmptySubsequences: true) {
            let kv = item.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            guard let name = decode(kv[0]), let value = decode(kv.count > 1 ? kv[1] : "") else { return nil }
            pairs.append((name, value))
        }
        return pairs
    }

    /// One component: `+` → space, `%XX` → that byte, then the bytes as UTF-8 (nil when either is malformed).
    static func decode(_ text: Substring) -> String? {
        var bytes: [UInt8] = []
        var it = Array(text.utf8).makeIterator()
        while let b = it.next() {
            switch b {
            case UInt8(ascii: "+"): bytes.append(UInt8(ascii: " "))
            case UInt8(ascii: "%"):
                guard let hi = it.next().flatMap(hex), let lo = it.next().flatMap(hex) else { return nil }
                bytes.append(hi << 4 | lo)
            default: bytes.append(b)
            }
        }
        return String(validating: bytes, as: UTF8.self)
    }

    private static func hex(_ b: UInt8) -> UInt8? {
        switch b {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): return b - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): return b - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): return b - UInt8(ascii: "A") + 10
        default: return nil
        }
    }

    /// Controls (C0, DEL, C1) and format characters (bidi overrides, zero-width joiners): a target name with one
    /// would show differently from what it is in logs and in the exporter's labels.
    static func isControlOrInvisible(_ s: Unicode.Scalar) -> Bool {
        switch s.properties.generalCategory {
        case .control, .format, .lineSeparator, .paragraphSeparator: return true
        default: return false
        }
    }
}
