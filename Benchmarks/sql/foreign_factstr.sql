-- factstr 0.5 at scale for scripts/bench-foreign (psql -v rows=N, as the superuser): the schema factstr-postgres
-- creates (tables, then its indexes, built after the load), N events numbered 1..N without gaps (three types, one
-- every 100 ms of history), a five-event append every 50 events (0.5 records only multi-event appends), and
-- three durable cursors at known lags: projector 0, search-indexer 1,000 positions, audit-export (OrderPlaced
-- only) 200,000 positions.
CREATE SCHEMA factstr;
SET search_path TO factstr;
CREATE TABLE events (sequence_number BIGINT PRIMARY KEY, occurred_at TIMESTAMPTZ NOT NULL DEFAULT NOW(),
    event_type TEXT NOT NULL, payload JSONB NOT NULL);
CREATE TABLE append_batches (first_sequence_number BIGINT PRIMARY KEY, last_sequence_number BIGINT NOT NULL);
CREATE TABLE durable_stream_cursors (durable_stream_id TEXT PRIMARY KEY, event_query TEXT NOT NULL,
    last_processed_sequence_number BIGINT NOT NULL);
CREATE TABLE store_metadata (key TEXT PRIMARY KEY, value TEXT NOT NULL);
INSERT INTO store_metadata VALUES ('store_format_version', '1'), ('append_batch_boundary_format', 'sparse_v1');

INSERT INTO events (sequence_number, occurred_at, event_type, payload)
SELECT i, now() - (:rows - i) * interval '100 milliseconds', (ARRAY['OrderPlaced', 'OrderPaid', 'OrderShipped'])[1 + i % 3],
       jsonb_build_object('order', i / 3, 'region', (ARRAY['eu', 'us', 'apac'])[1 + (i / 3) % 3])
  FROM generate_series(1, :rows) i;
INSERT INTO append_batches SELECT i, i + 4 FROM generate_series(1, :rows - 4, 50) i;
CREATE INDEX idx_events_type ON events(event_type);
CREATE INDEX idx_events_occurred_at ON events(occurred_at);
CREATE INDEX idx_events_payload_gin ON events USING gin(payload);

INSERT INTO durable_stream_cursors VALUES
    ('projector', '{"filters":null,"min_sequence_number":null}', :rows),
    ('search-indexer', '{"filters":null,"min_sequence_number":null}', :rows - 1000),
    ('audit-export', '{"filters":[{"event_types":["OrderPlaced"],"payload_predicates":null}],"min_sequence_number":null}', :rows - 200000);
ANALYZE events, append_batches, durable_stream_cursors;
