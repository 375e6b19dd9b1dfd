import CNCurses
import Foundation
import StoreTopUI

/// The one place that calls ncurses: the dashboard's `Terminal`. Applies the theme's colour pairs and
/// attributes, copies changed cells from a canvas to the terminal, and decodes keys.
final class NCursesTerminal: Terminal {
    private var screen: OpaquePointer?
    private var previous: Canvas?
    /// The locale is not UTF-8: draw ASCII stand-ins (see `Character.asciiFallback`).
    private(set) var asciiOnly = false
    private var attrs: [Role: Int32] = [:]
    private(set) var ended = false
    /// The terminal shows colours and the theme uses them.
    private(set) var colors = false
    private var inFile: UnsafeMutablePointer<FILE>?
    private var outFile: UnsafeMutablePointer<FILE>?

    /// The terminal type from TERM; throws the dashboard's clear error without one (or with "dumb"). Called before
    /// anything connects, so a missing terminal is said at once rather than after the first snapshot.
    static func terminalType() throws -> String {
        guard let term = ProcessInfo.processInfo.environment["TERM"], !term.isEmpty, term != "dumb" else {
            throw CLIError(
                message: "storetop: TERM is not set (or is \"dumb\"): the dashboard needs a terminal; use `storetop snapshot` for text output",
                code: ExitStatus.unavailable)
        }
        return term
    }

    /// Opens the terminal. Throws a clear error without TERM or a usable terminal (instead of ncurses exiting).
    init(theme: Theme) throws {
        // In a locale that is not UTF-8 (LANG=C, POSIX, Latin-1…) the terminal cannot show box drawing, bars or
        // arrows: every cell is drawn with an ASCII stand-in instead of bytes the terminal would garble.
        asciiOnly = !localeIsUTF8()
        let term = try Self.terminalType()
        // ncurses only handles resizes when SIGWINCH has its default disposition; a parent may have left it
        // ignored (ignored signals survive exec), and then the screen would never follow the window.
        // The same for a blocked signal mask, which is inherited too (seen when started from a test runner).
        signal(SIGWINCH, SIG_DFL)
        var set = sigset_t()
        sigemptyset(&set)
        for sig in [SIGWINCH, SIGINT, SIGTERM, SIGHUP] { sigaddset(&set, sig) }
        pthread_sigmask(SIG_UNBLOCK, &set, nil)
        inFile = fdopen(dup(0), "r")
        outFile = fdopen(dup(1), "w")
        guard let i = inFile, let o = outFile, let scr = newterm(nil, o, i) else {
            throw CLIError(message: "storetop: cannot open terminal type \"\(term)\"", code: ExitStatus.unavailable)
        }
        screen = scr
        _ = set_term(scr)
        cbreak()
        noecho()
        nonl()
        let w = storetop_stdscr()
        keypad(w, true)
        _ = curs_set(0)
        storetop_set_escdelay(25)
        applyTheme(theme)
    }

    /// One colour pair per role that has colours, plus its attributes (attributes only without colours).
    private func applyTheme(_ theme: Theme) {
        colors = theme.useColor && has_colors()
        if colors {
            start_color()
            use_default_colors()
        }
        var pair: Int16 = 1
        for role in Role.allCases {
            let look = theme.look(role)
            var a: Int32 = 0
            if colors && (look.fg != .default || look.bg != .default) {
                init_pair(pair, look.fg.rawValue, look.bg.rawValue)
                a |= Int32(COLOR_PAIR(Int32(pair)))
                pair += 1
            }
            if look.bold { a |= Int32(bitPattern: storetop_a_bold()) }
            if look.reverse { a |= Int32(bitPattern: storetop_a_reverse()) }
            if look.dim { a |= Int32(bitPattern: storetop_a_dim()) }
            if look.underline { a |= Int32(bitPattern: storetop_a_underline()) }
            attrs[role] = a
        }
    }

    /// Terminal size now (after a resize too).
    var size: (width: Int, height: Int) { (Int(storetop_cols()), Int(storetop_lines())) }

    /// Copies the cells that changed since the last frame, in runs of one role.
    func draw(_ c: Canvas) {
        let w = storetop_stdscr()
        let full = previous == nil || previous!.width != c.width || previous!.height != c.height
        if full { werase(w) }
        for y in 0..<c.height {
            var x = 0
            while x < c.width {
                if !full, previous![x, y] == c[x, y] { x += 1; continue }
                let role = c[x, y].role
                var run = ""
                let start = x
                while x < c.width, c[x, y].role == role, full || previous![x, y] != c[x, y] {
                    run.append(asciiOnly ? c[x, y].char.asciiFallback : c[x, y].char)
                    x += 1
                }
                // the bottom-right cell cannot be written without scrolling on some terminals
                if y == c.height - 1 && x == c.width { run = String(run.dropLast()) }
                _ = wattrset(w, attrs[role] ?? 0)
                _ = mvwaddstr(w, Int32(y), Int32(start), run)
            }
        }
        _ = wattrset(w, 0)
        wrefresh(w)
        previous = c
    }

    /// Forces a full redraw next time (after a resize).
    func invalidate() { previous = nil }

    /// Waits up to `milliseconds` for a key.
    func readKey(milliseconds: Int32) -> Key? {
        let w = storetop_stdscr()
        wtimeout(w, milliseconds)
        var ch: wint_t = 0
        let r = wget_wch(w, &ch)
        if r == ERR { return nil }
        if r == KEY_CODE_YES {
            switch Int32(ch) {
            case KEY_UP: return .up
            case KEY_DOWN: return .down
            case KEY_LEFT: return .left
            case KEY_RIGHT: return .right
            case KEY_PPAGE: return .pageUp
            case KEY_NPAGE: return .pageDown
            case KEY_HOME: return .home
            case KEY_END: return .end
            case KEY_ENTER: return .enter
            case KEY_BACKSPACE: return .backspace
            case KEY_RESIZE: invalidate(); return .resize
            case storetop_key_btab(): return .backTab
            default: return nil
            }
        }
        switch ch {
        case 9: return .tab
        case 10, 13: return .enter
        case 27: return .escape
        case 127, 8: return .backspace
        case 3: return .ctrlC
        default:
            guard let u = UnicodeScalar(UInt32(ch)) else { return nil }
            return .char(Character(u))
        }
    }

    /// Restores the terminal. Idempotent.
    func end() {
        guard !ended else { return }
        ended = true
        endwin()
        if let s = screen { delscreen(s) }
        screen = nil
        if let o = outFile { fclose(o) }
        if let i = inFile { fclose(i) }
    }

    deinit { end() }
}
