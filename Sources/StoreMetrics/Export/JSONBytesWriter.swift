import Foundation

/// The state of one `JSONBytesEncoder.encode`: the output, the containers open (innermost last) and the values
/// being encoded. A container's values are written straight into `out`; an object's are reordered by key when it
/// closes (`JSONBytesWriter+Close.swift`). A container closes when the value that opened it is done, or when one
/// of its outer containers is written to again.
final class JSONBytesWriter {
    /// An open object or array.
    struct Frame {
        var id: Int
        var object: Bool
        /// Where its values start in `out` (after the `[` of an array; an object's `{` is written when it closes).
        var start: Int
        /// Its first entry in `entries` (objects).
        var entryBase: Int
        /// Its elements so far (arrays).
        var count = 0
        /// The indent level of its closing bracket.
        var depth: Int
        /// The key it is the value of, in its parent object (a nested container); -1: none.
        var parentKey = -1
    }

    /// A member of an open object: its key and where its value is in `out`.
    struct Entry {
        var key: Int
        var start: Int
        var end: Int
    }

    /// A value being encoded: the container it opened (a frame id), and whether it wrote anything.
    struct Slot {
        var frame = -1
        var object = false
        var wrote = false
    }

    let options: JSONBytesEncoder
    @exclusivity(unchecked) var out: [UInt8] = []
    @exclusivity(unchecked) var frames: [Frame] = []
    @exclusivity(unchecked) var entries: [Entry] = []
    @exclusivity(unchecked) var slots: [Slot] = []
    var nextFrame = 0
    let keys = JSONKeyTable()
    /// The members of the object being closed, copied out of `out`.
    @exclusivity(unchecked) var scratch: [UInt8] = []

    init(_ options: JSONBytesEncoder) {
        self.options = options
        out.reserveCapacity(1 << 16)
    }

    /// Writes `value` at the current position: a scalar directly, anything else through its `encode(to:)`.
    func writeValue<T: Encodable>(_ value: T, depth: Int) throws {
        if let scalar = value as? any JSONBytesScalar {
            try scalar.write(to: self)
            return
        }
        let frameCount = frames.count
        slots.append(Slot())
        let slot = slots.count - 1
        try value.encode(to: JSONBytesValueEncoder(writer: self, slot: slot, depth: depth))
        closeFrames(downTo: frameCount)
        let s = slots.removeLast()
        if s.frame < 0 && !s.wrote { emptyContainer(open: UInt8(ascii: "{"), close: UInt8(ascii: "}"), depth: depth) }
    }

    /// The frame of a value's container, opened on the first call (later calls merge into it).
    func slotFrame(_ slot: Int, object: Bool, depth: Int) -> Int {
        let s = slots[slot]
        if s.frame >= 0 {
            precondition(s.object == object, "a value asked for a keyed and an unkeyed container")
            return s.frame
        }
        let id = open(object: object, depth: depth)
        slots[slot].frame = id
        slots[slot].object = object
        return id
    }

    /// Opens a container; returns its id.
    @discardableResult
    func open(object: Bool, depth: Int, parentKey: Int = -1) -> Int {
        if !object { out.append(UInt8(ascii: "[")) }
        nextFrame += 1
        frames.append(Frame(id: nextFrame, object: object, start: out.count, entryBase: entries.count, depth: depth, parentKey: parentKey))
        return nextFrame
    }

    /// Makes frame `id` the innermost open one before it is written to: the containers opened inside it since are done.
    @inline(__always)
    func prepare(_ id: Int) {
        if frames.last?.id == id { return }
        guard let index = frames.lastIndex(where: { $0.id == id }) else {
            preconditionFailure("JSONBytesEncoder: a container was written to after it was closed")
        }
        closeFrames(downTo: index + 1)
    }

    /// Index of the open frame `id` (it must be open).
    func frameIndex(_ id: Int) -> Int { frames.lastIndex(where: { $0.id == id })! }

    /// Writes an ASCII literal.
    @inline(__always)
    func raw(_ s: StaticString) {
        s.withUTF8Buffer { out.append(contentsOf: $0) }
    }

    /// A line feed and the indent of level `depth` (pretty output only).
    @inline(__always)
    func newline(_ depth: Int) {
        guard options.pretty else { return }
        out.append(UInt8(ascii: "\n"))
        let n = options.baseIndent + 2 * depth
        if n > 0 { out.append(contentsOf: repeatElement(UInt8(ascii: " "), count: n)) }
    }

    /// `{}` or `[]`, as `JSONEncoder` writes an empty container (an empty line inside when pretty).
    func emptyContainer(open: UInt8, close: UInt8, depth: Int) {
        out.append(open)
        if options.pretty {
            // The empty line: a nested document's indent only (it is every line's prefix).
            out.append(UInt8(ascii: "\n"))
            out.append(contentsOf: repeatElement(UInt8(ascii: " "), count: options.baseIndent))
        }
        newline(depth)
        out.append(close)
    }
}
