import CLibPQ
import StoreAccess

/// `COPY (SELECT <RecordedEvent's columns> FROM schema.events ORDER BY position) TO STDOUT` on one libpq
/// connection, every row read with `PQgetCopyData` and dropped: the reference the catch-up read is held to.
/// Returns the rows and the seconds from sending the statement to the end of the data.
func copyOut(dsn: String, schema: String) throws -> (Int, Double) {
    guard let conn = PQconnectdb(dsn), PQstatus(conn) == CONNECTION_OK else {
        throw StoreError(.connectionFailed, "copy: could not connect")
    }
    defer { PQfinish(conn) }
    let cols = "position, tenant, stream, version, type, payload, metadata, batch_first, batch_size, recorded_at, event_id"
    let t0 = ContinuousClock.now
    guard let start = PQexec(conn, "COPY (SELECT \(cols) FROM \(schema).events ORDER BY position) TO STDOUT") else {
        throw StoreError(.server, "copy: no result")
    }
    let status = PQresultStatus(start)
    PQclear(start)
    guard status == PGRES_COPY_OUT else { throw StoreError(.server, String(cString: PQerrorMessage(conn))) }
    var rows = 0
    var buf: UnsafeMutablePointer<CChar>?
    while true {
        let n = PQgetCopyData(conn, &buf, 0)
        if n < 0 { break }
        rows += 1
        PQfreemem(buf)
    }
    while let r = PQgetResult(conn) { PQclear(r) }
    return (rows, t0.duration(to: .now).seconds)
}
