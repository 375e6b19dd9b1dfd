import Foundation

/// docs/snapshot.md promises every key of the document, a value that is not known as `null` — but Codable's
/// synthesized encoders leave nil optionals out (`encodeIfPresent`). `NullsKept` wraps a value so that, in one pass
/// of `JSONEncoder`, every keyed container it encodes writes `null` for a nil optional; nested values are wrapped in
/// turn. Dates, data and URLs go to the encoder unwrapped, so its strategies (ISO 8601 dates) still apply.
struct NullsKept<Value: Encodable>: Encodable {
    let value: Value
    init(_ value: Value) { self.value = value }
    func encode(to encoder: Encoder) throws { try value.encode(to: NullsKeptEncoder(base: encoder)) }

    /// `value` wrapped, unless it is a primitive (nothing inside to keep) or the encoder must see its own type (its
    /// date, data and float strategies apply to it).
    static func wrap<T: Encodable>(_ value: T) -> any Encodable {
        switch value {
        case is String, is Bool, is Double, is Float, is any BinaryInteger, is Date, is Data, is URL, is Decimal: return value
        default: return NullsKept<T>(value)
        }
    }
}

/// The encoder a wrapped value sees: the base encoder's containers, wrapped.
private struct NullsKeptEncoder: Encoder {
    let base: Encoder
    var codingPath: [CodingKey] { base.codingPath }
    var userInfo: [CodingUserInfoKey: Any] { base.userInfo }
    func container<Key: CodingKey>(keyedBy type: Key.Type) -> KeyedEncodingContainer<Key> {
        KeyedEncodingContainer(NullsKeptKeyed(base: base.container(keyedBy: type)))
    }
    func unkeyedContainer() -> UnkeyedEncodingContainer { NullsKeptUnkeyed(base: base.unkeyedContainer()) }
    func singleValueContainer() -> SingleValueEncodingContainer { NullsKeptSingle(base: base.singleValueContainer()) }
}

/// A keyed container that writes `null` for nil optionals and wraps nested values.
private struct NullsKeptKeyed<Key: CodingKey>: KeyedEncodingContainerProtocol {
    var base: KeyedEncodingContainer<Key>
    var codingPath: [CodingKey] { base.codingPath }

    mutating func encodeNil(forKey key: Key) throws { try base.encodeNil(forKey: key) }
    mutating func encode<T: Encodable>(_ value: T, forKey key: Key) throws { try base.encode(NullsKept<T>.wrap(value), forKey: key) }
    mutating func encodeIfPresent<T: Encodable>(_ value: T?, forKey key: Key) throws {
        if let value { try encode(value, forKey: key) } else { try base.encodeNil(forKey: key) }
    }
    mutating func encodeIfPresent(_ value: Bool?, forKey key: Key) throws { try some(value, key) }
    mutating func encodeIfPresent(_ value: String?, forKey key: Key) throws { try some(value, key) }
    mutating func encodeIfPresent(_ value: Double?, forKey key: Key) throws { try some(value, key) }
    mutating func encodeIfPresent(_ value: Float?, forKey key: Key) throws { try some(value, key) }
    mutating func encodeIfPresent(_ value: Int?, forKey key: Key) throws { try some(value, key) }
    mutating func encodeIfPresent(_ value: Int8?, forKey key: Key) throws { try some(value, key) }
    mutating func encodeIfPresent(_ value: Int16?, forKey key: Key) throws { try some(value, key) }
    mutating func encodeIfPresent(_ value: Int32?, forKey key: Key) throws { try some(value, key) }
    mutating func encodeIfPresent(_ value: Int64?, forKey key: Key) throws { try some(value, key) }
    mutating func encodeIfPresent(_ value: UInt?, forKey key: Key) throws { try some(value, key) }
    mutating func encodeIfPresent(_ value: UInt8?, forKey key: Key) throws { try some(value, key) }
    mutating func encodeIfPresent(_ value: UInt16?, forKey key: Key) throws { try some(value, key) }
    mutating func encodeIfPresent(_ value: UInt32?, forKey key: Key) throws { try some(value, key) }
    mutating func encodeIfPresent(_ value: UInt64?, forKey key: Key) throws { try some(value, key) }

    /// A primitive optional: the base encodes the value itself (its float strategy applies), or `null`.
    private mutating func some<T: Encodable>(_ value: T?, _ key: Key) throws {
        if let value { try base.encode(value, forKey: key) } else { try base.encodeNil(forKey: key) }
    }

    mutating func nestedContainer<NestedKey: CodingKey>(keyedBy keyType: NestedKey.Type, forKey key: Key) -> KeyedEncodingContainer<NestedKey> {
        KeyedEncodingContainer(NullsKeptKeyed<NestedKey>(base: base.nestedContainer(keyedBy: keyType, forKey: key)))
    }
    mutating func nestedUnkeyedContainer(forKey key: Key) -> UnkeyedEncodingContainer {
        NullsKeptUnkeyed(base: base.nestedUnkeyedContainer(forKey: key))
    }
    mutating func superEncoder() -> Encoder { NullsKeptEncoder(base: base.superEncoder()) }
    mutating func superEncoder(forKey key: Key) -> Encoder { NullsKeptEncoder(base: base.superEncoder(forKey: key)) }
}

/// An unkeyed container whose elements are wrapped.
private struct NullsKeptUnkeyed: UnkeyedEncodingContainer {
    var base: UnkeyedEncodingContainer
    var codingPath: [CodingKey] { base.codingPath }
    var count: Int { base.count }
    mutating func encodeNil() throws { try base.encodeNil() }
    mutating func encode<T: Encodable>(_ value: T) throws { try base.encode(NullsKept<T>.wrap(value)) }
    mutating func nestedContainer<NestedKey: CodingKey>(keyedBy keyType: NestedKey.Type) -> KeyedEncodingContainer<NestedKey> {
        KeyedEncodingContainer(NullsKeptKeyed<NestedKey>(base: base.nestedContainer(keyedBy: keyType)))
    }
    mutating func nestedUnkeyedContainer() -> UnkeyedEncodingContainer { NullsKeptUnkeyed(base: base.nestedUnkeyedContainer()) }
    mutating func superEncoder() -> Encoder { NullsKeptEncoder(base: base.superEncoder()) }
}

/// A single-value container whose value is wrapped.
private struct NullsKeptSingle: SingleValueEncodingContainer {
    var base: SingleValueEncodingContainer
    var codingPath: [CodingKey] { base.codingPath }
    mutating func encodeNil() throws { try base.encodeNil() }
    mutating func encode<T: Encodable>(_ value: T) throws { try base.encode(NullsKept<T>.wrap(value)) }
}
