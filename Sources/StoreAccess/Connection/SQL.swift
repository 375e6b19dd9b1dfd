/// A statement whose interpolated values become bind parameters (`$1`, `$2`, …), never SQL text.
///
///     let sql: SQL = "SELECT version FROM \(ident: schema).streams WHERE tenant = \(tenant) AND stream = \(name)"
///
/// Identifiers go in through `\(ident:)`, validated and quoted by `Identifier`. Raw text needs the spelled-out
/// `\(unsafeRaw:)` or `SQL(unsafeRaw:)`. Every statement may carry a name, reported in errors and logs.
public struct SQL: Sendable, ExpressibleByStringInterpolation, CustomStringConvertible {
    public private(set) var text: String
    public private(set) var binds: [String?]
    mutating func setBinds(_ b: [String?]) { binds = b }

    /// A stable name for the statement (e.g. `events.append`), shown in errors.
    public var name: String?

    public init(stringLiteral value: String) {
        text = value
        binds = []
    }

    public init(stringInterpolation: StringInterpolation) {
        text = stringInterpolation.text
        binds = stringInterpolation.binds
    }

    /// Raw SQL text with already-numbered parameters. Never build `text` from untrusted input.
    public init(unsafeRaw text: String, binds: [any PostgresEncodable] = [], name: String? = nil) {
        self.text = text
        self.binds = binds.map { $0.postgresText }
        self.name = name
    }

    /// The same statement with a name for errors and logs.
    public func named(_ name: String) -> SQL {
        var s = self
        s.name = name
        return s
    }

    public var description: String { name ?? String(text.prefix(60)) }

    public struct StringInterpolation: StringInterpolationProtocol {
        var text = ""
        var binds: [String?] = []

        public init(literalCapacity: Int, interpolationCount: Int) {
            text.reserveCapacity(literalCapacity + interpolationCount * 3)
        }

        public mutating func appendLiteral(_ literal: String) { text += literal }

        /// A value: becomes the next `$n` parameter.
        public mutating func appendInterpolation<T: PostgresEncodable>(_ value: T) {
            binds.append(value.postgresText)
            text += "$\(binds.count)"
        }

        /// An optional value: NULL when nil.
        public mutating func appendInterpolation<T: PostgresEncodable>(_ value: T?) {
            binds.append(value?.postgresText)
            text += "$\(binds.count)"
        }

        /// An identifier, quoted.
        public mutating func appendInterpolation(ident: Identifier) { text += ident.quoted }

        /// Raw SQL text. Only for trusted, constant fragments.
        public mutating func appendInterpolation(unsafeRaw: String) { text += unsafeRaw }
    }
}
