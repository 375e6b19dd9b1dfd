import Foundation
import SafeText

/// The consumer operations' dialogs: the move menu, the preview being computed, and the confirm dialog with the
/// preview (default No; a refused preview says why and offers Yes only with force).
extension Screen {
    static func moveMenu(_ c: inout Canvas, _ target: OpTarget, _ choice: Int, _ text: String) {
        let choices = MoveChoice.allCases
        let (x, y, w) = box(&c, 66, choices.count + 6, "Move \(DisplayText.sanitize(target.label))")
        for (i, ch) in choices.enumerated() {
            c.put(x, y + 1 + i, (i == choice ? "› " : "  ") + ch.label, i == choice ? .selected : .dialog, maxWidth: w)
        }
        let ch = choices[min(choice, choices.count - 1)]
        let field = ch.argument.map { "\($0): \(text)▏" } ?? ""
        c.put(x, y + 2 + choices.count, field, .dialog, maxWidth: w)
        c.put(x, y + 3 + choices.count, "Enter: preview (nothing changes yet)   Esc: cancel", .dim, maxWidth: w)
    }

    static func opConfirm(_ c: inout Canvas, _ p: OpProposal, _ yes: Bool, _ force: Bool) {
        var lines = p.lines.map { DisplayText.sanitize($0) }
        if let why = p.refusal {
            lines.append("REFUSED: " + DisplayText.sanitize(why))
            if p.canForce { lines.append(force ? "FORCE: on (f turns it off)" : "f: force it anyway") }
        }
        // as wide as the longest line allows, long lines wrapped (in their colour): a preview is read in full before Yes
        let width = min(c.width - 6, max(60, (lines.map(\.count).max() ?? 0) + 4))
        let shown = lines.flatMap { l -> [(String, Role)] in
            let role: Role = l.hasPrefix("REFUSED") || l.hasPrefix("FORCE") || l.hasPrefix("WARNING") ? .critical : .dialog
            let parts = wrap(l, width - 6)
            return ([parts[0]] + parts.dropFirst().map { "  " + $0 }).map { ($0, role) }
        }
        let (x, y, w) = box(&c, width, shown.count + 5, DisplayText.sanitize(p.title))
        for (i, l) in shown.enumerated() { c.put(x, y + 1 + i, l.0, l.1, maxWidth: w) }
        if p.refusal != nil && !force {
            c.put(x, y + shown.count + 2, "Esc: close (nothing changes)", .dialog, maxWidth: w)
        } else {
            buttons(&c, x, y + shown.count + 2, w, yes, p.yesLabel)
        }
    }
}
