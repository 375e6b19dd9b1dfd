import Foundation

/// A value written as one JSON scalar, the way `JSONEncoder` writes it (Foundation treats these types itself).
protocol JSONBytesScalar {
    func write(to w: JSONBytesWriter) throws
}

extension String: JSONBytesScalar { func write(to w: JSONBytesWriter) { w.string(self) } }
extension Bool: JSONBytesScalar { func write(to w: JSONBytesWriter) { self ? w.raw("true") : w.raw("false") } }
extension Double: JSONBytesScalar { func write(to w: JSONBytesWriter) throws { try w.double(self) } }
extension Float: JSONBytesScalar { func write(to w: JSONBytesWriter) throws { try w.float(self) } }
extension Int: JSONBytesScalar { func write(to w: JSONBytesWriter) { w.int(Int64(self)) } }
extension Int8: JSONBytesScalar { func write(to w: JSONBytesWriter) { w.int(Int64(self)) } }
extension Int16: JSONBytesScalar { func write(to w: JSONBytesWriter) { w.int(Int64(self)) } }
extension Int32: JSONBytesScalar { func write(to w: JSONBytesWriter) { w.int(Int64(self)) } }
extension Int64: JSONBytesScalar { func write(to w: JSONBytesWriter) { w.int(self) } }
extension UInt: JSONBytesScalar { func write(to w: JSONBytesWriter) { w.uint(UInt64(self)) } }
extension UInt8: JSONBytesScalar { func write(to w: JSONBytesWriter) { w.uint(UInt64(self)) } }
extension UInt16: JSONBytesScalar { func write(to w: JSONBytesWriter) { w.uint(UInt64(self)) } }
extension UInt32: JSONBytesScalar { func write(to w: JSONBytesWriter) { w.uint(UInt64(self)) } }
extension UInt64: JSONBytesScalar { func write(to w: JSONBytesWriter) { w.uint(self) } }
extension Date: JSONBytesScalar {
    func write(to w: JSONBytesWriter) throws { if w.options.datesAsUnixSeconds { try w.double(timeIntervalSince1970) } else { w.date(self) } }
}
extension URL: JSONBytesScalar { func write(to w: JSONBytesWriter) { w.string(absoluteString) } }
extension Decimal: JSONBytesScalar { func write(to w: JSONBytesWriter) { w.ascii(description) } }
extension Data: JSONBytesScalar { func write(to w: JSONBytesWriter) { w.string(base64EncodedString()) } }

extension JSONBytesWriter {
    /// An integer in decimal.
    func int(_ v: Int64) {
        if v < 0 { out.append(UInt8(ascii: "-")) }
        uint(v.magnitude)
    }

    /// An unsigned integer in decimal.
    func uint(_ v: UInt64) {
        if v < 10 {
            out.append(UInt8(truncatingIfNeeded: v) + 0x30)
            return
        }
        var digits: (UInt64, UInt64, UInt64, UInt64) = (0, 0, 0, 0)  // 32 bytes, enough for 20 digits
        var n = 0
        var x = v
        withUnsafeMutableBytes(of: &digits) { buf in
            while x > 0 {
                n += 1
                buf[32 - n] = UInt8(truncatingIfNeeded: x % 10) + 0x30
                x /= 10
            }
            out.append(contentsOf: UnsafeRawBufferPointer(rebasing: buf[(32 - n)...]))
        }
    }

    /// A Double as `JSONEncoder` writes it: Swift's shortest round-trip `description` without a trailing `.0`.
    func double(_ v: Double) throws {
        guard v.isFinite else { return try nonConforming(v.isNaN ? 0 : v > 0 ? 1 : -1, v) }
        // Integral values below 2^53 print as their digits (the description's exponent form starts at 1e16).
        if v == v.rounded(.towardZero) && Swift.abs(v) < 9_007_199_254_740_992 && !(v == 0 && v.sign == .minus) {
            return int(Int64(v))
        }
        var text = v.description
        if text.hasSuffix(".0") { text.removeLast(2) }
        ascii(text)
    }

    /// A Float, the same way.
    func float(_ v: Float) throws {
        guard v.isFinite else { return try nonConforming(v.isNaN ? 0 : v > 0 ? 1 : -1, v) }
        var text = v.description
        if text.hasSuffix(".0") { text.removeLast(2) }
        ascii(text)
    }

    /// ±∞ or NaN: the strategy's string, or the error `JSONEncoder` throws.
    private func nonConforming(_ which: Int, _ value: Any) throws {
        guard let s = options.nonConforming else {
            throw EncodingError.invalidValue(
                value, .init(codingPath: [], debugDescription: "Unable to encode \(value) directly in JSON."))
        }
        string(which > 0 ? s.positive : which < 0 ? s.negative : s.nan)
    }

    /// Text known to need no escaping, without quotes.
    func ascii(_ s: String) {
        var s = s
        s.withUTF8 { out.append(contentsOf: $0) }
    }
}
