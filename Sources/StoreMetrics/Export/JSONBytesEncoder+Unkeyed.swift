/// An array's container: elements are written in place, each after a comma (and its line, when pretty).
struct JSONBytesUnkeyed: UnkeyedEncodingContainer {
    let writer: JSONBytesWriter
    let frame: Int
    var codingPath: [any CodingKey] { [] }
    var count: Int { writer.frames[writer.frameIndex(frame)].count }

    /// Starts the next element; returns the depth of its value.
    @inline(__always)
    private func element() -> Int {
        let w = writer
        w.prepare(frame)
        let i = w.frames.count - 1
        if w.frames[i].count > 0 { w.out.append(UInt8(ascii: ",")) }
        w.frames[i].count += 1
        let depth = w.frames[i].depth + 1
        w.newline(depth)
        return depth
    }

    mutating func encodeNil() throws {
        _ = element()
        writer.raw("null")
    }
    mutating func encode(_ value: String) throws {
        _ = element()
        writer.string(value)
    }
    mutating func encode(_ value: Double) throws {
        _ = element()
        try writer.double(value)
    }
    mutating func encode(_ value: Int64) throws {
        _ = element()
        writer.int(value)
    }
    mutating func encode<T: Encodable>(_ value: T) throws {
        let depth = element()
        try writer.writeValue(value, depth: depth)
    }

    mutating func nestedContainer<NestedKey: CodingKey>(keyedBy keyType: NestedKey.Type) -> KeyedEncodingContainer<NestedKey> {
        let depth = element()
        return KeyedEncodingContainer(JSONBytesKeyed<NestedKey>(writer: writer, frame: writer.open(object: true, depth: depth)))
    }

    mutating func nestedUnkeyedContainer() -> any UnkeyedEncodingContainer {
        let depth = element()
        return JSONBytesUnkeyed(writer: writer, frame: writer.open(object: false, depth: depth))
    }

    mutating func superEncoder() -> any Encoder {
        let depth = element()
        return JSONBytesSuperEncoder(writer: writer, frame: frame, parentKey: -1, depth: depth)
    }
}

/// The encoder `superEncoder()` returns: its value opens a container (the member `parentKey`, or the next array
/// element); a single value is written where it stands.
struct JSONBytesSuperEncoder: Encoder {
    let writer: JSONBytesWriter
    /// The container it was asked of.
    let frame: Int
    let parentKey: Int
    let depth: Int
    var codingPath: [any CodingKey] { [] }
    var userInfo: [CodingUserInfoKey: Any] { [:] }

    func container<Key: CodingKey>(keyedBy type: Key.Type) -> KeyedEncodingContainer<Key> {
        writer.prepare(frame)
        return KeyedEncodingContainer(JSONBytesKeyed<Key>(writer: writer, frame: writer.open(object: true, depth: depth, parentKey: parentKey)))
    }

    func unkeyedContainer() -> any UnkeyedEncodingContainer {
        writer.prepare(frame)
        return JSONBytesUnkeyed(writer: writer, frame: writer.open(object: false, depth: depth, parentKey: parentKey))
    }

    func singleValueContainer() -> any SingleValueEncodingContainer {
        JSONBytesSuperSingle(writer: writer, frame: frame, parentKey: parentKey, depth: depth)
    }
}

/// A super encoder's single value: written as the member `parentKey` (or in the array element already started).
struct JSONBytesSuperSingle: SingleValueEncodingContainer {
    let writer: JSONBytesWriter
    let frame: Int
    let parentKey: Int
    let depth: Int
    var codingPath: [any CodingKey] { [] }

    mutating func encodeNil() throws { try encode(String?.none) }
    mutating func encode<T: Encodable>(_ value: T) throws {
        writer.prepare(frame)
        let start = writer.out.count
        try writer.writeValue(value, depth: depth)
        if parentKey >= 0 { writer.entries.append(JSONBytesWriter.Entry(key: parentKey, start: start, end: writer.out.count)) }
    }
    mutating func encode(_ value: Bool) throws { try encode(generic: value) }
    mutating func encode(_ value: String) throws { try encode(generic: value) }
    mutating func encode(_ value: Double) throws { try encode(generic: value) }
    mutating func encode(_ value: Float) throws { try encode(generic: value) }
    mutating func encode(_ value: Int) throws { try encode(generic: value) }
    mutating func encode(_ value: Int8) throws { try encode(generic: value) }
    mutating func encode(_ value: Int16) throws { try encode(generic: value) }
    mutating func encode(_ value: Int32) throws { try encode(generic: value) }
    mutating func encode(_ value: Int64) throws { try encode(generic: value) }
    mutating func encode(_ value: UInt) throws { try encode(generic: value) }
    mutating func encode(_ value: UInt8) throws { try encode(generic: value) }
    mutating func encode(_ value: UInt16) throws { try encode(generic: value) }
    mutating func encode(_ value: UInt32) throws { try encode(generic: value) }
    mutating func encode(_ value: UInt64) throws { try encode(generic: value) }
    private mutating func encode<T: Encodable>(generic value: T) throws { try encode(value) }
}
