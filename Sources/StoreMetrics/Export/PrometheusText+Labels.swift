extension PrometheusText {
    /// A sample's labels, escaped once when made: `name="value",…` (no braces). A row's labels are made once and
    /// extended per sample (`with`), so a consumer's ten series escape its names once, not ten times.
    public struct Labels: Sendable {
        /// The escaped text between the braces; empty when there are no labels.
        public private(set) var body: String

        /// No labels.
        public static let none = Labels(body: "")

        /// `pairs` in order, each value escaped (`PrometheusText.escapeLabel`).
        public init(_ pairs: [(String, String)]) {
            body = ""
            for (name, value) in pairs { append(name, value) }
        }

        private init(body: String) { self.body = body }

        /// These labels and `name="value"` after them.
        public func with(_ name: String, _ value: String) -> Labels {
            var l = self
            l.append(name, value)
            return l
        }

        /// `first`'s labels, then these.
        func after(_ first: Labels) -> Labels {
            first.body.isEmpty ? self : body.isEmpty ? first : Labels(body: first.body + "," + body)
        }

        private mutating func append(_ name: String, _ value: String) {
            let escaped = PrometheusText.escapeLabel(value)
            body.reserveCapacity(body.utf8.count + name.utf8.count + escaped.utf8.count + 4)
            if !body.isEmpty { body += "," }
            body += name
            body += "=\""
            body += escaped
            body += "\""
        }
    }
}
