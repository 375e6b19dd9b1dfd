// Ported from faucet-hq/faucet-stream at commit 1ded14b70002d6a8169072841044f5e485843344 (crate
// faucet-state-postgres 1.2.5):
//   crates/state/postgres/tests/integration.rs  (against a live PostgreSQL)
//   crates/state/postgres/src/store.rs          (#[cfg(test)] mod tests)
//   crates/core/src/state.rs                    (the validate_state_key cases: the key rule this crate's README
//                                                names; the Memory/File store cases there are not this peer's)
// Mapping: PostgresStateStore → StateStore (store.state(tenant:)); get/put/delete → get/put/delete (JSONText);
// check() → probe(); ensure_table() → the store schema's migration (StoreSchema.migrate); the configurable,
// validated and quoted table name → the store's schema name (StoreSchema / Identifier), which holds the
// `state` table; FaucetError::Config (refused before connecting) → StoreError .invalidName.
// Not ported: create_table_sql_escapes_embedded_quote (it quotes a name with `"` that faucet's validator refuses;
// an Identifier cannot hold one, so there is nothing to quote) and state.rs's 31 memory/file/encryption cases
// (faucet-core's other stores). Every case is counted in docs/conformance.md ("What was ported, and what was not").
import Foundation
import StoreTestSupport
import Testing

@testable import StoreAccess

@Suite("faucet-state-postgres") struct FaucetTests {
    // MARK: tests/integration.rs

    /// "full_lifecycle_get_put_overwrite_delete" (crates/state/postgres/tests/integration.rs)
    @Test func faucet_full_lifecycle_get_put_overwrite_delete() throws {
        try withConformanceStore { store, _ in
            // ensure_table must be idempotent: a second migration is a no-op.
            let again = try store.pool.withConnection { try store.schema.migrate(on: $0) }
            #expect(!again.applied, "ensure_table #2 must be a no-op")
            let st = try store.state(tenant: "faucet")
            #expect(try st.get("missing") == nil)
            let v1 = "{\"page\": 1, \"cursor\": \"abc\"}"
            try st.put("bookmark", JSONText(v1))
            #expect(faucetJSON(try st.get("bookmark")?.text) == faucetJSON(v1), "get must return the value that was put")
            let v2 = "{\"page\": 2, \"cursor\": \"def\"}"
            try st.put("bookmark", JSONText(v2))
            #expect(faucetJSON(try st.get("bookmark")?.text) == faucetJSON(v2), "second put must overwrite the first")
            try st.delete("bookmark")
            #expect(try st.get("bookmark") == nil, "get after delete must return None")
            #expect(throws: Never.self, "deleting an absent key is a no-op") { try st.delete("bookmark") }
        }
    }

    /// "nested_json_value_roundtrips_exactly" (crates/state/postgres/tests/integration.rs)
    @Test func faucet_nested_json_value_roundtrips_exactly() throws {
        try withConformanceStore { store, _ in
            let st = try store.state(tenant: "faucet")
            let nested = """
                {"lsn": "0/1A2B3C", "tables": ["public.users", "public.orders"],
                 "meta": {"committed": true, "rows": 42, "ratio": 0.75, "note": null}}
                """
            try st.put("cdc", JSONText(nested))
            let back = try #require(try st.get("cdc"))
            #expect(faucetJSON(back.text) == faucetJSON(nested), "nested JSON must survive a JSONB round-trip")
        }
    }

    /// "check_probe_passes_against_live_db" (crates/state/postgres/tests/integration.rs)
    @Test func faucet_check_probe_passes_against_live_db() throws {
        try withConformanceStore { store, _ in
            let st = try store.state(tenant: "faucet")
            #expect(throws: Never.self, "sentinel probe should pass") { try st.probe() }
            #expect(try st.get(StateStore.probeKey) == nil, "check() must clean up its sentinel key")
        }
    }

