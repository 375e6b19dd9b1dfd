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

    static let sizes = [(80, 24), (100, 30), (120, 40), (160, 45), (200, 50)]

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
        s.view = .consumers
        s.dialog = .consumerDetail(tenant: "acme", name: "billing")
        check("consumer-detail-80x24", Screen.render(m, s, width: 80, height: 24, now: now).canvas)
        s.dialog = .consumerDetail(tenant: "initech", name: "legacy-sync")
        check("consumer-detail-stopped-160x45", Screen.render(m, s, width: 160, height: 45, now: now).canvas)
        s.view = .outboxes
        let plan = PruneProposal(
            tenant: "globex", kind: "items", modeName: "safe", olderThan: nil, rows: 9398, totalRows: 9400, firstID: 1, lastID: 9398,
            watchers: [.init(name: "mailer", position: 9398)], missedWatchers: [])
        for (w, h) in [(80, 24), (160, 45)] {
            s.dialog = .pruneConfirm(plan: plan, yes: false)
            check("prune-confirm-horizon-\(w)x\(h)", Screen.render(m, s, width: w, height: h, now: now).canvas)
        }
        s.view = .consumers
        s.dialog = .sortMenu(selected: 3)
        check("sort-menu-80x24", Screen.render(m, s, width: 80, height: 24, now: now).canvas)
        s.dialog = .help
        check("help-80x24", Screen.render(m, s, width: 80, height: 24, now: now).canvas)
        check("help-160x45", Screen.render(m, s, width: 160, height: 45, now: now).canvas)
        s.view = .sessions
        s.readOnly = true
        s.dialog = .none
        check("sessions-readonly-120x40", Screen.render(m, s, width: 120, height: 40, now: now).canvas)
        // too small
        check("too-small-60x15", Screen.render(m, UIState(), width: 60, height: 15, now: now).canvas)
        // lost server: last data kept, marked
        var lost = m
        lost.connection = .reconnecting(error: "could not connect to 127.0.0.1:5432: Connection refused", retryAt: now.addingTimeInterval(12))
        check("reconnecting-120x40", Screen.render(lost, UIState(), width: 120, height: 40, now: now.addingTimeInterval(10)).canvas)
        for (w, h) in [(80, 24), (160, 45)] {
            statesAt(m, w, h)
        }
        var empty = Model()
        empty.server = "db-1:5432"
        check("connecting-80x24", Screen.render(empty, UIState(), width: 80, height: 24, now: now).canvas)
    }

    /// Drilled in, paused (old data on purpose: "paused", never "stale"), held back (the fixture's pid 107 holds
    /// delivery and the horizon) and server lost, each at `w`×`h`.
    func statesAt(_ m: Model, _ w: Int, _ h: Int) {
        let now = m.receivedAt!
        var s = UIState()
        s.tenant = "acme"
        for v in [View.overview, .consumers] {
            s.view = v
            check("\(v.title.lowercased())-acme-\(w)x\(h)", Screen.render(m, s, width: w, height: h, now: now).canvas)
        }
        s = UIState()
        s.paused = true
        s.view = .consumers
        check("paused-\(w)x\(h)", Screen.render(m, s, width: w, height: h, now: now.addingTimeInterval(40)).canvas)
        s = UIState()
        check("held-back-\(w)x\(h)", Screen.render(m, s, width: w, height: h, now: now).canvas)
        var calm = m
        calm.snapshot?.sessions?.deliveryBlockers = []
        calm.snapshot?.sessions?.xminHolder = nil
        check("calm-\(w)x\(h)", Screen.render(calm, s, width: w, height: h, now: now).canvas)
        var lost = m
        lost.connection = .reconnecting(error: "could not connect to 127.0.0.1:5432: Connection refused", retryAt: now.addingTimeInterval(12))
        check("reconnecting-\(w)x\(h)", Screen.render(lost, s, width: w, height: h, now: now.addingTimeInterval(10)).canvas)
    }

    /// At every size the dashboard accepts: the state (live or paused), the blocker's pid, the breadcrumb, "? help"
    /// and "q quit" show, and the meters' numbers are whole.
    @Test func theStateNeverDisappears() {
        let m = Fixture.model()
        for w in stride(from: 64, through: 200, by: 3) {
            for h in [16, 24, 45] {
                for (paused, tenant) in [(false, String?.none), (true, "acme")] {
                    var s = UIState()
                    (s.paused, s.tenant, s.view) = (paused, tenant, .consumers)
                    let lines = Screen.render(m, s, width: w, height: h, now: m.receivedAt!).canvas.text.split(
                        separator: "\n", omittingEmptySubsequences: false)
                    let at = "at \(w)x\(h)"
                    #expect(lines[0].contains(paused ? "● paused" : "● live") && lines[0].contains("pid 107"), "\(at): \(lines[0])")
                    let worst = tenant == nil ? "≥100k 1d0h STOPPED" : "1.1k 1m15s LAGGING"
                    #expect(lines[1].contains(worst) && lines[1].contains("Outbox 1.1k"), "\(at): \(lines[1])")
                    #expect(!lines[1].contains("Sess") || lines[1].contains("42/200"), "\(at): \(lines[1])")
                    #expect(lines[2].contains(tenant.map { "› \($0)" } ?? "all"), "\(at): \(lines[2])")
                    #expect(lines[h - 1].contains("? h help") && lines[h - 1].contains("q quit"), "\(at): \(lines[h - 1])")
                }
            }
        }
    }

    /// Items give way by priority, never cutting a number.
    @Test func lineItemsShortenByPriority() {
        let items = [
            LineItem([([("Outbox ", .title), ("29.4k rows, oldest 1h30m", .normal)], 1)], last: [("Outbox ", .title), ("29.4k", .normal)]),
            LineItem([([("up 2h00m", .header)], 0)]), LineItem(always: [("● live", .header)]),
        ]
        let fitted = LineItem.fit(items, width: 20, separator: 2)
        #expect(fitted.map(\.width) == [12, 0, 6])
        #expect(fitted[0].runs.map(\.text).joined() == "Outbox 29.4k")
    }

    @Test func sortingFollowsTheKeys() {
        let m = Fixture.model()
        var s = UIState()
        s.view = .consumers
        s.current.sortColumn = 3  // LAG, descending by default
        let rows = Views.table(.consumers, m, s).visible(s.current).map(\.id)
        #expect(rows.first == .cursor("initech", "legacy-sync"))  // ≥100k: a lower bound, still the largest
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
            for (dialog, rewind) in [
                (Dialog.none, nil), (.help, nil), (.signalConfirm(pid: 104, terminate: true, yes: false), nil),
                (.goToTime(text: "-5m"), Rewind(at: m.receivedAt!)),
            ] {
                (s.dialog, s.rewind) = (dialog, rewind)
                s.rewind?.playing = view == .sessions
                for ch in Screen.render(m, s, width: 200, height: 50, now: m.receivedAt!).canvas.text where !ch.isASCII { glyphs.insert(ch) }
            }
        }
        #expect(!glyphs.isEmpty)
        for g in glyphs { #expect(g.asciiFallback != "?", "no ASCII stand-in for \(g)") }
        #expect(glyphs.allSatisfy { $0.asciiFallback.isASCII })
        #expect(Character("é").asciiFallback == "?")
    }
}
