import Foundation
import StoreMetrics

/// The dashboard: its options, and the loop (`AppLoop`).
public enum App {
    /// What the command line sets.
    public struct Options: Sendable {
        /// Seconds between refreshes.
        public var interval: Double = 2
        /// Start narrowed to this tenant.
        public var tenant: String?
        /// The first view.
        public var view: View = .overview
        /// Prune, cancel and terminate are off.
        public var readOnly = false
        /// Use colours (off with `--no-color` or `NO_COLOR`).
        public var color = true
        /// Stop after this many drawn refreshes (scripts and tests).
        public var iterations: Int?
        /// The server label in the header ("db-1:5432").
        public var serverLabel = ""
        /// The schema of storetop's own store (the STORE column's `storeaccess:<schema>`).
        public var schema = ""
        /// The retention policy text of a tenant's outbox of a kind, from the config file's rules (the Outboxes view's
        /// POLICY column); nil: no rules.
        public var outboxPolicy: (@Sendable (_ tenant: String, _ kind: String) -> String?)?
        /// Replaying a recording from this moment (`storetop replay`): no live source, actions off.
        public var replayFrom: Date?
        /// The zone times are shown and typed in.
        public var timeZone = TimeZone.current
        /// The default options.
        public init() {}

        /// The UI state the command line asks for.
        var initialState: UIState {
            var s = UIState()
            (s.view, s.tenant, s.readOnly, s.interval, s.timeZone) = (view, tenant, readOnly || replayFrom != nil, interval, timeZone)
            if let at = replayFrom { (s.replay, s.rewind) = (true, Rewind(at: at)) }
            return s
        }
    }
}
