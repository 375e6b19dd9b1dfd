import Foundation
import Synchronization

/// Set by SIGINT/SIGTERM/SIGHUP; the main loop sees it and restores the terminal before exiting.
let quitSignal = Atomic<Int32>(0)

enum Signals {
    static func install() {
        for sig in [SIGINT, SIGTERM, SIGHUP] {
            signal(sig) { s in quitSignal.store(s, ordering: .relaxed) }
        }
    }
}
