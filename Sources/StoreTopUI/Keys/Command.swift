/// What a key asks for. The key table maps keys to commands; the reducer turns (state, command) into a new
/// state and effects. Commands never draw and never touch the database.
public enum Command: Equatable, Sendable {
    /// Cursor movement in the current table.
    public enum Move: Equatable, Sendable { case up, down, pageUp, pageDown, top, bottom }

    case quit
    case showView(View)
    case nextView, previousView
    case move(Move)
    case drillIn
    /// Opens the detail of the selected consumer.
    case consumerDetail
    /// Enter in Sessions: a group expands or collapses, a backend opens its detail.
    case toggleGroup
    /// `e` in Sessions: every group expanded, or (all open already) every group collapsed.
    case expandAll
    /// `a` `L` `w` `Q` in Sessions: show that mode (again: back to the groups).
    case sessionsMode(SessionsMode)
    case back
    case pickTenant
    case editFilter
    case nextSortColumn, reverseSort
    /// Opens the menu of the view's columns to sort by.
    case sortMenu
    case prune
    /// `R` in Consumers: rewind, skip or reset the selected consumer.
    case moveConsumer
    /// `Z` in Consumers: pause or resume the selected consumer.
    case pauseConsumer
    /// `R` / `A` / `D` in Parked: replay the selected event, replay all of its consumer's, discard it.
    case replayParked(all: Bool)
    case discardParked
    case cancelQuery, terminate
    case togglePause
    case intervalUp, intervalDown
    case refreshNow
    case help
    /// One snapshot back or on (← →).
    case timeStep(Int)
    /// By seconds (`[ ]` a minute, `{ }` an hour).
    case timeJump(Double)
    /// Types a time to go to (`g`).
    case goToTime
    /// A key while a dialog is open (dialogs read keys directly: Up/Down, y/n, Enter, Esc).
    case dialogKey(Key)
    /// A key while the filter is being typed.
    case filterKey(Key)
}
