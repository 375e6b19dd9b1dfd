import Foundation
import SafeText
import StoreAccess
import StoreMetrics

/// The properties the fuzzers check, one function per parser. Each takes arbitrary bytes and traps (through
/// `check`) when a property breaks; a thrown `StoreError` of the expected kind is a correct answer to bad input.
/// The same functions run the kept corpus (including every crash found) in the ordinary test suite.
public enum FuzzChecks {
    public static let targets: [String: @Sendable ([UInt8]) -> Void] = [
        "dsn": dsn, "appname": applicationName, "identifier": identifier, "where": whereExpression,
        "exposition": exposition,
    ]

    /// A broken property: print what broke and stop (libFuzzer keeps the input as a crash artifact).
    static func check(_ ok: Bool, _ what: @autoclosure () -> String, _ input: [UInt8]) {
        if !ok {
            let line =
                "fuzz property broken: \(what())\ninput (\(input.count) bytes): \(input.map { String($0, radix: 16) }.joined(separator: " "))\n"
            FileHandle.standardError.write(Data(line.utf8))
            fatalError("fuzz property broken")
        }
    }

    static func text(_ data: [UInt8]) -> String { String(decoding: data, as: UTF8.self) }

    /// DSN parsing and masking: parsing fails only with `.invalidDSN` (and the error shows no password); when
    /// libpq reads the DSN, it reads the masked form too, with every parameter unchanged but the password, which
    /// is the mask; the redacted form and the description hide the password from libpq as well; masking a DSN
    /// libpq reads is idempotent.
    @Sendable public static func dsn(_ data: [UInt8]) {
        let raw = text(data)
        guard !raw.utf8.contains(0) else { return }  // a C string cannot carry it: libpq never sees such a DSN
        let masked = ConnectionString.mask(raw)
        let parsed: ConnectionString
        do { parsed = try ConnectionString(raw, environment: [:]) } catch let e as StoreError {
            check(e.code == .invalidDSN, "unexpected error \(e.code)", data)
            return
        } catch { check(false, "not a StoreError: \(error)", data); return }
        guard !raw.hasPrefix("env:") else { return }
        // (for text libpq refuses, masking is best effort: such a string never connects)
        check(ConnectionString.mask(masked) == masked, "mask is not idempotent: \(masked)", data)
        let want = parsed.parameters(masked: false)
        let got = (try? ConnectionString(masked, environment: [:]))?.parameters(masked: false)
        check(got != nil, "libpq reads the DSN but not its masked form: \(masked)", data)
        if let got {
            var expected = want
            for key in ConnectionString.secretKeys { if let p = expected[key], !p.isEmpty { expected[key] = Secrets.mask } }
            // a connection string nested in dbname may be masked as one (key=value and URL query forms): dbname
            // is then the masked form of what libpq read; every other parameter is unchanged
            var gotRest = got
            if let d = expected.removeValue(forKey: "dbname") {
                let g = gotRest.removeValue(forKey: "dbname")
                check(g == d || g == ConnectionString.mask(d), "masking changed dbname: \(g ?? "nil") vs \(d)", data)
            }
            check(gotRest == expected, "masking changed what libpq reads: \(gotRest) vs \(expected)", data)
        }
        for (name, shown) in [("redact", Secrets.redact(raw)), ("description", parsed.description)] {
            let again = (try? ConnectionString(shown, environment: [:]))?.parameters(masked: false)["password"]
            check(again == nil || again == Secrets.mask || again == "", "\(name) leaves password \(again ?? "") in \(shown)", data)
        }
    }

