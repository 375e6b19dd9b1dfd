import Foundation
import Synchronization

/// Set by SIGINT/SIGTERM/SIGHUP; the main loop sees it and restores the terminal before exiting.
let quitSignal = Atomic<Int32>(0)

enum Signals {
    /// Catches SIGINT, SIGTERM and SIGHUP into `quitSignal` (the default would end the process at once).
    static func install() {
        for sig in [SIGINT, SIGTERM, SIGHUP] {
            signal(sig) { s in quitSignal.store(s, ordering: .relaxed) }
        }
    }

    /// The signal's name, for messages.
    static func name(_ signal: Int32) -> String {
        switch signal {
        case SIGINT: return "SIGINT"
        case SIGTERM: return "SIGTERM"
        case SIGHUP: return "SIGHUP"
        default: return "signal \(signal)"
        }
    }
}
