import Foundation
import StoreAccess
import StoreTestSupport

/// A factstr store made with factstr's own table shapes in schema `s` (database `storetop_foreign`), with ten events
/// (even ones `Paid`) and a cursor `name` at 10 that reads only `Paid` events; and an empty schema `audit`.
func factstrFixture(_ server: TestServer, _ s: String, audit: String, cursor name: String) throws {
    let c = try Connection(try ConnectionString(server.adminDSN))
    defer { c.close() }
    try c.executeScript(
        """
        CREATE SCHEMA \(s); CREATE SCHEMA \(audit);
        CREATE TABLE \(s).events (sequence_number bigint PRIMARY KEY, occurred_at timestamptz NOT NULL DEFAULT now(),
            event_type text NOT NULL, payload jsonb NOT NULL);
        CREATE TABLE \(s).append_batches (first_sequence_number bigint PRIMARY KEY, last_sequence_number bigint NOT NULL);
        CREATE TABLE \(s).durable_stream_cursors (durable_stream_id text PRIMARY KEY, event_query text NOT NULL,
            last_processed_sequence_number bigint NOT NULL);
        INSERT INTO \(s).events (sequence_number, event_type, payload)
            SELECT i, CASE WHEN i % 2 = 0 THEN 'Paid' ELSE 'Placed' END, '{}' FROM generate_series(1, 10) i;
        INSERT INTO \(s).durable_stream_cursors VALUES
            ('\(name)', '{"filters":[{"event_types":["Paid"],"payload_predicates":null}]}', 10);
        """, name: "fixture.factstr")
}