    /// application_name: whatever the parts, the rendered name is at most 63 bytes of printable ASCII (all
    /// PostgreSQL keeps), parses back to the same parts unless it had to be cut, and parsing any text either
    /// fails or yields parts that render and parse to themselves.
    @Sendable public static func applicationName(_ data: [UInt8]) {
        let parts = data.split(separator: 0, maxSplits: 2, omittingEmptySubsequences: false).map { text(Array($0)) }
        let service = parts.first ?? "", store = parts.count > 1 ? parts[1] : "events", tenant = parts.count > 2 ? parts[2] : nil
        let n = ApplicationName(service: service, store: store, tenant: tenant)
        let r = n.rendered
        check(r.utf8.count <= ApplicationName.maxBytes, "rendered \(r.utf8.count) bytes", data)
        check(r.utf8.allSatisfy { $0 >= 0x20 && $0 < 0x7f }, "rendered non-printable bytes: \(r)", data)
        let back = ApplicationName.parse(r)
        // (an empty service renders a name storetop files under "other clients": not ours to parse back)
        // (parts holding controls, bidi overrides or invisible characters are never ours: they render, but the
        // parser refuses them, so such a session is shown escaped among other clients)
        let hostile = [service, store, tenant ?? ""].contains { DisplayText.needsEscaping($0) }
        check(back != nil || service.isEmpty || hostile, "rendered name does not parse: \(r)", data)
        if let b = back, !b.truncated {
            check(b.service == n.service && b.store == n.store && b.tenant == n.tenant, "round trip changed \(r)", data)
        }
        if let p = ApplicationName.parse(text(data)) {
            // the parser percent-decodes: what it yields is never terminal control (issue 16 §1)
            check(![p.service, p.store, p.tenant ?? ""].contains { DisplayText.needsEscaping($0) }, "decoded controls in \(p)", data)
        }
        if let p = ApplicationName.parse(text(data)), !p.service.isEmpty {
            let again = ApplicationName.parse(p.rendered)
            check(again != nil, "a parsed name renders to one that does not parse: \(p.rendered)", data)
            if let again {
                if again.truncated {
                    // cut to fit 63 bytes: each part is a prefix of the original
                    check(
                        p.service.hasPrefix(again.service) && p.store.hasPrefix(again.store)
                            && (again.tenant.map { (p.tenant ?? "").hasPrefix($0) } ?? true), "cut parts are not prefixes: \(p.rendered)", data)
                } else {
                    check(
                        again.service == p.service && again.store == p.store && again.tenant == p.tenant,
                        "parsed name does not round-trip: \(p.rendered)", data)
                }
            }
        }
    }

    /// Identifiers: accepted names are 1–63 bytes without NUL, and quoting yields one well-formed quoted
    /// identifier (starts and ends with a double quote, every inner quote doubled); refusals are `.invalidName`.
    @Sendable public static func identifier(_ data: [UInt8]) {
        let s = text(data)
        do {
            let id = try Identifier(s)
            check(!s.isEmpty && s.utf8.count <= 63 && !s.utf8.contains(0), "accepted \(s.utf8.count) bytes", data)
            let q = Array(id.quoted.utf8)
            check(q.count >= 2 && q.first == 0x22 && q.last == 0x22, "bad quoting", data)
            var i = 1
            while i < q.count - 1 {
                if q[i] == 0x22 { check(i + 1 < q.count - 1 && q[i + 1] == 0x22, "lone quote inside", data); i += 2 } else { i += 1 }
            }
            check(Identifier.problem(with: s) == nil, "problem(with:) disagrees", data)
        } catch let e as StoreError {
            check(e.code == .invalidName, "unexpected error \(e.code)", data)
            check(Identifier.problem(with: s) != nil, "refused without a problem", data)
        } catch { check(false, "not a StoreError: \(error)", data) }
    }

    /// Where-expressions: parsing fails only with `.invalidArgument`; a parsed expression names only plain
    /// column names (no quotes, spaces or punctuation that could leave an identifier) and known operators.
    @Sendable public static func whereExpression(_ data: [UInt8]) {
        let s = text(data)
        do {
            let e = try WhereExpression.parse(s)
            for c in e.columns {
                check(
                    !c.isEmpty
                        && c.unicodeScalars.allSatisfy { $0 == "_" || ($0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0))) },
                    "column \(c) is not a plain name", data)
            }
            func ops(_ x: WhereExpression) -> [String] {
                switch x {
                case .and(let a, let b), .or(let a, let b): return ops(a) + ops(b)
                case .not(let a): return ops(a)
                case .compare(_, let op, _): return [op]
                case .isNull: return []
                }
            }
            let allowed: Set<String> = ["=", "!=", "<>", "<", "<=", ">", ">=", "LIKE", "ILIKE", "NOT LIKE", "NOT ILIKE"]
            for op in ops(e) { check(allowed.contains(op.uppercased()), "operator \(op)", data) }
        } catch let e as StoreError {
            check(e.code == .invalidArgument, "unexpected error \(e.code)", data)
        } catch { check(false, "not a StoreError: \(error)", data) }
    }
}
