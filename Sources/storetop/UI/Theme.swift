/// How roles look: a foreground/background pair of the 8 basic colors plus attributes. With no colors
/// (`NO_COLOR`, `--no-color`, or a terminal without color) only attributes are used.
struct Theme: Sendable {
    enum Color: Int16, Sendable { case `default` = -1, black = 0, red, green, yellow, blue, magenta, cyan, white }
    struct Look: Sendable, Equatable {
        var fg: Color = .default
        var bg: Color = .default
        var bold = false
        var reverse = false
        var dim = false
        var underline = false
    }

    let useColor: Bool
    private let looks: [Role: Look]

    init(useColor: Bool) {
        self.useColor = useColor
        var l: [Role: Look] = [:]
        if useColor {
            l[.normal] = Look()
            l[.header] = Look(fg: .white, bg: .blue, bold: true)
            l[.title] = Look(fg: .cyan, bold: true)
            l[.dim] = Look(fg: .default, dim: true)
            l[.selected] = Look(fg: .black, bg: .cyan)
            l[.ok] = Look(fg: .green)
            l[.warning] = Look(fg: .yellow, bold: true)
            l[.critical] = Look(fg: .red, bold: true)
            l[.accent] = Look(fg: .cyan)
            l[.meterFill] = Look(fg: .green, bold: true)
            l[.meterEmpty] = Look(fg: .default, dim: true)
            l[.footerKey] = Look(fg: .black, bg: .cyan)
            l[.footerText] = Look(fg: .white, bg: .blue)
            l[.stale] = Look(fg: .default, dim: true)
            l[.error] = Look(fg: .white, bg: .red, bold: true)
            l[.columnHeader] = Look(fg: .black, bg: .green)
            l[.breadcrumb] = Look(fg: .yellow, bg: .blue, bold: true)
            l[.dialog] = Look(fg: .white, bg: .blue)
            l[.dialogTitle] = Look(fg: .yellow, bg: .blue, bold: true)
            l[.sparkline] = Look(fg: .cyan)
        } else {
            l[.header] = Look(reverse: true)
            l[.title] = Look(bold: true)
            l[.dim] = Look(dim: true)
            l[.selected] = Look(reverse: true)
            l[.warning] = Look(bold: true)
            l[.critical] = Look(bold: true, underline: true)
            l[.meterFill] = Look(bold: true)
            l[.footerKey] = Look(reverse: true)
            l[.stale] = Look(dim: true)
            l[.error] = Look(bold: true, reverse: true)
            l[.columnHeader] = Look(reverse: true)
            l[.breadcrumb] = Look(bold: true, reverse: true)
            l[.dialog] = Look()
            l[.dialogTitle] = Look(bold: true)
        }
        looks = l
    }

    func look(_ r: Role) -> Look { looks[r] ?? Look() }
}
