/// What the app loop needs from a terminal. The executable implements it with ncurses; `TextTerminal`
/// implements it for tests.
public protocol Terminal: AnyObject {
    /// Columns and rows now (after a resize too).
    var size: (width: Int, height: Int) { get }
    /// Whether the terminal shows colours (the theme applies attributes only otherwise).
    var colors: Bool { get }
    /// Shows `canvas`; a backend copies only the cells that changed since the last frame.
    func draw(_ canvas: Canvas)
    /// Waits up to `milliseconds` for a key; nil when none came.
    func readKey(milliseconds: Int32) -> Key?
}

/// A terminal for tests: a fixed size, a script of keys and waits, and every drawn frame recorded as plain
/// text. A wait moves the test clock on and reads no key; a script that runs out reads as Ctrl-C, so a loop
/// under test always ends.
public final class TextTerminal: Terminal {
    /// One step of a script.
    public enum Input: Sendable {
        case key(Key, name: String)
        case wait(seconds: Double)
    }

    /// The fixed size.
    public let size: (width: Int, height: Int)
    /// Text has no colours.
    public let colors = false
    private var script: [Input]
    private let advance: (Double) -> Void
    /// Every frame drawn, as text.
    public private(set) var frames: [String] = []
    /// The script and the frames in order: "> key" lines, each followed by the frames it caused.
    public private(set) var transcript: [String] = []

    /// A `width`×`height` terminal playing `script`; waits call `advance` (a manual clock's).
    public init(width: Int, height: Int, script: [Input], advance: @escaping (Double) -> Void) {
        size = (width, height)
        self.script = script
        self.advance = advance
    }

    /// Records the frame.
    public func draw(_ canvas: Canvas) {
        frames.append(canvas.text)
        transcript.append(canvas.text)
    }

    /// The next step of the script (a wait advances the clock and reads no key).
    public func readKey(milliseconds: Int32) -> Key? {
        guard !script.isEmpty else { return .ctrlC }
        switch script.removeFirst() {
        case .key(let k, let name):
            transcript.append("> key \(name)")
            return k
        case .wait(let s):
            transcript.append("> wait \(s)s")
            advance(s)
            return nil
        }
    }
}
