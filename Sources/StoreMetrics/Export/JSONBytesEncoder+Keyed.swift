/// An object's container: each value is written at once after the object's earlier values; the member (key id and
/// where its value is) is recorded for the object's close.
struct JSONBytesKeyed<Key: CodingKey>: KeyedEncodingContainerProtocol {
    let writer: JSONBytesWriter
    let frame: Int
    var codingPath: [any CodingKey] { [] }

    @inline(__always)
    private func member(_ key: Key, _ write: () throws -> Void) rethrows {
        let w = writer
        w.prepare(frame)
        let id = w.keys.id(
            key.stringValue, snakeCase: w.options.snakeCaseKeys, escapeSlashes: w.options.escapeSlashes, escapeInvisible: w.options.escapeInvisible)
        let start = w.out.count
        try write()
        w.entries.append(JSONBytesWriter.Entry(key: id, start: start, end: w.out.count))
    }

    /// The depth of this object's members.
    private var depth: Int { writer.frames[writer.frameIndex(frame)].depth + 1 }

    mutating func encodeNil(forKey key: Key) throws { member(key) { writer.raw("null") } }
    mutating func encode(_ value: Bool, forKey key: Key) throws { member(key) { value.write(to: writer) } }
    mutating func encode(_ value: String, forKey key: Key) throws { member(key) { writer.string(value) } }
    mutating func encode(_ value: Double, forKey key: Key) throws { try member(key) { try writer.double(value) } }
    mutating func encode(_ value: Float, forKey key: Key) throws { try member(key) { try writer.float(value) } }
    mutating func encode(_ value: Int, forKey key: Key) throws { member(key) { writer.int(Int64(value)) } }
    mutating func encode(_ value: Int8, forKey key: Key) throws { member(key) { writer.int(Int64(value)) } }
    mutating func encode(_ value: Int16, forKey key: Key) throws { member(key) { writer.int(Int64(value)) } }
    mutating func encode(_ value: Int32, forKey key: Key) throws { member(key) { writer.int(Int64(value)) } }
    mutating func encode(_ value: Int64, forKey key: Key) throws { member(key) { writer.int(value) } }
    mutating func encode(_ value: UInt, forKey key: Key) throws { member(key) { writer.uint(UInt64(value)) } }
    mutating func encode(_ value: UInt8, forKey key: Key) throws { member(key) { writer.uint(UInt64(value)) } }
    mutating func encode(_ value: UInt16, forKey key: Key) throws { member(key) { writer.uint(UInt64(value)) } }
    mutating func encode(_ value: UInt32, forKey key: Key) throws { member(key) { writer.uint(UInt64(value)) } }
    mutating func encode(_ value: UInt64, forKey key: Key) throws { member(key) { writer.uint(value) } }
    mutating func encode<T: Encodable>(_ value: T, forKey key: Key) throws {
        let d = depth
        try member(key) { try writer.writeValue(value, depth: d) }
    }

    mutating func encodeIfPresent(_ value: Bool?, forKey key: Key) throws { try present(value, key) }
    mutating func encodeIfPresent(_ value: String?, forKey key: Key) throws { try present(value, key) }
    mutating func encodeIfPresent(_ value: Double?, forKey key: Key) throws { try present(value, key) }
    mutating func encodeIfPresent(_ value: Float?, forKey key: Key) throws { try present(value, key) }
    mutating func encodeIfPresent(_ value: Int?, forKey key: Key) throws { try present(value, key) }
    mutating func encodeIfPresent(_ value: Int8?, forKey key: Key) throws { try present(value, key) }
    mutating func encodeIfPresent(_ value: Int16?, forKey key: Key) throws { try present(value, key) }
    mutating func encodeIfPresent(_ value: Int32?, forKey key: Key) throws { try present(value, key) }
    mutating func encodeIfPresent(_ value: Int64?, forKey key: Key) throws { try present(value, key) }
    mutating func encodeIfPresent(_ value: UInt?, forKey key: Key) throws { try present(value, key) }
    mutating func encodeIfPresent(_ value: UInt8?, forKey key: Key) throws { try present(value, key) }
    mutating func encodeIfPresent(_ value: UInt16?, forKey key: Key) throws { try present(value, key) }
    mutating func encodeIfPresent(_ value: UInt32?, forKey key: Key) throws { try present(value, key) }
    mutating func encodeIfPresent(_ value: UInt64?, forKey key: Key) throws { try present(value, key) }
    mutating func encodeIfPresent<T: Encodable>(_ value: T?, forKey key: Key) throws { try present(value, key) }

    /// A present optional's value, or `null` (or nothing, when nulls are not kept).
    @inline(__always)
    private mutating func present<T: Encodable>(_ value: T?, _ key: Key) throws {
        if let value {
            try encode(value, forKey: key)
        } else if writer.options.nullsKept {
            try encodeNil(forKey: key)
        }
    }

    mutating func nestedContainer<NestedKey: CodingKey>(keyedBy keyType: NestedKey.Type, forKey key: Key) -> KeyedEncodingContainer<NestedKey> {
        KeyedEncodingContainer(JSONBytesKeyed<NestedKey>(writer: writer, frame: nested(key, object: true)))
    }

    mutating func nestedUnkeyedContainer(forKey key: Key) -> any UnkeyedEncodingContainer {
        JSONBytesUnkeyed(writer: writer, frame: nested(key, object: false))
    }

    /// Opens a container as the value of `key`; its member is recorded when it closes.
    private func nested(_ key: Key, object: Bool) -> Int {
        let d = depth
        writer.prepare(frame)
        let id = writer.keys.id(
            key.stringValue, snakeCase: writer.options.snakeCaseKeys, escapeSlashes: writer.options.escapeSlashes,
            escapeInvisible: writer.options.escapeInvisible)
        return writer.open(object: object, depth: d, parentKey: id)
    }

    mutating func superEncoder() -> any Encoder { superEncoder(named: "super") }
    mutating func superEncoder(forKey key: Key) -> any Encoder { superEncoder(named: key.stringValue) }

    /// An encoder whose value becomes the member `name`: supported when it opens a keyed or unkeyed container.
    private func superEncoder(named name: String) -> any Encoder {
        let d = depth
        writer.prepare(frame)
        let id = writer.keys.id(
            name, snakeCase: writer.options.snakeCaseKeys, escapeSlashes: writer.options.escapeSlashes,
            escapeInvisible: writer.options.escapeInvisible)
        return JSONBytesValueEncoder(writer: writer, slot: -1, depth: d, parentFrame: frame, parentKey: id)
    }
}
