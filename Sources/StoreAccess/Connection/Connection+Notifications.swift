/// LISTEN/NOTIFY with a poll(2) wait, and the non-blocking liveness check the pool runs before handing out a
/// connection. Use a direct connection for LISTEN: PgBouncer in transaction mode drops notifications.
extension Connection {
    /// A notification received on a LISTEN channel.
    public struct Notification: Sendable, Equatable {
        public let channel: String
        public let payload: String
        /// Backend pid of the notifying session.
        public let pid: Int32
    }

    /// Starts listening on `channel`. Use a direct connection: PgBouncer in transaction mode drops notifications.
    public func listen(_ channel: Identifier) throws {
        try execute(SQL(unsafeRaw: "LISTEN \(channel.quoted)", name: "listen"))
    }

    /// Stops listening on `channel`.
    public func unlisten(_ channel: Identifier) throws {
        try execute(SQL(unsafeRaw: "UNLISTEN \(channel.quoted)", name: "unlisten"))
    }

    /// Waits up to `timeout` for notifications without spinning (poll(2) on the socket), then returns what
    /// arrived (possibly none). Throws `.connectionLost` when the connection broke.
    public func waitForNotifications(timeout: Duration) throws -> [Notification] {
        let h = try liveHandle("wait_notifications")
        var out = drainNotifications(h)
        if !out.isEmpty { return out }
        let deadline = ContinuousClock.now + timeout
        while out.isEmpty {
            let remaining = ContinuousClock.now.duration(to: deadline)
            if remaining <= .zero { break }
            let r = LibPQ.waitReadable(h, timeoutMilliseconds: Int32(max(1, min(remaining.milliseconds, 60_000))))
            if r < 0 {
                if LibPQ.interrupted { continue }
                isBroken = true
                throw StoreError(.connectionLost, "waiting for notifications failed: \(LibPQ.systemErrorMessage())")
            }
            if r == 0 { break }
            guard LibPQ.consumeInput(h) else {
                isBroken = true
                throw StoreError(
                    .connectionLost, "connection lost while listening: \(LibPQ.errorMessage(h))",
                    statement: "wait_notifications")
            }
            out = drainNotifications(h)
        }
        return out
    }

    /// Checks without blocking whether the server already closed this connection (e.g. after a restart):
    /// reads whatever is pending on the socket. Cheap: one poll(2).
    public func quickAliveCheck() -> Bool {
        guard let h = handle, !isBroken, LibPQ.isOK(h) else { return false }
        // A terminated backend sends an error and then closes: it may take two reads to see the end.
        for _ in 0..<3 {
            let r = LibPQ.waitReadable(h, timeoutMilliseconds: 0)
            if r == 0 { return true }
            if r < 0 || !LibPQ.consumeInput(h) || !LibPQ.isOK(h) { isBroken = true; return false }
        }
        return true
    }

    private func drainNotifications(_ h: OpaquePointer) -> [Notification] {
        var out: [Notification] = []
        while let n = LibPQ.nextNotification(h) { out.append(Notification(channel: n.channel, payload: n.payload, pid: n.pid)) }
        return out
    }
}
