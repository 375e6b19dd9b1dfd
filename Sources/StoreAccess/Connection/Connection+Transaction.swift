/// Transactions: one block with COMMIT on return and ROLLBACK on throw, and the connection's transaction state.
extension Connection {
    /// True when the connection sits inside a transaction block (or a failed one).
    public var inTransaction: Bool {
        guard let handle else { return false }
        return LibPQ.transactionStatus(handle).isInTransaction
    }

    /// Runs `body` in a transaction: COMMIT when it returns, ROLLBACK when it throws.
    public func transaction<T>(_ body: (Connection) throws -> T) throws -> T {
        try execute(SQL("BEGIN").named("begin"))
        do {
            let value = try body(self)
            try execute(SQL("COMMIT").named("commit"))
            return value
        } catch {
            if isOpen, inTransaction { _ = try? execute(SQL("ROLLBACK").named("rollback")) }
            throw error
        }
    }
}
