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
        return JSONBytesValueEncoder(writer: writer, slot: -1, depth: depth, parentFrame: frame)
    }
}
