import Foundation

/// A version conflict in typed fields: what `append`, `appendMulti` and `appendIf` report when a stream's
/// version did not match (the server sends them as the error's detail, `{"stream", "expected", "actual"}`).
public struct VersionConflict: Sendable, Equatable {
    /// The stream whose version did not match.
    public let stream: String
    /// What the append expected.
    public let expected: ExpectedVersion
    /// The stream's version when the append ran (0: the stream had no events).
    public let actual: Int64

    public init(stream: String, expected: ExpectedVersion, actual: Int64) {
        self.stream = stream
        self.expected = expected
        self.actual = actual
    }
}

extension StoreError {
    /// The conflict's stream, expected and actual version, for a `.conflict` raised by a version check; nil for
    /// any other error (and for an `appendIf` whose query context, not a version, did not match).
    public var versionConflict: VersionConflict? {
        guard code == .conflict, let detail,
            let object = try? JSONSerialization.jsonObject(with: Data(detail.utf8)) as? [String: Any],
            let stream = object["stream"] as? String, let expected = (object["expected"] as? NSNumber)?.int64Value,
            let actual = (object["actual"] as? NSNumber)?.int64Value
        else { return nil }
        let e: ExpectedVersion =
            switch expected {
            case -2: .noStream
            case -3: .streamExists
            case ..<0: .any
            default: .exact(expected)
            }
        return VersionConflict(stream: stream, expected: e, actual: actual)
    }
}