    /// "from_pool_with_custom_table_name" (crates/state/postgres/tests/integration.rs). The custom table name
    /// is the store's schema name (made unique per run, as the peer's test gets its own container).
    @Test func faucet_from_pool_with_custom_table_name() throws {
        let server = try TestServer.current()
        let name = TestServer.freshSchemaName("custom_state")
        let store = try server.store(service: "conformance", schema: name)
        defer { store.close(); server.dropSchema(name) }
        #expect(store.schema.name.name == name)
        let st = try store.state(tenant: "faucet")
        try st.put("k", JSONText("{\"ok\": true}"))
        #expect(faucetJSON(try st.get("k")?.text) == faucetJSON("{\"ok\": true}"))
    }
}

// MARK: src/store.rs unit tests

extension FaucetTests {
    /// "validate_table_name_accepts_typical_values" (crates/state/postgres/src/store.rs)
    @Test func faucet_validate_table_name_accepts_typical_values() throws {
        for t in ["faucet_state", "FaucetState", "state_v2", "f1", "abcdefghijklmnopqrstuvwxyz_0123456789_FOO"] {
            #expect(throws: Never.self, "expected ok for \(t)") { _ = try StoreSchema(t) }
        }
    }

    /// "validate_table_name_rejects_empty" (crates/state/postgres/src/store.rs)
    @Test func faucet_validate_table_name_rejects_empty() {
        kvExpectError(.invalidName, "empty name") { _ = try StoreSchema("") }
    }

    /// "validate_table_name_rejects_illegal_chars" (crates/state/postgres/src/store.rs)
    @Test func faucet_validate_table_name_rejects_illegal_chars() {
        for t in ["table-name", "schema.table", "drop table users;--", "spaces in name"] {
            kvExpectError(.invalidName, "expected error for \(t)") { _ = try StoreSchema(t) }
        }
    }

    /// "validate_table_name_rejects_over_long" (crates/state/postgres/src/store.rs)
    @Test func faucet_validate_table_name_rejects_over_long() {
        kvExpectError(.invalidName, "64 characters") { _ = try StoreSchema(String(repeating: "a", count: 64)) }
    }

    /// "create_table_sql_quotes_identifier" (crates/state/postgres/src/store.rs). The name is quoted by
    /// Identifier; the table the migration creates has the peer's layout (text key in the primary key, value
    /// jsonb not null, updated_at timestamptz not null default now()), per tenant.
    @Test func faucet_create_table_sql_quotes_identifier() throws {
        #expect(try StoreSchema("faucet_state").name.quoted == "\"faucet_state\"")
        try withConformanceStore { store, server in
            let s = store.schema.name.name
            let cols = try server.admin(
                SQL(
                    """
                    SELECT column_name || ':' || data_type || ':' || is_nullable || ':' || coalesce(column_default, '')
                    FROM information_schema.columns WHERE table_schema = \(s) AND table_name = 'state' ORDER BY column_name
                    """)
            ).rows.map { $0[0] ?? "" }
            #expect(cols.contains("key:text:NO:"))
            #expect(cols.contains("value:jsonb:NO:"))
            #expect(cols.contains("updated_at:timestamp with time zone:NO:now()"))
            let pk = try server.admin(
                SQL(
                    """
                    SELECT string_agg(a.attname, ',' ORDER BY a.attnum) FROM pg_index i
                    JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = ANY(i.indkey)
                    WHERE i.indrelid = \(s + ".state")::regclass AND i.indisprimary
                    """)
            ).first?[0]
            #expect(pk?.split(separator: ",").contains("key") == true, "key is part of the primary key")
        }
    }

    /// "select_sql_uses_parameter_marker" (crates/state/postgres/src/store.rs): the key is a bind parameter,
    /// never text, in the statement builder every StoreAccess read goes through.
    @Test func faucet_select_sql_uses_parameter_marker() throws {
        let schema = try Identifier("faucet_state")
        let sql: SQL = "SELECT value FROM \(ident: schema).state WHERE tenant = \("t") AND key = \("k'; DROP")"
        #expect(sql.text == "SELECT value FROM \"faucet_state\".state WHERE tenant = $1 AND key = $2")
        #expect(sql.binds == ["t", "k'; DROP"])
    }

