/// Which query texts `BackendInspector.explain(pid:)` may send to EXPLAIN: one whole read-only query (SELECT,
/// VALUES, TABLE, or WITH whose every part reads), without positional parameters, row locks or `INTO`. Keywords
/// count only outside comments, string literals and quoted names (`SQLScanner`). docs/sessions.md, "EXPLAIN".
public enum SafeExplain {
    /// The statements EXPLAIN is run on.
    static let readOnlyStarts: Set<String> = ["SELECT", "VALUES", "TABLE", "WITH"]
    /// Words that change data wherever they stand (a data-modifying WITH).
    static let writingWords: Set<String> = ["INSERT", "UPDATE", "DELETE", "MERGE"]

    /// nil when `query` may be explained; otherwise the reason, one sentence. Pure (no server).
    /// - Parameters:
    ///   - query: the text as pg_stat_activity holds it.
    ///   - truncated: the server cut the text at `track_activity_query_size`.
    public static func refusal(query: String, truncated: Bool) -> String? {
        if truncated {
            return "the query text is cut off at track_activity_query_size, so the whole statement is unknown"
        }
        guard let tokens = try? SQLScanner.tokens(query) else {
            return "the query text opens a quote or comment it never closes, so it is not a whole statement"
        }
        let statements = tokens.split(separator: .semicolon, omittingEmptySubsequences: true)
        guard let statement = statements.first.map(Array.init) else { return "there is no statement in the query text" }
        if statements.count > 1 { return "the query text holds \(statements.count) statements; EXPLAIN plans one" }
        return refusal(statement)
    }

    /// The rules for one statement's tokens.
    private static func refusal(_ tokens: [SQLScanner.Token]) -> String? {
        guard let first = firstWord(tokens) else { return "the statement does not start with a keyword" }
        if first == "EXPLAIN" { return "it is an EXPLAIN itself; storetop never runs EXPLAIN ANALYZE, which executes the statement" }
        if writingWords.contains(first) { return "it is \(article(first)) \(first), which changes data; only read-only queries are explained" }
        guard readOnlyStarts.contains(first) else {
            return "it is \(first), not a query; only SELECT, VALUES, TABLE and WITH … SELECT are explained"
        }
        let words = tokens.compactMap { t -> String? in if case .word(let w) = t { w } else { nil } }
        if let p = tokens.lazy.compactMap({ t -> String? in if case .parameter(let p) = t { p } else { nil } }).first {
            return "it has bind parameters (\(p)) whose values pg_stat_activity does not show, so its plan is unknown"
        }
        if let lock = rowLock(words) { return "it locks rows (\(lock)) when run; such statements are not explained" }
        if let w = words.first(where: writingWords.contains) {
            return "it changes data (\(w) inside a WITH); only read-only queries are explained"
        }
        if words.contains("INTO") { return "it is a SELECT … INTO, which creates a table; only read-only queries are explained" }
        return nil
    }

    /// "a" or "an" before a keyword read aloud.
    private static func article(_ word: String) -> String { "AEIOU".contains(word.prefix(1)) ? "an" : "a" }

    /// The first word, after any opening parentheses.
    private static func firstWord(_ tokens: [SQLScanner.Token]) -> String? {
        for t in tokens {
            switch t {
            case .word(let w): return w
            case .symbol("("): continue
            default: return nil
            }
        }
        return nil
    }

    /// `FOR UPDATE`, `FOR NO KEY UPDATE`, `FOR SHARE`, `FOR KEY SHARE`, as written, when present.
    private static func rowLock(_ words: [String]) -> String? {
        for (k, w) in words.enumerated() where w == "FOR" && k + 1 < words.count {
            switch words[k + 1] {
            case "UPDATE", "SHARE": return "FOR \(words[k + 1])"
            case "NO": return "FOR NO KEY UPDATE"
            case "KEY": return "FOR KEY SHARE"
            default: continue
            }
        }
        return nil
    }
}
