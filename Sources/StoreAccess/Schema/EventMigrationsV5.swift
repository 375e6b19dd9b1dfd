/// Version 5: the event log keeps factstr's and eventcore's promises (issue 17). Every statement is idempotent
/// (`CREATE OR REPLACE`, `IF NOT EXISTS`), so the script can be read and rerun as a whole. See docs/sql.md.
enum EventMigrationsV5 {
    static let v5Events = """
    -- Does an event match a query? A query is a JSON array of filters, OR-ed (an empty array matches every
    -- event). A filter is {"types": [..], "payload": [{..}, ..]}: the type is one of "types" AND the payload
    -- contains (@>) at least one of the "payload" objects (factstr: predicates inside one filter are OR-ed).
    -- "types" absent or null: any type; an empty array: no type (the filter matches nothing, factstr's
    -- Some(vec![])). "payload" absent, null or empty: any payload.
    CREATE OR REPLACE FUNCTION @schema@.event_matches(p_type text, p_payload jsonb, p_query jsonb) RETURNS boolean
    LANGUAGE sql IMMUTABLE AS $$
        SELECT coalesce(jsonb_array_length(p_query), 0) = 0 OR EXISTS (
            SELECT 1 FROM jsonb_array_elements(p_query) f
             WHERE (jsonb_typeof(f.value -> 'types') IS DISTINCT FROM 'array' OR (f.value -> 'types') ? p_type)
               AND (jsonb_typeof(f.value -> 'payload') IS DISTINCT FROM 'array'
                    OR jsonb_array_length(f.value -> 'payload') = 0
                    OR EXISTS (SELECT 1 FROM jsonb_array_elements(f.value -> 'payload') p WHERE p_payload @> p.value)))
    $$;

    -- Before version 5 an empty "types" list meant "any type", and durable consumers recorded such filters.
    -- Drop the key from their recorded filters, so they keep their meaning and reopen with what Swift now sends.
    UPDATE @schema@.cursors c
       SET filter = (SELECT coalesce(jsonb_agg(CASE WHEN f.value -> 'types' = '[]'::jsonb THEN f.value - 'types'
                                                    ELSE f.value END ORDER BY f.ord), '[]'::jsonb)
                       FROM jsonb_array_elements(c.filter) WITH ORDINALITY AS f(value, ord))
     WHERE c.source = 'events' AND jsonb_typeof(c.filter) = 'array'
       AND EXISTS (SELECT 1 FROM jsonb_array_elements(c.filter) f WHERE f.value -> 'types' = '[]'::jsonb);
    """
}
