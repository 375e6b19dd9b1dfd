import Foundation
import StoreTestSupport
import Testing

@testable import StoreTopUI

/// Whole screens as text at fixed sizes, compared with files in Tests/storetopTests/Screens.
/// Re-record with STORETOP_RECORD=1 (a missing file is recorded and the test fails, so nothing passes unseen).
@Suite struct ScreenTests {
    static let dir = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Screens")

    func check(_ name: String, _ canvas: Canvas, sourceLocation: SourceLocation = #_sourceLocation) {
        let file = ScreenTests.dir.appendingPathComponent(name + ".txt")
        let text = canvas.text + "\n"
        let record = ProcessInfo.processInfo.environment["STORETOP_RECORD"] == "1"
        if record || !FileManager.default.fileExists(atPath: file.path) {
            try? FileManager.default.createDirectory(at: ScreenTests.dir, withIntermediateDirectories: true)
            try? text.write(to: file, atomically: true, encoding: .utf8)
            if !record { Issue.record("recorded new screen \(name); check it and commit it", sourceLocation: sourceLocation) }
            return
        }
        let expected = (try? String(contentsOf: file, encoding: .utf8)) ?? ""
        #expect(text == expected, "screen \(name) differs:\n\(text)", sourceLocation: sourceLocation)
    }

    static let sizes = [(80, 24), (120, 40), (200, 50)]

    @Test(arguments: View.allCases)
    func everyViewAtEverySize(_ view: View) {
        let m = Fixture.model()
        for (w, h) in ScreenTests.sizes {
            var s = UIState()
            s.view = view
            if view == .sessions { s.expandedGroups = ["st:billing/accounts/acme"] }
            let f = Screen.render(m, s, width: w, height: h, now: m.receivedAt!)
            check("\(view.title.lowercased())-\(w)x\(h)", f.canvas)
        }
    }

    @Test func drillInFilterDialogsAndStates() {
        let m = Fixture.model()
        let now = m.receivedAt!
        var s = UIState()
        s.tenant = "acme"
        s.view = .consumers
        check("consumers-acme-120x40", Screen.render(m, s, width: 120, height: 40, now: now).canvas)
        s = UIState()
        s.view = .overview
        s.current.filter = "glo"
        check("overview-filter-80x24", Screen.render(m, s, width: 80, height: 24, now: now).canvas)
        s = UIState()
        s.dialog = .help
        check("help-120x40", Screen.render(m, s, width: 120, height: 40, now: now).canvas)
        s.dialog = .signalConfirm(pid: 104, terminate: false, yes: false)
        s.view = .sessions
        check("cancel-dialog-120x40", Screen.render(m, s, width: 120, height: 40, now: now).canvas)
        s.readOnly = true
        s.dialog = .none
        check("sessions-readonly-120x40", Screen.render(m, s, width: 120, height: 40, now: now).canvas)
        // too small
        check("too-small-60x15", Screen.render(m, UIState(), width: 60, height: 15, now: now).canvas)
        // lost server: last data kept, marked
        var lost = m
        lost.connection = .reconnecting(error: "could not connect to 127.0.0.1:5432: Connection refused", retryAt: now.addingTimeInterval(12))
        check("reconnecting-120x40", Screen.render(lost, UIState(), width: 120, height: 40, now: now.addingTimeInterval(10)).canvas)
        var empty = Model()
        empty.server = "db-1:5432"
        check("connecting-80x24", Screen.render(empty, UIState(), width: 80, height: 24, now: now).canvas)
    }

    @Test func sortingFollowsTheKeys() {
        let m = Fixture.model()
        var s = UIState()
        s.view = .consumers
        s.current.sortColumn = 3  // LAG, descending by default
        let rows = Views.table(.consumers, m, s).visible(s.current).map(\.id)
        #expect(rows.first == .cursor("globex", "mailer"))
        s.current.sortReversed = true
        #expect(Views.table(.consumers, m, s).visible(s.current).map(\.id).first == .cursor("acme", "projector"))
    }

    /// Controls are shown as visible escapes (a DBA sees what the name really holds), and a right-to-left override
    /// or a zero-width space cannot reorder the row or make two tenants look the same.
    @Test func noControlCharactersReachTheScreen() {
        var c = Canvas(width: 40, height: 1)
        c.put(0, 0, "a\u{1b}[2Jb\u{7}c")
        #expect(c.text == "a\\x1b[2Jb\\x07c")
        var d = Canvas(width: 40, height: 2)
        d.put(0, 0, "ac\u{200b}me")
        d.put(0, 1, "acme\u{202e}lave")
        #expect(d.text == "ac\\u{200b}me\nacme\\u{202e}lave")
    }

    /// In a terminal whose locale is not UTF-8 every glyph the views draw has a one-column ASCII stand-in
    /// (box drawing, bars, arrows, markers); only characters from the data itself fall back to "?".
    @Test func everyGlyphHasAnASCIIStandIn() {
        let m = Fixture.model()
        var glyphs = Set<Character>()
        for view in View.allCases {
            var s = UIState()
            s.view = view
            for dialog in [Dialog.none, .help, .signalConfirm(pid: 104, terminate: true, yes: false)] {
                s.dialog = dialog
                for ch in Screen.render(m, s, width: 200, height: 50, now: m.receivedAt!).canvas.text where !ch.isASCII { glyphs.insert(ch) }
            }
        }
        #expect(!glyphs.isEmpty)
        for g in glyphs { #expect(g.asciiFallback != "?", "no ASCII stand-in for \(g)") }
        #expect(glyphs.allSatisfy { $0.asciiFallback.isASCII })
        #expect(Character("é").asciiFallback == "?")
    }
}
