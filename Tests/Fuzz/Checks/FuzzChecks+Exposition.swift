import Foundation
import SafeText
import StoreMetrics

extension FuzzChecks {
    /// Exposition escaping (issue 16): any text as a label value (a tenant, a consumer, a key from the database) and
    /// as HELP text gives exactly one HELP, one TYPE and one sample line, without control characters; the sample
    /// reads back by the text format's rules (`\\`, `\"`, `\n` escapes inside the quotes) as the value shown safely
    /// (`DisplayText.sanitize`), and nothing after the closing quote but the value.
    @Sendable public static func exposition(_ data: [UInt8]) {
        let value = text(data)
        var p = PrometheusText()
        p.gauge("storetop_fuzz", value, [("tenant", value)], 1)
        let out = p.render()
        let lines = out.split(separator: "\n", omittingEmptySubsequences: false)
        check(lines.count == 4 && lines[3].isEmpty, "not three lines: \(out.debugDescription)", data)
        check(out.unicodeScalars.allSatisfy { $0 == "\n" || !DisplayText.needsEscaping(String($0)) }, "controls in \(out.debugDescription)", data)
        guard lines.count == 4 else { return }
        // (compared as scalars: a value starting with a combining mark joins the space before it into one Character)
        check(
            lines[0].unicodeScalars.starts(with: "# HELP storetop_fuzz ".unicodeScalars)
                && Array(lines[1].unicodeScalars) == Array("# TYPE storetop_fuzz gauge".unicodeScalars), "headers: \(out.debugDescription)", data)
        let sample = Array(lines[2].unicodeScalars)
        let prefix = Array("storetop_fuzz{tenant=\"".unicodeScalars)
        check(sample.starts(with: prefix), "sample line: \(lines[2])", data)
        var i = prefix.count, read = String.UnicodeScalarView()
        var closed = false
        while i < sample.count {
            let c = sample[i]
            if c == "\\", i + 1 < sample.count {
                let n = sample[i + 1]
                check(n == "\\" || n == "\"" || n == "n", "bad escape \\\(n)", data)
                read.append(n == "n" ? "\n" : n)
                i += 2
            } else if c == "\"" {
                closed = true
                i += 1
                break
            } else {
                read.append(c)
                i += 1
            }
        }
        check(closed, "label value never closed: \(lines[2])", data)
        check(String(read) == DisplayText.sanitize(value), "read back \(String(read).debugDescription)", data)
        check(String(String.UnicodeScalarView(sample[i...])) == "} 1.0", "after the value: \(lines[2])", data)
    }
}
