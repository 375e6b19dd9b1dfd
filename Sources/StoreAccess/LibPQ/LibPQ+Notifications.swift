import CLibPQ
import Glibc

/// Socket-level calls: waiting for input, reading it, and popping notifications (LISTEN) and liveness checks.
extension LibPQ {
    /// The connection's socket. The corresponding C function is `PQsocket`.
    static func socket(_ conn: OpaquePointer) -> Int32 { PQsocket(conn) }

    /// Waits for input on the socket without spinning. Returns >0 readable, 0 timeout, <0 error (errno set).
    /// The corresponding C functions are `PQsocket` and `poll`, through the shim `storetop_pq_wait_readable`.
    static func waitReadable(_ conn: OpaquePointer, timeoutMilliseconds: Int32) -> Int32 {
        storetop_pq_wait_readable(conn, timeoutMilliseconds)
    }

    /// Reads what the server sent; false on a broken connection. The corresponding C function is
    /// `PQconsumeInput`.
    static func consumeInput(_ conn: OpaquePointer) -> Bool { PQconsumeInput(conn) == 1 }

    /// Pops one queued notification. The corresponding C functions are `PQnotifies` and `PQfreemem`.
    static func nextNotification(_ conn: OpaquePointer) -> (channel: String, payload: String, pid: Int32)? {
        guard let n = PQnotifies(conn) else { return nil }
        defer { PQfreemem(n) }
        return (String(cString: n.pointee.relname), String(cString: n.pointee.extra), n.pointee.be_pid)
    }

    /// The text of the last system error (for a failed poll). The corresponding C function is `strerror`.
    static func systemErrorMessage() -> String { String(cString: strerror(errno)) }

    /// True when the last system call was interrupted by a signal (`errno == EINTR`).
    static var interrupted: Bool { errno == EINTR }
}
