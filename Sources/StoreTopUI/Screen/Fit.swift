/// One item of a header, meter or footer line, in the forms it can take from fullest to shortest. Each form
/// has a priority: when the line is too long, the form with the lowest priority on the line gives way to the
/// item's next form (an empty form drops the item). An item whose last form is not empty always shows. Forms
/// shorten words, never numbers: "Outbox 29.4k" may lose ", oldest 1h30m", never a digit.
struct LineItem {
    /// A run of text in one role.
    typealias Run = (text: String, role: Role)

    var forms: [[Run]]
    var priorities: [Int]
    var form = 0

    /// An item with `forms` (fullest first) and the priority of each form but the last.
    init(_ forms: [([Run], Int)], last: [Run] = []) {
        self.forms = forms.map(\.0) + [last]
        priorities = forms.map(\.1)
    }

    /// An item of one form that always shows.
    init(always runs: [Run]) {
        forms = [runs]
        priorities = []
    }

    var runs: [Run] { forms[form] }
    var width: Int { runs.reduce(0) { $0 + $1.text.count } }
    var shortenable: Bool { form < forms.count - 1 }

    /// Shortens the items with the lowest priority first, one form at a time, until they and the separators
    /// between shown items fit `width` (or nothing more can give way).
    static func fit(_ items0: [LineItem], width: Int, separator: Int) -> [LineItem] {
        var items = items0
        func total() -> Int {
            let shown = items.filter { $0.width > 0 }
            return shown.reduce(0) { $0 + $1.width } + max(0, shown.count - 1) * separator
        }
        while total() > width,
            let i = items.indices.filter({ items[$0].shortenable }).min(by: {
                (items[$0].priorities[items[$0].form], -$0) < (items[$1].priorities[items[$1].form], -$1)
            })
        {
            items[i].form += 1
        }
        return items
    }

    /// Draws fitted items from `x` with `separator` between the shown ones; returns the x after the last.
    @discardableResult
    static func draw(_ c: inout Canvas, _ items: [LineItem], x x0: Int, y: Int, separator: LineItem.Run, limit: Int) -> Int {
        var x = x0
        var first = true
        for item in items where item.width > 0 {
            if !first { x += c.put(x, y, separator.text, separator.role, maxWidth: max(0, limit - x)) }
            first = false
            for run in item.runs { x += c.put(x, y, run.text, run.role, maxWidth: max(0, limit - x)) }
        }
        return x
    }
}
