import Foundation

/// Number and duration formatting shared by the exporters and the dashboard.
public enum Format {
    /// 0.4 s, 12 s, 3m05s, 2h14m, 3d4h.
    public static func duration(_ s: Double) -> String {
        if s.isNaN || s < 0 { return "-" }
        if s < 10 { return String(format: "%.1fs", s) }
        let t = Int(s.rounded())
        if t < 60 { return "\(t)s" }
        if t < 3600 { return String(format: "%dm%02ds", t / 60, t % 60) }
        if t < 86400 { return String(format: "%dh%02dm", t / 3600, t % 3600 / 60) }
        return String(format: "%dd%dh", t / 86400, t % 86400 / 3600)
    }

    /// 950, 12.3k, 4.5M, 1.2G.
    public static func count(_ v: Double) -> String {
        let a = abs(v)
        if a < 1000 { return a == a.rounded() ? String(Int(v)) : String(format: "%.1f", v) }
        if a < 1_000_000 { return String(format: "%.1fk", v / 1000) }
        if a < 1_000_000_000 { return String(format: "%.1fM", v / 1_000_000) }
        return String(format: "%.1fG", v / 1_000_000_000)
    }

    /// As `count(_:)` for a whole number.
    public static func count(_ v: Int64) -> String { count(Double(v)) }

    /// 512B, 3.4MB, 12.0GB.
    public static func bytes(_ v: Int64) -> String {
        let d = Double(v)
        if d < 1024 { return "\(v)B" }
        if d < 1024 * 1024 { return String(format: "%.1fkB", d / 1024) }
        if d < 1024 * 1024 * 1024 { return String(format: "%.1fMB", d / 1024 / 1024) }
        return String(format: "%.1fGB", d / 1024 / 1024 / 1024)
    }
}
