import Foundation
import Testing

@testable import StoreTopUI

/// The key table is the one source of dispatch, help and footer.
@Suite struct KeyTableTests {
    @Test func everyRowsCommandDispatchesInItsViews() {
        for row in KeyTable.bindings {
            for view in row.views ?? View.allCases {
                for (key, command) in row.commands {
                    #expect(KeyTable.command(for: key, in: UIState(view: view)) == command, "\(row.label) in \(view)")
                }
            }
        }
    }

    @Test func noKeyIsBoundTwiceInOneView() {
        for view in View.allCases {
            let keys = KeyTable.bindings.filter { $0.applies(in: view) }.flatMap { $0.commands.keys }
            #expect(Set(keys).count == keys.count, "\(view)")
        }
    }

    @Test func aKeyOutsideItsViewsIsUnbound() {
        #expect(KeyTable.command(for: .char("P"), in: UIState(view: .sessions)) == nil)
        #expect(KeyTable.command(for: .char("C"), in: UIState(view: .outboxes)) == nil)
        #expect(KeyTable.command(for: .char("x"), in: UIState()) == nil)
        #expect(KeyTable.command(for: .enter, in: UIState(view: .pools)) == nil)
    }

    @Test func dialogsAndTheFilterReadKeysFirst() {
        var s = UIState()
        s.dialog = .help
        #expect(KeyTable.command(for: .char("q"), in: s) == .dialogKey(.char("q")))
        s.dialog = .none
        s.filterEditing = true
        #expect(KeyTable.command(for: .char("q"), in: s) == .filterKey(.char("q")))
        #expect(KeyTable.command(for: .ctrlC, in: s) == .quit)
    }

    /// The help dialog lists exactly the rows that are not hidden (dangerous ones not in read-only mode).
    @Test func helpListsExactlyTheVisibleRows() {
        for readOnly in [false, true] {
            var s = UIState()
            s.readOnly = readOnly
            s.dialog = .help
            let text = Screen.render(Model(), s, width: 120, height: 40, now: Date()).canvas.text
            let listed = text.split(separator: "\n").filter { $0.contains("│ ") }.map { String($0) }
            for row in KeyTable.bindings {
                let line = row.label.padding(toLength: 22, withPad: " ", startingAt: 0) + row.help
                let expected = row.shown != .hidden && !(readOnly && row.dangerous)
                #expect(listed.contains { $0.contains(line) } == expected, "\(row.label) \(row.help) readOnly=\(readOnly)")
            }
        }
    }

    /// The footer of each view lists exactly the rows marked for the footer in that view, in table order.
    @Test func footerListsExactlyTheFooterRowsOfTheView() {
        for view in View.allCases {
            for readOnly in [false, true] {
                var s = UIState(view: view)
                s.readOnly = readOnly
                let footer =
                    Screen.render(Model(), s, width: 200, height: 40, now: Date()).canvas.text.split(separator: "\n").last.map(String.init) ?? ""
                let expected = KeyTable.bindings.filter {
                    $0.shown == .helpAndFooter && ($0.views?.contains(view) ?? true) && !(readOnly && $0.dangerous)
                }
                #expect(footer == expected.map { "\($0.label) \($0.help)" }.joined(separator: " "), "\(view) readOnly=\(readOnly)")
            }
        }
    }
}
