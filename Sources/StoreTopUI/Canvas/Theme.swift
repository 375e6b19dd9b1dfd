/// How roles look, as data the terminal backend applies: a foreground/background pair of the 8 basic colours
/// plus attributes. With no colours (`NO_COLOR`, `--no-color`, or a terminal without colour) only attributes
/// are used.
public struct Theme: Sendable {
    /// The 8 basic colours; `default` is the terminal's own (-1 for `use_default_colors`).
    public enum Color: Int16, Sendable { case `default` = -1, black = 0, red, green, yellow, blue, magenta, cyan, white }

    /// The look of one role.
    public struct Look: Sendable, Equatable {
        /// Foreground colour.
        public var fg: Color = .default
        /// Background colour.
        public var bg: Color = .default
        /// Attributes.
        public var bold = false
        /// Swapped foreground and background.
        public var reverse = false
        /// Half bright.
        public var dim = false
        /// Underlined.
        public var underline = false
    }

    /// Whether colours are used at all.
    public let useColor: Bool
    private let looks: [Role: Look]

    /// The colour theme, or the attribute-only one.
    public init(useColor: Bool) {
        self.useColor = useColor
        looks = useColor ? Theme.colored : Theme.monochrome
    }

    /// How `role` looks (plain when the theme does not mention it).
    public func look(_ role: Role) -> Look { looks[role] ?? Look() }

    static let colored: [Role: Look] = [
        .normal: Look(), .header: Look(fg: .white, bg: .blue, bold: true), .title: Look(fg: .cyan, bold: true),
        .dim: Look(fg: .default, dim: true), .selected: Look(fg: .black, bg: .cyan), .ok: Look(fg: .green),
        .warning: Look(fg: .yellow, bold: true), .critical: Look(fg: .red, bold: true), .accent: Look(fg: .cyan),
        .meterFill: Look(fg: .green, bold: true), .meterEmpty: Look(fg: .default, dim: true),
        .footerKey: Look(fg: .black, bg: .cyan), .footerText: Look(fg: .white, bg: .blue), .stale: Look(fg: .default, dim: true),
        .error: Look(fg: .white, bg: .red, bold: true), .columnHeader: Look(fg: .black, bg: .green),
        .breadcrumb: Look(fg: .yellow, bg: .blue, bold: true), .dialog: Look(fg: .white, bg: .blue),
        .dialogTitle: Look(fg: .yellow, bg: .blue, bold: true), .sparkline: Look(fg: .cyan),
    ]

    static let monochrome: [Role: Look] = [
        .header: Look(reverse: true), .title: Look(bold: true), .dim: Look(dim: true), .selected: Look(reverse: true),
        .warning: Look(bold: true), .critical: Look(bold: true, underline: true), .meterFill: Look(bold: true),
        .footerKey: Look(reverse: true), .stale: Look(dim: true), .error: Look(bold: true, reverse: true),
        .columnHeader: Look(reverse: true), .breadcrumb: Look(bold: true, reverse: true), .dialog: Look(),
        .dialogTitle: Look(bold: true),
    ]
}
