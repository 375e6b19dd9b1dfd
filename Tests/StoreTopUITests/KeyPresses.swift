@testable import StoreTopUI

/// Presses `keys` one after another from `s0`, as the loop would: the state after the last and every effect asked for.
func press(_ keys: [Key], _ s0: UIState, _ ctx: HandlerContext) -> (UIState, [Effect]) {
    var s = s0, effects: [Effect] = []
    for k in keys {
        let (n, e) = Reducer.handle(s, k, ctx)
        s = n
        effects += e
    }
    return (s, effects)
}
