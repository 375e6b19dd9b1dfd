/// Version 5: the event log keeps factstr's and eventcore's promises (issue 17). Every statement is idempotent
/// (`CREATE OR REPLACE`, `IF NOT EXISTS`), so the script can be read and rerun as a whole. See docs/sql.md.
enum EventMigrationsV5 {
    static let v5Events = """
    -- Does an event match a query? A query is a JSON array of filters, OR-ed (an empty array matches every
    -- event). A filter is {"types": [..], "payload": [{..}, ..]}: the type is one of "types" AND the payload
    -- contains (@>) at least one of the "payload" objects (factstr: predicates inside one filter are OR-ed).
    -- "types" absent, null or empty: any type. "payload" absent, null or empty: any payload.
    CREATE OR REPLACE FUNCTION @schema@.event_matches(p_type text, p_payload jsonb, p_query jsonb) RETURNS boolean
    LANGUAGE sql IMMUTABLE AS $$
        SELECT coalesce(jsonb_array_length(p_query), 0) = 0 OR EXISTS (
            SELECT 1 FROM jsonb_array_elements(p_query) f
             WHERE (jsonb_typeof(f.value -> 'types') IS DISTINCT FROM 'array' OR jsonb_array_length(f.value -> 'types') = 0
                    OR (f.value -> 'types') ? p_type)
               AND (jsonb_typeof(f.value -> 'payload') IS DISTINCT FROM 'array'
                    OR jsonb_array_length(f.value -> 'payload') = 0
                    OR EXISTS (SELECT 1 FROM jsonb_array_elements(f.value -> 'payload') p WHERE p_payload @> p.value)))
    $$;

    """
}
