import CZlib
import Foundation

/// A snapshot's JSON as stored in `snapshots.body` (format 2): zlib-compressed in the convention of SQLite's
/// SQL Archive, so the `sqlite3` shell reads it back with its built-in `sqlar_uncompress(body, bytes)`: the
/// blob is zlib's `compress2` output when that is smaller, else the JSON itself, and `bytes` is the JSON's length.
/// Format 1 files hold the JSON as text; both read.
enum BodyCompression {
    /// The stored form of `json`: compressed when that saves bytes.
    static func pack(_ json: Data) -> Data {
        var size = compressBound(uLong(json.count))
        var out = Data(count: Int(size))
        let status = out.withUnsafeMutableBytes { o in
            json.withUnsafeBytes { i in
                compress2(
                    o.baseAddress!.assumingMemoryBound(to: Bytef.self), &size, i.baseAddress!.assumingMemoryBound(to: Bytef.self),
                    uLong(json.count), 6)
            }
        }
        guard status == Z_OK, Int(size) < json.count else { return json }
        return out.prefix(Int(size))
    }

    /// The JSON of a stored body: text as it is (format 1), a blob of `bytes` bytes as it is, a shorter blob
    /// uncompressed to `bytes`.
    static func unpack(_ value: DatabaseValueConvertibleBody, bytes: Int) throws -> Data {
        switch value {
        case .text(let s): return Data(s.utf8)
        case .blob(let b) where b.count == bytes: return b
        case .blob(let b):
            var size = uLong(bytes)
            var out = Data(count: bytes)
            let status = out.withUnsafeMutableBytes { o in
                b.withUnsafeBytes { i in
                    uncompress(
                        o.baseAddress!.assumingMemoryBound(to: Bytef.self), &size, i.baseAddress!.assumingMemoryBound(to: Bytef.self), uLong(b.count))
                }
            }
            guard status == Z_OK, Int(size) == bytes else { throw RecordingError("a snapshot's body does not uncompress (zlib status \(status))") }
            return out
        }
    }
}

/// A `body` value as read: text (format 1) or a blob (format 2).
enum DatabaseValueConvertibleBody {
    case text(String)
    case blob(Data)
}
