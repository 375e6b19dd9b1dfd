/// A where-expression for the table store, parsed, never pasted into SQL:
///
///     status = :status AND (age >= :min OR name LIKE :pattern) AND deleted_at IS NULL
///
/// Grammar: `expr := and (OR and)*`, `and := unary (AND unary)*`, `unary := NOT unary | '(' expr ')' | cmp`,
/// `cmp := column (= | == | != | <> | < | <= | > | >=) value | column [NOT] LIKE value | column [NOT] ILIKE value |
/// column IS [NOT] NULL | column (= | ==) NULL | column (!= | <>) NULL`, `value := :name | number | 'string' | TRUE |
/// FALSE`. `==` is `=`; `= NULL` and `!= NULL` / `<> NULL` are folded to `IS NULL` / `IS NOT NULL` (what they
/// mean to someone writing them; SQL's own `= NULL` is never true). At most `maxConditions` comparisons. Strings
/// are SQL's: single quotes, a quote doubled inside; double-quoted strings (SQL identifiers) and backslash
/// escapes are refused with an error that says what to write instead. Columns must exist in the table (`LIKE`
/// and `ILIKE` only on text columns); every value becomes a bind parameter cast to the column's type.
public indirect enum WhereExpression: Sendable, Equatable {
    case and(WhereExpression, WhereExpression)
    case or(WhereExpression, WhereExpression)
    case not(WhereExpression)
    case compare(column: String, op: String, value: Operand)
    case isNull(column: String, negated: Bool)

    public enum Operand: Sendable, Equatable {
        case parameter(String)
        case literal(TableValue)
    }

    /// The most comparisons (`cmp`) one expression may hold.
    public static let maxConditions = 256

    /// Parses `text`; throws `.invalidArgument` with the position of the problem.
    public static func parse(_ text: String) throws -> WhereExpression {
        var p = Parser(tokens: try tokenize(text))
        let e = try p.expression()
        if let t = p.peek { throw StoreError(.invalidArgument, "unexpected \(t) at the end of the where-expression") }
        return e
    }

    /// Column names the expression uses.
    public var columns: Set<String> {
        switch self {
        case .and(let a, let b), .or(let a, let b): return a.columns.union(b.columns)
        case .not(let a): return a.columns
        case .compare(let c, _, _), .isNull(let c, _): return [c]
        }
    }

    enum Token: Equatable, CustomStringConvertible {
        case ident(String), param(String), number(String), string(String), op(String), lparen, rparen
        var description: String {
            switch self {
            case .ident(let s): return "'\(s)'"
            case .param(let s): return "':\(s)'"
            case .number(let s): return s
            case .string: return "a string"
            case .op(let s): return "'\(s)'"
            case .lparen: return "'('"
            case .rparen: return "')'"
            }
        }
    }

    static func tokenize(_ s: String) throws -> [Token] {
        let u = Array(s.unicodeScalars)
        var i = 0
        var out: [Token] = []
        func isIdentStart(_ c: Unicode.Scalar) -> Bool { c == "_" || (c.isASCII && c.properties.isAlphabetic) }
        func isIdent(_ c: Unicode.Scalar) -> Bool { isIdentStart(c) || ("0"..."9").contains(c) }
        guard u.count <= 10_000 else { throw StoreError(.invalidArgument, "where-expression longer than 10000 characters") }
        while i < u.count {
            let c = u[i]
            if c == " " || c == "\t" || c == "\n" || c == "\r" { i += 1; continue }
            if c == "(" { out.append(.lparen); i += 1; continue }
            if c == ")" { out.append(.rparen); i += 1; continue }
            if c == ":" {
                var j = i + 1
                while j < u.count, isIdent(u[j]) { j += 1 }
                guard j > i + 1 else { throw StoreError(.invalidArgument, "':' must start a parameter name (position \(i))") }
                out.append(.param(String(String.UnicodeScalarView(u[(i + 1)..<j])))); i = j; continue
            }
            if c == "'" {
                let (v, end) = try string(u, from: i)
                out.append(.string(v)); i = end; continue
            }
            if c == "\"" { throw StoreError(.invalidArgument, doubleQuoteAdvice(at: i)) }
            if c == "\\" { throw StoreError(.invalidArgument, backslashAdvice(at: i)) }
            if ("0"..."9").contains(c) || (c == "-" && i + 1 < u.count && ("0"..."9").contains(u[i + 1])) {
                var j = i + 1
                while j < u.count, ("0"..."9").contains(u[j]) || u[j] == "." { j += 1 }
                out.append(.number(String(String.UnicodeScalarView(u[i..<j])))); i = j; continue
            }
            if isIdentStart(c) {
                var j = i
                while j < u.count, isIdent(u[j]) { j += 1 }
                out.append(.ident(String(String.UnicodeScalarView(u[i..<j])))); i = j; continue
            }
            if let op = ["<=", ">=", "<>", "!=", "==", "=", "<", ">"].first(where: {
                String(String.UnicodeScalarView(u[i..<min(u.count, i + $0.count)])) == $0
            }) {
                out.append(.op(op)); i += op.count
                continue
            }
            throw StoreError(.invalidArgument, "unexpected character '\(c)' at position \(i) of the where-expression")
        }
        return out
    }

    /// The single-quoted string starting at `start`: its text and the index after it.
    static func string(_ u: [Unicode.Scalar], from start: Int) throws -> (String, Int) {
        var j = start + 1
        var v = ""
        while true {
            guard j < u.count else { throw StoreError(.invalidArgument, "unterminated string starting at position \(start)") }
            if u[j] == "\\" { throw StoreError(.invalidArgument, backslashAdvice(at: j)) }
            if u[j] == "'" { if j + 1 < u.count, u[j + 1] == "'" { v += "'"; j += 2; continue }; break }
            v.unicodeScalars.append(u[j]); j += 1
        }
        return (v, j + 1)
    }

    static func doubleQuoteAdvice(at i: Int) -> String {
        "double quotes at position \(i) are not accepted (in SQL they quote identifiers): write text in single quotes, "
            + "name = 'Alice', doubling a quote inside ('O''Brien'), or bind it as a :parameter"
    }

    static func backslashAdvice(at i: Int) -> String {
        "backslash escapes (position \(i)) are not accepted: write a single quote inside a string as two ('O''Brien'); "
            + "bind text with backslashes or control characters as a :parameter"
    }

    struct Parser {
        let tokens: [Token]
        var i = 0
        var depth = 0
        var conditions = 0
        var peek: Token? { i < tokens.count ? tokens[i] : nil }
        mutating func keyword(_ k: String) -> Bool {
            if case .ident(let s)? = peek, s.uppercased() == k { i += 1; return true }
            return false
        }
        mutating func expression() throws -> WhereExpression {
            depth += 1
            defer { depth -= 1 }
            guard depth < 64 else { throw StoreError(.invalidArgument, "where-expression nested too deeply") }
            var e = try andExpr()
            while keyword("OR") { e = .or(e, try andExpr()) }
            return e
        }
        mutating func andExpr() throws -> WhereExpression {
            var e = try unary()
            while keyword("AND") { e = .and(e, try unary()) }
            return e
        }
        mutating func unary() throws -> WhereExpression {
            if keyword("NOT") { return .not(try unary()) }
            if peek == .lparen {
                i += 1
                let e = try expression()
                guard peek == .rparen else { throw StoreError(.invalidArgument, "missing ')' in the where-expression") }
                i += 1
                return e
            }
            return try comparison()
        }
        mutating func comparison() throws -> WhereExpression {
            guard case .ident(let col)? = peek, !["AND", "OR", "NOT", "IS", "NULL", "LIKE", "ILIKE"].contains(col.uppercased()) else {
                throw StoreError(.invalidArgument, "expected a column name, found \(peek.map { "\($0)" } ?? "the end")")
            }
            i += 1
            conditions += 1
            guard conditions <= WhereExpression.maxConditions else {
                throw StoreError(.invalidArgument, "the where-expression has more than \(WhereExpression.maxConditions) conditions")
            }
            if keyword("IS") {
                let neg = keyword("NOT")
                guard keyword("NULL") else { throw StoreError(.invalidArgument, "expected NULL after IS") }
                return .isNull(column: col, negated: neg)
            }
            let neg = keyword("NOT")
            if keyword("LIKE") {
                let v = try operand(); return neg ? .not(.compare(column: col, op: "LIKE", value: v)) : .compare(column: col, op: "LIKE", value: v)
            }
            if keyword("ILIKE") {
                let v = try operand(); return neg ? .not(.compare(column: col, op: "ILIKE", value: v)) : .compare(column: col, op: "ILIKE", value: v)
            }
            if neg { throw StoreError(.invalidArgument, "expected LIKE or ILIKE after NOT") }
            guard case .op(let written)? = peek else { throw StoreError(.invalidArgument, "expected an operator after \(col)") }
            i += 1
            let op = written == "!=" ? "<>" : written == "==" ? "=" : written
            if keyword("NULL") {
                guard op == "=" || op == "<>" else {
                    throw StoreError(.invalidArgument, "NULL compares only with = or != (read as IS NULL / IS NOT NULL), not \(written)")
                }
                return .isNull(column: col, negated: op == "<>")
            }
            return .compare(column: col, op: op, value: try operand())
        }
        mutating func operand() throws -> Operand {
            switch peek {
            case .param(let p)?: i += 1; return .parameter(p)
            case .number(let n)?:
                i += 1
                if let v = Int64(n) { return .literal(.int(v)) }
                if let d = Double(n) { return .literal(.double(d)) }
                throw StoreError(.invalidArgument, "bad number \(n)")
            case .string(let s)?: i += 1; return .literal(.string(s))
            case .ident(let s)? where ["TRUE", "FALSE"].contains(s.uppercased()):
                i += 1
                return .literal(.bool(s.uppercased() == "TRUE"))
            default: throw StoreError(.invalidArgument, "expected a value (:name, a number or 'text'), found \(peek.map { "\($0)" } ?? "the end")")
            }
        }
    }
}
