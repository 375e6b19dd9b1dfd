import Foundation
import StoreAccess

/// History for the three stores, so that the dashboard has ages, lag and stalls to show from its first screen: the
/// rows the libraries would have written over the last hours, their times set back (each seed runs once, on an
/// empty store). Each ends with ANALYZE, as autovacuum would have run over those hours: on never-analyzed tables
/// the planner's guesses are large enough to JIT-compile storetop's statements (seconds on a loaded machine).
extension DemoForeign {
    /// factstr: 400 events over the last three hours (numbered from 1 without gaps, as factstr numbers them), a
    /// three-event batch every 40 (0.5 records only multi-event appends), and the two durable cursors: `projector`
    /// (all events) at the head, `audit-export` (OrderPlaced only) stuck 150 positions behind.
    func seedFactstr(_ c: Connection) throws {
        try c.query(SQL("SET search_path TO \(ident: try Identifier(schemas.factstr))"))
        try c.executeScript(
            """
            BEGIN;
            LOCK TABLE events, append_batches IN EXCLUSIVE MODE;
            INSERT INTO events (sequence_number, occurred_at, event_type, payload)
            SELECT i, now() - interval '3 hours' + i * interval '25 seconds', (ARRAY['OrderPlaced', 'OrderPaid', 'OrderShipped'])[1 + i % 3],
                   jsonb_build_object('order', 1000 + i / 3, 'region', (ARRAY['eu', 'us', 'apac'])[1 + (i / 3) % 3])
              FROM generate_series(1, 400) i WHERE NOT EXISTS (SELECT 1 FROM events);
            INSERT INTO append_batches (first_sequence_number, last_sequence_number)
            SELECT i, i + 2 FROM generate_series(1, 400, 40) i WHERE NOT EXISTS (SELECT 1 FROM append_batches);
            INSERT INTO durable_stream_cursors (durable_stream_id, event_query, last_processed_sequence_number) VALUES
                ('projector', '{"filters":null,"min_sequence_number":null}', 400),
                ('audit-export', '{"filters":[{"event_types":["OrderPlaced"],"payload_predicates":null}],"min_sequence_number":null}', 250)
            ON CONFLICT (durable_stream_id) DO NOTHING;
            COMMIT;
            ANALYZE events, append_batches, durable_stream_cursors, store_metadata;
            """, name: "demo.factstr_seed")
    }

    /// zestor: 700 writes over the last six hours to three namespaces (tenants 1-3) and three kinds, each a key row
    /// and its outbox row (`create` for a key's first write, `update` after), as its Set leaves them.
    func seedZestor(_ c: Connection) throws {
        try c.query(SQL("SET search_path TO \(ident: try Identifier(schemas.zestor))"))
        try c.query(
            """
            WITH w AS (
                SELECT i, 1 + i % 3 AS ns, (ARRAY['cart', 'profile', 'session'])[1 + (i / 3) % 3] AS kind, 'k' || (i % 40) AS key,
                       now() - interval '6 hours' + i * interval '30 seconds' AS at, convert_to('{"qty":' || i || '}', 'UTF8') AS value
                  FROM generate_series(1, 700) i WHERE NOT EXISTS (SELECT 1 FROM zestor_outbox)
            ), o AS (
                INSERT INTO zestor_outbox (ns_id, kind, key, etype, value, at)
                SELECT ns, kind, key, CASE WHEN row_number() OVER (PARTITION BY ns, kind, key ORDER BY i) = 1 THEN 'create' ELSE 'update' END,
                       value, at
                  FROM w ORDER BY i
            )
            INSERT INTO zestor_kv (ns_id, kind, key, value, version, updated_at)
            SELECT DISTINCT ON (ns, kind, key) ns, kind, key, value, count(*) OVER (PARTITION BY ns, kind, key), at
              FROM w ORDER BY ns, kind, key, i DESC
            """)
        try c.query("ANALYZE zestor_kv, zestor_outbox")
    }

    /// eventcore 2: 600 events over the last three hours in 20 account streams (UUIDv7 ids from their times; the
    /// version trigger numbers each stream), then the two subscriptions' checkpoints: `balance-projector` at the head,
    /// `email-notifier` 150 events behind, last checkpointed when it handled that event.
    func seedEventcore(_ c: Connection) throws {
        try c.query(SQL("SET search_path TO \(ident: try Identifier(schemas.eventcore))"))
        try c.executeScript(
            """
            BEGIN;
            INSERT INTO eventcore_events (event_id, stream_id, event_type, event_data, metadata, created_at)
            SELECT (lpad(to_hex((extract(epoch FROM t) * 1000)::bigint), 12, '0') || '7' || substr(md5(random()::text), 1, 3)
                    || substr('89ab', 1 + floor(random() * 4)::int, 1) || substr(md5(random()::text), 1, 15))::uuid,
                   'account-' || (1 + i % 20), 'BankAccountEvent',
                   jsonb_build_object(CASE WHEN i % 4 = 0 THEN 'MoneyWithdrawn' ELSE 'MoneyDeposited' END, jsonb_build_object('amount', 5 + i % 90)),
                   '{}'::jsonb, t
              FROM (SELECT i, now() - interval '200 minutes' + i * interval '18 seconds' AS t FROM generate_series(1, 600) i) s
             WHERE NOT EXISTS (SELECT 1 FROM eventcore_events)
             ORDER BY t;
            INSERT INTO eventcore_subscription_versions (subscription_name, last_position, updated_at)
            SELECT 'balance-projector', event_id, now() FROM eventcore_events ORDER BY event_id DESC LIMIT 1
            ON CONFLICT (subscription_name) DO NOTHING;
            INSERT INTO eventcore_subscription_versions (subscription_name, last_position, updated_at)
            SELECT 'email-notifier', event_id, created_at FROM eventcore_events ORDER BY event_id OFFSET 449 LIMIT 1
            ON CONFLICT (subscription_name) DO NOTHING;
            COMMIT;
            ANALYZE eventcore_events, eventcore_subscription_versions;
            """, name: "demo.eventcore_seed")
    }
}
