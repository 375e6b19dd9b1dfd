/// A durable consumer's owner lock: a session advisory lock in `StoreProtocol.LockClass.consumer`, keyed by
/// `StoreProtocol.consumerKey(tenant:name:)`, held on the consumer's own (direct) connection while it runs. The
/// monitor reads the same class and key to tell a running consumer from a stopped one.
struct ConsumerLock: Sendable {
    let schema: Identifier
    let tenant: String
    let name: String

    private var classText: String { StoreProtocol.LockClass.consumer.name(in: schema) }
    private var keyText: String { StoreProtocol.consumerKey(tenant: tenant, name: name) }

    /// Takes the lock without waiting; false when another session holds it.
    func tryLock(on c: Connection, statement: String) throws -> Bool {
        let sql = SQL("SELECT pg_try_advisory_lock(hashtext(\(classText)), hashtext(\(keyText)))").named(statement)
        return try c.query(sql).first?.decode(0, as: Bool.self) == true
    }

    /// Releases the lock before the connection closes, so a consumer started right after a stop is not refused
    /// while this backend is still exiting. Best effort: a closing connection releases it anyway.
    func unlock(on c: Connection, statement: String) {
        let sql = SQL("SELECT pg_advisory_unlock(hashtext(\(classText)), hashtext(\(keyText)))").named(statement)
        _ = try? c.query(sql)
    }
}