    /// "upsert_sql_uses_on_conflict_do_update" (crates/state/postgres/src/store.rs): put on an existing key
    /// updates the one row in place (value = EXCLUDED.value, updated_at = NOW()).
    @Test func faucet_upsert_sql_uses_on_conflict_do_update() throws {
        try withConformanceStore { store, server in
            let st = try store.state(tenant: "faucet")
            let t1 = try st.put("k", JSONText("{\"v\": 1}"))
            Thread.sleep(forTimeInterval: 0.01)
            let t2 = try st.put("k", JSONText("{\"v\": 2}"))
            #expect(t2 > t1, "updated_at = NOW() on conflict")
            #expect(faucetJSON(try st.get("k")?.text) == faucetJSON("{\"v\": 2}"), "value = EXCLUDED.value")
            #expect(try st.getWithTime("k")?.updatedAt == t2)
            let n = try server.admin(SQL(unsafeRaw: "SELECT count(*) FROM \(store.schema.name.quoted).state WHERE key = 'k'"))
            #expect(n.first?[0] == "1", "one row per key")
        }
    }

    /// "delete_sql_uses_parameter_marker" (crates/state/postgres/src/store.rs): StoreAccess deletes through
    /// state_delete(tenant, key), called with bound parameters.
    @Test func faucet_delete_sql_uses_parameter_marker() throws {
        let schema = try Identifier("faucet_state")
        let sql: SQL = "SELECT \(ident: schema).state_delete(\("t"), \("k"))"
        #expect(sql.text == "SELECT \"faucet_state\".state_delete($1, $2)")
        #expect(sql.binds == ["t", "k"])
    }

    /// "connect_rejects_invalid_table_name" (crates/state/postgres/src/store.rs): refused before connecting.
    @Test func faucet_connect_rejects_invalid_table_name() {
        var o = Store.Options()
        o.schema = "bad-name"
        kvExpectError(.invalidName, "connect with table bad-name") {
            _ = try Store.connect("postgres://localhost/does_not_matter", service: "conformance", options: o)
        }
    }
}

// MARK: crates/core/src/state.rs: validate_state_key, the key rule faucet-state-postgres applies

extension FaucetTests {
    /// Checks `key` with StoreAccess's rule, in Swift and through the store (which also checks it in SQL).
    func faucetRejects(_ key: String, _ st: StateStore, sourceLocation: SourceLocation = #_sourceLocation) {
        kvExpectError(.invalidName, "key \(key)", sourceLocation: sourceLocation) { try StateStore.validateKey(key) }
        kvExpectError(.invalidName, "put \(key)", sourceLocation: sourceLocation) { try st.put(key, JSONText("{}")) }
    }

    /// "rejects_empty_key" (crates/core/src/state.rs)
    @Test func faucet_rejects_empty_key() throws {
        try withConformanceStore { store, _ in faucetRejects("", try store.state(tenant: "faucet")) }
    }

    /// "rejects_path_traversal_segments" (crates/core/src/state.rs)
    @Test func faucet_rejects_path_traversal_segments() throws {
        try withConformanceStore { store, _ in
            let st = try store.state(tenant: "faucet")
            for k in ["../etc/passwd", "a/b", "a\\b", "..", "."] { faucetRejects(k, st) }
        }
    }

    /// "rejects_leading_dot" (crates/core/src/state.rs)
    @Test func faucet_rejects_leading_dot() throws {
        try withConformanceStore { store, _ in faucetRejects(".hidden", try store.state(tenant: "faucet")) }
    }

    /// "rejects_over_long_key" (crates/core/src/state.rs)
    @Test func faucet_rejects_over_long_key() throws {
        try withConformanceStore { store, _ in faucetRejects(String(repeating: "a", count: 257), try store.state(tenant: "faucet")) }
    }

    /// "accepts_typical_keys" (crates/core/src/state.rs)
    @Test func faucet_accepts_typical_keys() throws {
        try withConformanceStore { store, _ in
            let st = try store.state(tenant: "faucet")
            for k in ["github_issues", "pipeline:rest:issues", "with.dot", "with-dash_and_underscore", "lower-Case_99"] {
                #expect(throws: Never.self, "expected ok for \(k)") { try StateStore.validateKey(k) }
                try st.put(k, JSONText("{\"k\": 1}"))
                #expect(faucetJSON(try st.get(k)?.text) == faucetJSON("{\"k\": 1}"), "round trip of \(k)")
            }
        }
    }
}
