import Foundation
import StoreAccess

/// Consumer operations go through StoreAccess's `ConsumerAdmin` on the actions' store handle; read-only mode refuses
/// before anything is read.
extension Actions {
    /// The consumer operator of this store (refused in read-only mode).
    public func consumerAdmin() throws -> ConsumerAdmin {
        if readOnly { throw StoreError(.readOnly, "consumer operations are disabled: storetop runs with --read-only") }
        return ConsumerAdmin(store: try openStore())
    }
}
