// Recorded by ExportGoldenTests (STOREMETRICS_RECORD=1); do not edit by hand.
enum ExportGoldens {
    static let json = #"""
        {
          "bookmarks" : [
            {
              "age_seconds" : 7202,
              "key" : "sync:b",
              "tenant" : "beta",
              "updated_at" : "2027-01-15T06:00:00.250Z"
            }
          ],
          "cursors" : [
            {
              "catch_up_seconds" : 0,
              "consume_rate_per_second" : null,
              "created_at" : null,
              "failing_attempts" : null,
              "failing_error" : null,
              "failing_position" : null,
              "failing_since" : null,
              "filter" : null,
              "handled_since_previous" : null,
              "head" : 128,
              "heartbeat_at" : "2027-01-15T08:00:01.250Z",
              "kind" : null,
              "lag_capped" : false,
              "lag_events" : 0,
              "lag_positions" : 0,
              "lag_seconds" : 0,
              "max_attempts" : null,
              "moved_at" : "2027-01-15T07:59:58.250Z",
              "name" : "fast",
              "on_failure" : null,
              "owner_application" : "st:svc/consumer/alpha",
              "owner_backend_pid" : 301,
              "owner_connected" : true,
              "owner_host" : "h1",
              "owner_pid" : 77,
              "parked" : 0,
              "parked_replaying" : 0,
              "pause_acknowledged" : false,
              "pause_reason" : null,
              "paused_at" : null,
              "paused_by" : null,
              "position" : 128,
              "reason" : "caught up",
              "source" : "events",
              "status" : "ok",
              "tenant" : "alpha",
              "waiting_above_safe" : false
            },
            {
              "catch_up_seconds" : null,
              "consume_rate_per_second" : null,
              "created_at" : null,
              "failing_attempts" : null,
              "failing_error" : null,
              "failing_position" : null,
              "failing_since" : null,
              "filter" : null,
              "handled_since_previous" : null,
              "head" : 128,
              "heartbeat_at" : "2027-01-15T08:00:01.250Z",
              "kind" : null,
              "lag_capped" : false,
              "lag_events" : 73,
              "lag_positions" : 73,
              "lag_seconds" : 3.25,
              "max_attempts" : null,
              "moved_at" : "2027-01-15T07:59:58.250Z",
              "name" : "slow",
              "on_failure" : null,
              "owner_application" : "st:svc/consumer/alpha",
              "owner_backend_pid" : 301,
              "owner_connected" : true,
              "owner_host" : "h1",
              "owner_pid" : 77,
              "parked" : 0,
              "parked_replaying" : 0,
              "pause_acknowledged" : false,
              "pause_reason" : null,
              "paused_at" : null,
              "paused_by" : null,
              "position" : 55,
              "reason" : "catching up: 73 behind, oldest 3.2s",
              "source" : "events",
              "status" : "ok",
              "tenant" : "alpha",
              "waiting_above_safe" : false
            },
            {
              "catch_up_seconds" : null,
              "consume_rate_per_second" : null,
              "created_at" : null,
              "failing_attempts" : null,
              "failing_error" : null,
              "failing_position" : null,
              "failing_since" : null,
              "filter" : null,
              "handled_since_previous" : null,
              "head" : 90,
              "heartbeat_at" : "2027-01-15T07:50:02.250Z",
              "kind" : null,
              "lag_capped" : false,
              "lag_events" : 80,
              "lag_positions" : 80,
              "lag_seconds" : 3.25,
              "max_attempts" : null,
              "moved_at" : "2027-01-15T07:59:58.250Z",
              "name" : "gone",
              "on_failure" : null,
              "owner_application" : "st:svc/consumer/beta",
              "owner_backend_pid" : null,
              "owner_connected" : false,
              "owner_host" : "h1",
              "owner_pid" : 77,
              "parked" : 0,
              "parked_replaying" : 0,
              "pause_acknowledged" : false,
              "pause_reason" : null,
              "paused_at" : null,
              "paused_by" : null,
              "position" : 10,
              "reason" : "not running, 80 behind; last heartbeat 10m00s ago",
              "source" : "events",
              "status" : "stopped",
              "tenant" : "beta",
              "waiting_above_safe" : false
            },
            {
              "catch_up_seconds" : null,
              "consume_rate_per_second" : null,
              "created_at" : null,
              "failing_attempts" : null,
              "failing_error" : null,
              "failing_position" : null,
              "failing_since" : null,
              "filter" : null,
              "handled_since_previous" : null,
              "head" : 50,
              "heartbeat_at" : "2027-01-15T08:00:01.250Z",
              "kind" : "orders",
              "lag_capped" : false,
              "lag_events" : 30,
              "lag_positions" : 30,
              "lag_seconds" : 3.25,
              "max_attempts" : null,
              "moved_at" : "2027-01-15T07:59:58.250Z",
              "name" : "shipper",
              "on_failure" : null,
              "owner_application" : "st:svc/consumer/alpha",
              "owner_backend_pid" : 301,
              "owner_connected" : true,
              "owner_host" : "h1",
              "owner_pid" : 77,
              "parked" : 0,
              "parked_replaying" : 0,
              "pause_acknowledged" : false,
              "pause_reason" : null,
              "paused_at" : null,
              "paused_by" : null,
              "position" : 20,
              "reason" : "catching up: 30 behind, oldest 3.2s",
              "source" : "outbox",
              "status" : "ok",
              "tenant" : "alpha",
              "waiting_above_safe" : false
            }
          ],
          "errors" : [
            {
              "disabled" : false,
              "panel" : "pools",
              "reason" : "pools: statement timeout (canceling statement)"
            }
          ],
          "foreign" : [
            {
              "append_rate_per_second" : 12.5,
              "batch_size_avg" : 3.5,
              "batch_size_max" : 9,
              "batches_sampled" : 40,
              "bookmarks" : [

              ],
              "consumers" : [
                {
                  "lag_capped" : false,
                  "lag_events" : 40,
                  "lag_positions" : 100,
                  "leader_connected" : null,
                  "name" : "projector",
                  "oldest_unhandled_age_seconds" : 95,
                  "position" : "1100",
                  "since_checkpoint_seconds" : null,
                  "status" : "LAGGING",
                  "why" : "40 events to handle, the oldest 95 s old"
                }
              ],
              "database" : "shop",
              "events" : 1200,
              "events_exact" : true,
              "head" : "1200",
              "keys" : [

              ],
              "kind" : "factstr",
              "last_write_at" : "2027-01-15T07:59:59.250Z",
              "likely" : false,
              "listeners" : null,
              "migration_version" : null,
              "namespaces" : [

              ],
              "notify_queue_usage" : null,
              "outboxes" : [

              ],
              "schema" : "public",
              "stream_count" : null,
              "stream_count_exact" : false,
              "streams" : [

              ],
              "tables" : [
                "durable_stream_cursors",
                "events",
                "store_metadata"
              ],
              "version" : "0.5",
              "warnings" : [

              ],
              "writers_waiting" : 1
            },
            {
              "append_rate_per_second" : null,
              "batch_size_avg" : null,
              "batch_size_max" : null,
              "batches_sampled" : null,
              "bookmarks" : [

              ],
              "consumers" : [

              ],
              "database" : "shop",
              "events" : 5000,
              "events_exact" : false,
              "head" : "01890a5d-ac96-774b-bcce-b302099a8057",
              "keys" : [

              ],
              "kind" : "eventcore",
              "last_write_at" : "2027-01-15T08:00:01.250Z",
              "likely" : false,
              "listeners" : null,
              "migration_version" : 7,
              "namespaces" : [

              ],
              "notify_queue_usage" : null,
              "outboxes" : [

              ],
              "schema" : "ledger",
              "stream_count" : 120,
              "stream_count_exact" : true,
              "streams" : [
                {
                  "events" : 17,
                  "name" : "account-1",
                  "version" : 42
                }
              ],
              "tables" : [
                "_sqlx_migrations",
                "eventcore_events",
                "eventcore_subscription_versions"
              ],
              "version" : "2",
              "warnings" : [

              ],
              "writers_waiting" : null
            },
            {
              "append_rate_per_second" : null,
              "batch_size_avg" : null,
              "batch_size_max" : null,
              "batches_sampled" : null,
              "bookmarks" : [

              ],
              "consumers" : [

              ],
              "database" : "shop",
              "events" : null,
              "events_exact" : false,
              "head" : null,
              "keys" : [
                {
                  "exact" : false,
                  "keys" : 10000,
                  "kind" : "orders",
                  "tenant" : "7"
                }
              ],
              "kind" : "zestor",
              "last_write_at" : null,
              "likely" : false,
              "listeners" : 2,
              "migration_version" : null,
              "namespaces" : [

              ],
              "notify_queue_usage" : 0.0625,
              "outboxes" : [
                {
                  "head_id" : 900,
                  "kind" : "orders",
                  "oldest_age_seconds" : 86400,
                  "oldest_id" : 101,
                  "rows" : 800,
                  "rows_exact" : false,
                  "rows_per_second" : 0.5,
                  "tenant" : "7"
                }
              ],
              "schema" : "app",
              "stream_count" : null,
              "stream_count_exact" : false,
              "streams" : [

              ],
              "tables" : [
                "zestor_kv",
                "zestor_outbox"
              ],
              "version" : "",
              "warnings" : [
                "a listener has been idle for 2 h while rows pile up"
              ],
              "writers_waiting" : null
            },
            {
              "append_rate_per_second" : null,
              "batch_size_avg" : null,
              "batch_size_max" : null,
              "batches_sampled" : null,
              "bookmarks" : [
                {
                  "age_seconds" : 12,
                  "bytes_behind" : 4096,
                  "envelope" : "bare",
                  "key" : "postgres-cdc:orders_slot",
                  "last_lsn" : "0/16B3748",
                  "slot" : "orders_slot",
                  "slot_active" : true,
                  "slot_exists" : true
                }
              ],
              "consumers" : [

              ],
              "database" : "shop",
              "events" : null,
              "events_exact" : false,
              "head" : null,
              "keys" : [

              ],
              "kind" : "faucet",
              "last_write_at" : null,
              "likely" : true,
              "listeners" : null,
              "migration_version" : null,
              "namespaces" : [

              ],
              "notify_queue_usage" : null,
              "outboxes" : [

              ],
              "schema" : "cdc",
              "stream_count" : null,
              "stream_count_exact" : false,
              "streams" : [

              ],
              "tables" : [
                "pipeline_state"
              ],
              "version" : "",
              "warnings" : [

              ],
              "writers_waiting" : null
            },
            {
              "append_rate_per_second" : null,
              "batch_size_avg" : null,
              "batch_size_max" : null,
              "batches_sampled" : null,
              "bookmarks" : [

              ],
              "consumers" : [

              ],
              "database" : "shop",
              "events" : null,
              "events_exact" : false,
              "head" : null,
              "keys" : [

              ],
              "kind" : "axon",
              "last_write_at" : null,
              "likely" : false,
              "listeners" : 3,
              "migration_version" : null,
              "namespaces" : [
                {
                  "name" : "",
                  "sessions" : 1
                },
                {
                  "name" : "acme",
                  "sessions" : 2
                }
              ],
              "notify_queue_usage" : null,
              "outboxes" : [

              ],
              "schema" : "billing",
              "stream_count" : null,
              "stream_count_exact" : false,
              "streams" : [

              ],
              "tables" : [

              ],
              "version" : "",
              "warnings" : [

              ],
              "writers_waiting" : null
            }
          ],
          "outboxes" : [
            {
              "appended_total" : 70,
              "growth_rows_per_second" : 5,
              "head_id" : 50,
              "kind" : "orders",
              "last_prune_at" : null,
              "last_prune_rows" : null,
              "last_prune_status" : null,
              "oldest_age_seconds" : 90,
              "oldest_at" : "2027-01-15T07:58:32.250Z",
              "oldest_id" : 16,
              "rows" : 35,
              "safe_to_prune_estimate" : 5,
              "slowest_watcher" : "shipper",
              "slowest_watcher_position" : 20,
              "tenant" : "alpha",
              "watchers" : 1
            }
          ],
          "pools" : [
            {
              "acquire_mean_milliseconds" : 0.75,
              "acquire_p99_milliseconds" : 12.5,
              "acquisitions_total" : 910,
              "application_name" : "st:svc/events/alpha",
              "connection_errors_total" : 1,
              "host" : "h1",
              "idle" : 1,
              "in_use" : 3,
              "interval_milliseconds" : 5000,
              "max_size" : 8,
              "peak_in_use" : 6,
              "pid" : 77,
              "report_age_seconds" : 1.5,
              "service" : "svc",
              "size" : 4,
              "stale" : false,
              "started_at" : "2027-01-15T07:50:00.250Z",
              "store" : "events",
              "tenant" : "alpha",
              "timeouts_total" : 3,
              "waiting" : 2
            }
          ],
          "replication" : {
            "receiver" : {
              "conflicts" : 0,
              "last_replay_at" : "2027-01-15T08:00:01.750Z",
              "receive_lag_bytes" : 328,
              "receive_lsn" : "0/5000148",
              "replay_lag_seconds" : 0.5,
              "replay_lsn" : "0/5000000",
              "replay_paused" : false,
              "sender_host" : "10.0.0.1",
              "status" : "streaming"
            },
            "slots" : [
              {
                "active" : false,
                "database" : "shop",
                "plugin" : "pgoutput",
                "retained_bytes" : 2147483648,
                "safe_wal_size" : null,
                "slot_name" : "cdc_orders",
                "slot_type" : "logical",
                "wal_status" : "extended"
              },
              {
                "active" : true,
                "database" : null,
                "plugin" : null,
                "retained_bytes" : 328,
                "safe_wal_size" : 1073741824,
                "slot_name" : "standby1",
                "slot_type" : "physical",
                "wal_status" : "reserved"
              }
            ],
            "standbys" : [
              {
                "application_name" : "standby1",
                "client_address" : "10.0.0.2",
                "flush_lag_seconds" : 0.002,
                "flush_lsn" : "0/5000148",
                "lag_bytes" : 328,
                "replay_lag_seconds" : 0.125,
                "replay_lsn" : "0/5000000",
                "sent_lsn" : "0/5000148",
                "state" : "streaming",
                "sync_state" : "async",
                "write_lag_seconds" : 0.001,
                "write_lsn" : "0/5000148"
              }
            ],
            "warnings" : [
              "inactive slot cdc_orders retains 2.0GB of WAL: drop it or bring its consumer back"
            ]
          },
          "server" : {
            "connections" : 7,
            "database" : "shop",
            "database_bytes" : 9000000,
            "is_standby" : false,
            "max_connections" : 100,
            "now" : "2027-01-15T08:00:02.250Z",
            "replicas" : [
              {
                "address" : "10.0.0.2",
                "name" : "standby1",
                "replay_lag_seconds" : 0.125,
                "state" : "streaming"
              }
            ],
            "started_at" : "2027-01-15T07:00:00.250Z",
            "transactions" : 5030,
            "version" : "PostgreSQL 15.8"
          },
          "sessions" : {
            "all_databases" : false,
            "backends" : [
              {
                "application_name" : "st:svc/events/alpha",
                "backend_start" : null,
                "blocked_by" : [

                ],
                "client_address" : null,
                "client_port" : null,
                "database" : null,
                "pid" : 101,
                "query" : "SELECT 101",
                "query_id" : null,
                "query_start" : "2027-01-15T08:00:00.750Z",
                "state" : "active",
                "state_change" : "2027-01-15T08:00:00.250Z",
                "transaction_start" : "2027-01-15T08:00:00.750Z",
                "user" : "app",
                "wait_event" : null,
                "wait_event_type" : null,
                "wait_start" : null,
                "xmin_age" : null
              },
              {
                "application_name" : "st:svc/kv/beta",
                "backend_start" : null,
                "blocked_by" : [

                ],
                "client_address" : null,
                "client_port" : null,
                "database" : null,
                "pid" : 102,
                "query" : "SELECT 102",
                "query_id" : null,
                "query_start" : "2027-01-15T08:00:00.750Z",
                "state" : "idle in transaction",
                "state_change" : "2027-01-15T08:00:00.250Z",
                "transaction_start" : "2027-01-15T07:59:32.250Z",
                "user" : "app",
                "wait_event" : null,
                "wait_event_type" : null,
                "wait_start" : null,
                "xmin_age" : 42
              },
              {
                "application_name" : "psql",
                "backend_start" : null,
                "blocked_by" : [
                  102
                ],
                "client_address" : null,
                "client_port" : null,
                "database" : null,
                "pid" : 103,
                "query" : "SELECT 103",
                "query_id" : null,
                "query_start" : "2027-01-15T08:00:00.750Z",
                "state" : "active",
                "state_change" : "2027-01-15T08:00:00.250Z",
                "transaction_start" : "2027-01-15T08:00:01.750Z",
                "user" : "app",
                "wait_event" : "relation",
                "wait_event_type" : "Lock",
                "wait_start" : null,
                "xmin_age" : null
              }
            ],
            "delivery_blockers" : [
              {
                "application_name" : "st:svc/kv/beta",
                "log" : "events",
                "pid" : 102,
                "registered_after" : 105,
                "state" : "idle in transaction",
                "transaction_seconds" : 30
              }
            ],
            "groups" : [
              {
                "active" : 1,
                "idle" : 0,
                "idle_in_transaction" : 0,
                "library" : null,
                "longest_idle_in_transaction_seconds" : null,
                "longest_query_seconds" : 1.5,
                "oldest_transaction_seconds" : 1.5,
                "other" : false,
                "service" : "svc",
                "store" : "events",
                "tenant" : "alpha",
                "total" : 1,
                "waiting" : 0
              },
              {
                "active" : 0,
                "idle" : 0,
                "idle_in_transaction" : 1,
                "library" : null,
                "longest_idle_in_transaction_seconds" : 2,
                "longest_query_seconds" : null,
                "oldest_transaction_seconds" : 30,
                "other" : false,
                "service" : "svc",
                "store" : "kv",
                "tenant" : "beta",
                "total" : 1,
                "waiting" : 0
              },
              {
                "active" : 1,
                "idle" : 0,
                "idle_in_transaction" : 0,
                "library" : null,
                "longest_idle_in_transaction_seconds" : null,
                "longest_query_seconds" : 1.5,
                "oldest_transaction_seconds" : 0.5,
                "other" : true,
                "service" : "psql",
                "store" : "",
                "tenant" : null,
                "total" : 1,
                "waiting" : 1
              }
            ],
            "sees_all" : true,
            "xmin_holder" : {
              "application_name" : "st:svc/kv/beta",
              "backend_start" : null,
              "blocked_by" : [

              ],
              "client_address" : null,
              "client_port" : null,
              "database" : null,
              "pid" : 102,
              "query" : "SELECT 102",
              "query_id" : null,
              "query_start" : "2027-01-15T08:00:00.750Z",
              "state" : "idle in transaction",
              "state_change" : "2027-01-15T08:00:00.250Z",
              "transaction_start" : "2027-01-15T07:59:32.250Z",
              "user" : "app",
              "wait_event" : null,
              "wait_event_type" : null,
              "wait_start" : null,
              "xmin_age" : 42
            }
          },
          "streams" : {
            "append_rate_per_second" : 5,
            "head_position" : 130,
            "last_write_at" : "2027-01-15T08:00:01.750Z",
            "most_active" : [
              {
                "head_position" : 128,
                "stream" : "order-1",
                "tenant" : "alpha",
                "updated_at" : "2027-01-15T08:00:02.250Z",
                "version" : 22
              }
            ],
            "safe_position" : 120,
            "tenants" : [
              {
                "events" : 90,
                "head_position" : 128,
                "last_write_at" : "2027-01-15T08:00:02.250Z",
                "streams" : 4,
                "tenant" : "alpha",
                "waiting_events" : 0
              },
              {
                "events" : 30,
                "head_position" : 90,
                "last_write_at" : "2027-01-15T08:00:00.250Z",
                "streams" : 2,
                "tenant" : "beta",
                "waiting_events" : 0
              }
            ]
          },
          "taken_at" : "2027-01-15T08:00:02.250Z",
          "tenants" : [
            {
              "append_rate_per_second" : 5,
              "events" : 90,
              "lags_not_counted" : 0,
              "oldest_outbox_age_seconds" : 90,
              "outbox_rows" : 35,
              "parked" : 0,
              "pools" : 1,
              "sessions" : 1,
              "tenant" : "alpha",
              "worst_lag_events" : 73,
              "worst_lag_seconds" : 3.25,
              "worst_status" : "ok"
            },
            {
              "append_rate_per_second" : 0,
              "events" : 30,
              "lags_not_counted" : 0,
              "oldest_outbox_age_seconds" : null,
              "outbox_rows" : 0,
              "parked" : 0,
              "pools" : 0,
              "sessions" : 1,
              "tenant" : "beta",
              "worst_lag_events" : 80,
              "worst_lag_seconds" : 3.25,
              "worst_status" : "stopped"
            },
            {
              "append_rate_per_second" : null,
              "events" : 0,
              "lags_not_counted" : 0,
              "oldest_outbox_age_seconds" : null,
              "outbox_rows" : 0,
              "parked" : 0,
              "pools" : 0,
              "sessions" : 0,
              "tenant" : "gamma",
              "worst_lag_events" : 0,
              "worst_lag_seconds" : 0,
              "worst_status" : "ok"
            }
          ]
        }
        """#
    static let compactFirstReading = #"""
        {"bookmarks":[{"age_seconds":7200,"key":"sync:b","tenant":"beta","updated_at":"2027-01-15T06:00:00.250Z"}],"cursors":[{"catch_up_seconds":null,"consume_rate_per_second":null,"created_at":null,"failing_attempts":null,"failing_error":null,"failing_position":null,"failing_since":null,"filter":null,"handled_since_previous":null,"head":118,"heartbeat_at":"2027-01-15T07:59:59.250Z","kind":null,"lag_capped":false,"lag_events":0,"lag_positions":0,"lag_seconds":0,"max_attempts":null,"moved_at":"2027-01-15T07:59:56.250Z","name":"fast","on_failure":null,"owner_application":"st:svc/consumer/alpha","owner_backend_pid":301,"owner_connected":true,"owner_host":"h1","owner_pid":77,"parked":0,"parked_replaying":0,"pause_acknowledged":false,"pause_reason":null,"paused_at":null,"paused_by":null,"position":118,"reason":null,"source":"events","status":null,"tenant":"alpha","waiting_above_safe":false},{"catch_up_seconds":null,"consume_rate_per_second":null,"created_at":null,"failing_attempts":null,"failing_error":null,"failing_position":null,"failing_since":null,"filter":null,"handled_since_previous":null,"head":118,"heartbeat_at":"2027-01-15T07:59:59.250Z","kind":null,"lag_capped":false,"lag_events":68,"lag_positions":68,"lag_seconds":3.25,"max_attempts":null,"moved_at":"2027-01-15T07:59:56.250Z","name":"slow","on_failure":null,"owner_application":"st:svc/consumer/alpha","owner_backend_pid":301,"owner_connected":true,"owner_host":"h1","owner_pid":77,"parked":0,"parked_replaying":0,"pause_acknowledged":false,"pause_reason":null,"paused_at":null,"paused_by":null,"position":50,"reason":null,"source":"events","status":null,"tenant":"alpha","waiting_above_safe":false},{"catch_up_seconds":null,"consume_rate_per_second":null,"created_at":null,"failing_attempts":null,"failing_error":null,"failing_position":null,"failing_since":null,"filter":null,"handled_since_previous":null,"head":90,"heartbeat_at":"2027-01-15T07:50:00.250Z","kind":null,"lag_capped":false,"lag_events":80,"lag_positions":80,"lag_seconds":3.25,"max_attempts":null,"moved_at":"2027-01-15T07:59:56.250Z","name":"gone","on_failure":null,"owner_application":"st:svc/consumer/beta","owner_backend_pid":null,"owner_connected":false,"owner_host":"h1","owner_pid":77,"parked":0,"parked_replaying":0,"pause_acknowledged":false,"pause_reason":null,"paused_at":null,"paused_by":null,"position":10,"reason":null,"source":"events","status":null,"tenant":"beta","waiting_above_safe":false},{"catch_up_seconds":null,"consume_rate_per_second":null,"created_at":null,"failing_attempts":null,"failing_error":null,"failing_position":null,"failing_since":null,"filter":null,"handled_since_previous":null,"head":40,"heartbeat_at":"2027-01-15T07:59:59.250Z","kind":"orders","lag_capped":false,"lag_events":20,"lag_positions":20,"lag_seconds":3.25,"max_attempts":null,"moved_at":"2027-01-15T07:59:56.250Z","name":"shipper","on_failure":null,"owner_application":"st:svc/consumer/alpha","owner_backend_pid":301,"owner_connected":true,"owner_host":"h1","owner_pid":77,"parked":0,"parked_replaying":0,"pause_acknowledged":false,"pause_reason":null,"paused_at":null,"paused_by":null,"position":20,"reason":null,"source":"outbox","status":null,"tenant":"alpha","waiting_above_safe":false}],"errors":[{"disabled":false,"panel":"pools","reason":"pools: statement timeout (canceling statement)"}],"foreign":[{"append_rate_per_second":12.5,"batch_size_avg":3.5,"batch_size_max":9,"batches_sampled":40,"bookmarks":[],"consumers":[{"lag_capped":false,"lag_events":40,"lag_positions":100,"leader_connected":null,"name":"projector","oldest_unhandled_age_seconds":95,"position":"1100","since_checkpoint_seconds":null,"status":"LAGGING","why":"40 events to handle, the oldest 95 s old"}],"database":"shop","events":1200,"events_exact":true,"head":"1200","keys":[],"kind":"factstr","last_write_at":"2027-01-15T07:59:57.250Z","likely":false,"listeners":null,"migration_version":null,"namespaces":[],"notify_queue_usage":null,"outboxes":[],"schema":"public","stream_count":null,"stream_count_exact":false,"streams":[],"tables":["durable_stream_cursors","events","store_metadata"],"version":"0.5","warnings":[],"writers_waiting":1},{"append_rate_per_second":null,"batch_size_avg":null,"batch_size_max":null,"batches_sampled":null,"bookmarks":[],"consumers":[],"database":"shop","events":5000,"events_exact":false,"head":"01890a5d-ac96-774b-bcce-b302099a8057","keys":[],"kind":"eventcore","last_write_at":"2027-01-15T07:59:59.250Z","likely":false,"listeners":null,"migration_version":7,"namespaces":[],"notify_queue_usage":null,"outboxes":[],"schema":"ledger","stream_count":120,"stream_count_exact":true,"streams":[{"events":17,"name":"account-1","version":42}],"tables":["_sqlx_migrations","eventcore_events","eventcore_subscription_versions"],"version":"2","warnings":[],"writers_waiting":null},{"append_rate_per_second":null,"batch_size_avg":null,"batch_size_max":null,"batches_sampled":null,"bookmarks":[],"consumers":[],"database":"shop","events":null,"events_exact":false,"head":null,"keys":[{"exact":false,"keys":10000,"kind":"orders","tenant":"7"}],"kind":"zestor","last_write_at":null,"likely":false,"listeners":2,"migration_version":null,"namespaces":[],"notify_queue_usage":0.0625,"outboxes":[{"head_id":900,"kind":"orders","oldest_age_seconds":86400,"oldest_id":101,"rows":800,"rows_exact":false,"rows_per_second":0.5,"tenant":"7"}],"schema":"app","stream_count":null,"stream_count_exact":false,"streams":[],"tables":["zestor_kv","zestor_outbox"],"version":"","warnings":["a listener has been idle for 2 h while rows pile up"],"writers_waiting":null},{"append_rate_per_second":null,"batch_size_avg":null,"batch_size_max":null,"batches_sampled":null,"bookmarks":[{"age_seconds":12,"bytes_behind":4096,"envelope":"bare","key":"postgres-cdc:orders_slot","last_lsn":"0/16B3748","slot":"orders_slot","slot_active":true,"slot_exists":true}],"consumers":[],"database":"shop","events":null,"events_exact":false,"head":null,"keys":[],"kind":"faucet","last_write_at":null,"likely":true,"listeners":null,"migration_version":null,"namespaces":[],"notify_queue_usage":null,"outboxes":[],"schema":"cdc","stream_count":null,"stream_count_exact":false,"streams":[],"tables":["pipeline_state"],"version":"","warnings":[],"writers_waiting":null},{"append_rate_per_second":null,"batch_size_avg":null,"batch_size_max":null,"batches_sampled":null,"bookmarks":[],"consumers":[],"database":"shop","events":null,"events_exact":false,"head":null,"keys":[],"kind":"axon","last_write_at":null,"likely":false,"listeners":3,"migration_version":null,"namespaces":[{"name":"","sessions":1},{"name":"acme","sessions":2}],"notify_queue_usage":null,"outboxes":[],"schema":"billing","stream_count":null,"stream_count_exact":false,"streams":[],"tables":[],"version":"","warnings":[],"writers_waiting":null}],"outboxes":[{"appended_total":60,"growth_rows_per_second":null,"head_id":40,"kind":"orders","last_prune_at":null,"last_prune_rows":null,"last_prune_status":null,"oldest_age_seconds":90,"oldest_at":"2027-01-15T07:58:30.250Z","oldest_id":16,"rows":25,"safe_to_prune_estimate":5,"slowest_watcher":"shipper","slowest_watcher_position":20,"tenant":"alpha","watchers":1}],"pools":[{"acquire_mean_milliseconds":0.75,"acquire_p99_milliseconds":12.5,"acquisitions_total":900,"application_name":"st:svc/events/alpha","connection_errors_total":1,"host":"h1","idle":1,"in_use":3,"interval_milliseconds":5000,"max_size":8,"peak_in_use":6,"pid":77,"report_age_seconds":1.5,"service":"svc","size":4,"stale":false,"started_at":"2027-01-15T07:50:00.250Z","store":"events","tenant":"alpha","timeouts_total":3,"waiting":2}],"replication":{"receiver":{"conflicts":0,"last_replay_at":"2027-01-15T07:59:59.750Z","receive_lag_bytes":328,"receive_lsn":"0/5000148","replay_lag_seconds":0.5,"replay_lsn":"0/5000000","replay_paused":false,"sender_host":"10.0.0.1","status":"streaming"},"slots":[{"active":false,"database":"shop","plugin":"pgoutput","retained_bytes":2147483648,"safe_wal_size":null,"slot_name":"cdc_orders","slot_type":"logical","wal_status":"extended"},{"active":true,"database":null,"plugin":null,"retained_bytes":328,"safe_wal_size":1073741824,"slot_name":"standby1","slot_type":"physical","wal_status":"reserved"}],"standbys":[{"application_name":"standby1","client_address":"10.0.0.2","flush_lag_seconds":0.002,"flush_lsn":"0/5000148","lag_bytes":328,"replay_lag_seconds":0.125,"replay_lsn":"0/5000000","sent_lsn":"0/5000148","state":"streaming","sync_state":"async","write_lag_seconds":0.001,"write_lsn":"0/5000148"}],"warnings":["inactive slot cdc_orders retains 2.0GB of WAL: drop it or bring its consumer back"]},"server":{"connections":7,"database":"shop","database_bytes":9000000,"is_standby":false,"max_connections":100,"now":"2027-01-15T08:00:00.250Z","replicas":[{"address":"10.0.0.2","name":"standby1","replay_lag_seconds":0.125,"state":"streaming"}],"started_at":"2027-01-15T07:00:00.250Z","transactions":5000,"version":"PostgreSQL 15.8"},"sessions":{"all_databases":false,"backends":[{"application_name":"st:svc/events/alpha","backend_start":null,"blocked_by":[],"client_address":null,"client_port":null,"database":null,"pid":101,"query":"SELECT 101","query_id":null,"query_start":"2027-01-15T07:59:58.750Z","state":"active","state_change":"2027-01-15T07:59:58.250Z","transaction_start":"2027-01-15T07:59:58.750Z","user":"app","wait_event":null,"wait_event_type":null,"wait_start":null,"xmin_age":null},{"application_name":"st:svc/kv/beta","backend_start":null,"blocked_by":[],"client_address":null,"client_port":null,"database":null,"pid":102,"query":"SELECT 102","query_id":null,"query_start":"2027-01-15T07:59:58.750Z","state":"idle in transaction","state_change":"2027-01-15T07:59:58.250Z","transaction_start":"2027-01-15T07:59:30.250Z","user":"app","wait_event":null,"wait_event_type":null,"wait_start":null,"xmin_age":42},{"application_name":"psql","backend_start":null,"blocked_by":[102],"client_address":null,"client_port":null,"database":null,"pid":103,"query":"SELECT 103","query_id":null,"query_start":"2027-01-15T07:59:58.750Z","state":"active","state_change":"2027-01-15T07:59:58.250Z","transaction_start":"2027-01-15T07:59:59.750Z","user":"app","wait_event":"relation","wait_event_type":"Lock","wait_start":null,"xmin_age":null}],"delivery_blockers":[{"application_name":"st:svc/kv/beta","log":"events","pid":102,"registered_after":95,"state":"idle in transaction","transaction_seconds":30}],"groups":[{"active":1,"idle":0,"idle_in_transaction":0,"library":null,"longest_idle_in_transaction_seconds":null,"longest_query_seconds":1.5,"oldest_transaction_seconds":1.5,"other":false,"service":"svc","store":"events","tenant":"alpha","total":1,"waiting":0},{"active":0,"idle":0,"idle_in_transaction":1,"library":null,"longest_idle_in_transaction_seconds":2,"longest_query_seconds":null,"oldest_transaction_seconds":30,"other":false,"service":"svc","store":"kv","tenant":"beta","total":1,"waiting":0},{"active":1,"idle":0,"idle_in_transaction":0,"library":null,"longest_idle_in_transaction_seconds":null,"longest_query_seconds":1.5,"oldest_transaction_seconds":0.5,"other":true,"service":"psql","store":"","tenant":null,"total":1,"waiting":1}],"sees_all":true,"xmin_holder":{"application_name":"st:svc/kv/beta","backend_start":null,"blocked_by":[],"client_address":null,"client_port":null,"database":null,"pid":102,"query":"SELECT 102","query_id":null,"query_start":"2027-01-15T07:59:58.750Z","state":"idle in transaction","state_change":"2027-01-15T07:59:58.250Z","transaction_start":"2027-01-15T07:59:30.250Z","user":"app","wait_event":null,"wait_event_type":null,"wait_start":null,"xmin_age":42}},"streams":{"append_rate_per_second":null,"head_position":120,"last_write_at":"2027-01-15T07:59:59.750Z","most_active":[{"head_position":118,"stream":"order-1","tenant":"alpha","updated_at":"2027-01-15T08:00:00.250Z","version":12}],"safe_position":110,"tenants":[{"events":80,"head_position":118,"last_write_at":"2027-01-15T08:00:00.250Z","streams":4,"tenant":"alpha","waiting_events":0},{"events":30,"head_position":90,"last_write_at":"2027-01-15T08:00:00.250Z","streams":2,"tenant":"beta","waiting_events":0}]},"taken_at":"2027-01-15T08:00:00.250Z","tenants":[{"append_rate_per_second":null,"events":80,"lags_not_counted":0,"oldest_outbox_age_seconds":90,"outbox_rows":25,"parked":0,"pools":1,"sessions":1,"tenant":"alpha","worst_lag_events":68,"worst_lag_seconds":3.25,"worst_status":"ok"},{"append_rate_per_second":null,"events":30,"lags_not_counted":0,"oldest_outbox_age_seconds":null,"outbox_rows":0,"parked":0,"pools":0,"sessions":1,"tenant":"beta","worst_lag_events":80,"worst_lag_seconds":3.25,"worst_status":"stopped"},{"append_rate_per_second":null,"events":0,"lags_not_counted":0,"oldest_outbox_age_seconds":null,"outbox_rows":0,"parked":0,"pools":0,"sessions":0,"tenant":"gamma","worst_lag_events":0,"worst_lag_seconds":0,"worst_status":"ok"}]}
        """#
    static let prometheusSortedLines = #"""
        # HELP storetop_bookmark_age_seconds Seconds since the bookmark was updated
        # HELP storetop_consumer_failing 1 while the consumer's handler fails at a position
        # HELP storetop_consumer_lag_counted 1 when this scrape counted the consumer's lag_events, 0 when it did not (the series is then absent)
        # HELP storetop_consumer_lag_events Rows of the consumer's own (tenant and filter, or tenant and kind) still to handle, counted up to 100000 (10000 above 1000 consumers); absent while not counted
        # HELP storetop_consumer_lag_positions Position gap: the tenant's (outbox's) deliverable head minus the consumer position
        # HELP storetop_consumer_lag_seconds Age of the oldest unhandled event or outbox row
        # HELP storetop_consumer_parked_events Events the consumer parked after its handler failed (replays still pending included)
        # HELP storetop_consumer_paused 1 while a pause of the consumer is asked for (acknowledged or not)
        # HELP storetop_consumer_position Consumer position
        # HELP storetop_consumer_status 1 for the consumer's current status
        # HELP storetop_consumer_up 1 when a process holds the consumer
        # HELP storetop_database_size_bytes Size of this database
        # HELP storetop_database_transactions_total Committed and rolled back transactions
        # HELP storetop_delivery_blockers Backends holding event or outbox delivery back
        # HELP storetop_events_append_rate_per_second Events appended per second
        # HELP storetop_events_head_position Highest allocated event position
        # HELP storetop_events_safe_position Highest position readers may deliver
        # HELP storetop_events_total Events appended by the tenant
        # HELP storetop_foreign_append_rate_per_second Events per second between two snapshots' heads
        # HELP storetop_foreign_batch_size_avg Mean events per sampled append batch
        # HELP storetop_foreign_batch_size_max Largest sampled append batch (events)
        # HELP storetop_foreign_batches_sampled Append batches sampled (the newest)
        # HELP storetop_foreign_bookmark_age_seconds Seconds since the bookmark was written
        # HELP storetop_foreign_bookmark_bytes_behind WAL bytes between the bookmark and now
        # HELP storetop_foreign_bookmark_slot_exists 1 when the replication slot a CDC bookmark names exists
        # HELP storetop_foreign_consumer_lag_events Events the consumer still has to handle (capped)
        # HELP storetop_foreign_consumer_lag_positions Head minus the consumer's position
        # HELP storetop_foreign_consumer_oldest_unhandled_age_seconds Age of the first event the consumer has not handled
        # HELP storetop_foreign_consumer_status 1 for the consumer's current status
        # HELP storetop_foreign_events Events in the log (exact for factstr, the planner's estimate for eventcore)
        # HELP storetop_foreign_head_position Head sequence number (factstr)
        # HELP storetop_foreign_kv_keys Keys per namespace and kind (exact, or the cap when exact is false)
        # HELP storetop_foreign_last_write_age_seconds Age of the newest event
        # HELP storetop_foreign_listeners Sessions of the store (zestor listeners, axon sessions)
        # HELP storetop_foreign_migration_version The store's schema migration version
        # HELP storetop_foreign_namespace_sessions Sessions of an axon store per namespace
        # HELP storetop_foreign_notify_queue_usage_ratio Used fraction of the cluster's NOTIFY queue (0 to 1)
        # HELP storetop_foreign_outbox_head_id Newest outbox id
        # HELP storetop_foreign_outbox_oldest_age_seconds Age of the oldest outbox row
        # HELP storetop_foreign_outbox_rows Outbox rows (exact, or the id range as an upper bound)
        # HELP storetop_foreign_outbox_rows_per_second Head-id growth per second (an upper bound of rows added)
        # HELP storetop_foreign_store 1 per store of another library found in the database
        # HELP storetop_foreign_stream_recent_events Its events among the newest sampled
        # HELP storetop_foreign_stream_version Current version of one of the most active streams
        # HELP storetop_foreign_streams Streams in the log (counted, or the planner's estimate)
        # HELP storetop_foreign_warnings Findings a DBA should read (snapshot --json: foreign[].warnings)
        # HELP storetop_foreign_writers_waiting Sessions waiting for a lock on the store's tables
        # HELP storetop_outbox_appended_total Rows ever written to the outbox
        # HELP storetop_outbox_oldest_age_seconds Age of the oldest outbox row
        # HELP storetop_outbox_rows Rows in the outbox
        # HELP storetop_outbox_safe_to_prune_rows_estimate Rows every registered watcher has passed (estimate)
        # HELP storetop_panel_error 1 when a panel could not be read
        # HELP storetop_pool_acquire_p99_seconds 99th percentile acquisition time
        # HELP storetop_pool_acquisitions_total Acquisitions
        # HELP storetop_pool_connection_errors_total Failed connection attempts
        # HELP storetop_pool_connections Pool connections by state
        # HELP storetop_pool_max_connections Pool maximum
        # HELP storetop_pool_report_age_seconds Age of the pool's last report
        # HELP storetop_pool_stale 1 when the report missed three intervals
        # HELP storetop_pool_timeouts_total Acquisitions that timed out
        # HELP storetop_pool_utilization_ratio In use / maximum
        # HELP storetop_pool_waiting_callers Callers waiting for a connection
        # HELP storetop_replica_replay_lag_seconds Replay lag of a standby
        # HELP storetop_replication_slot_active 1 while a process streams from the slot
        # HELP storetop_replication_slot_retained_bytes WAL the slot keeps on disk
        # HELP storetop_replication_slot_safe_wal_bytes WAL that can be written before the slot is lost
        # HELP storetop_replication_standby_lag_bytes WAL bytes between this server and what the standby replayed
        # HELP storetop_replication_standby_replay_lag_seconds The server's replay_lag for the standby (0 when caught up and idle)
        # HELP storetop_replication_standby_streaming 1 while the standby's state is streaming
        # HELP storetop_replication_warnings Replication findings a DBA should read (snapshot --json: replication.warnings)
        # HELP storetop_scrape_duration_seconds Time to collect the snapshot
        # HELP storetop_scrape_statements Statements run for the snapshot
        # HELP storetop_server_connections Client backends connected
        # HELP storetop_server_max_connections max_connections
        # HELP storetop_server_standby 1 on a standby
        # HELP storetop_server_uptime_seconds Seconds since the postmaster started
        # HELP storetop_sessions Sessions by application group and state
        # HELP storetop_sessions_oldest_transaction_seconds Age of the group's oldest open transaction
        # HELP storetop_sessions_waiting Sessions waiting on a lock
        # HELP storetop_standby_receive_lag_bytes WAL received by this standby and not yet replayed
        # HELP storetop_standby_recovery_conflicts_total Queries of this database cancelled by recovery conflicts
        # HELP storetop_standby_replay_lag_seconds Since the last replayed commit while WAL waits (0 when all is replayed)
        # HELP storetop_standby_replay_paused 1 while replay is paused
        # HELP storetop_stream_head_position Tenant's highest event position
        # HELP storetop_streams Streams of the tenant
        # HELP storetop_tenants Registered tenants
        # HELP storetop_xmin_horizon_age_transactions Age of the oldest snapshot held by a backend
        # TYPE storetop_bookmark_age_seconds gauge
        # TYPE storetop_consumer_failing gauge
        # TYPE storetop_consumer_lag_counted gauge
        # TYPE storetop_consumer_lag_events gauge
        # TYPE storetop_consumer_lag_positions gauge
        # TYPE storetop_consumer_lag_seconds gauge
        # TYPE storetop_consumer_parked_events gauge
        # TYPE storetop_consumer_paused gauge
        # TYPE storetop_consumer_position gauge
        # TYPE storetop_consumer_status gauge
        # TYPE storetop_consumer_up gauge
        # TYPE storetop_database_size_bytes gauge
        # TYPE storetop_database_transactions_total counter
        # TYPE storetop_delivery_blockers gauge
        # TYPE storetop_events_append_rate_per_second gauge
        # TYPE storetop_events_head_position gauge
        # TYPE storetop_events_safe_position gauge
        # TYPE storetop_events_total counter
        # TYPE storetop_foreign_append_rate_per_second gauge
        # TYPE storetop_foreign_batch_size_avg gauge
        # TYPE storetop_foreign_batch_size_max gauge
        # TYPE storetop_foreign_batches_sampled gauge
        # TYPE storetop_foreign_bookmark_age_seconds gauge
        # TYPE storetop_foreign_bookmark_bytes_behind gauge
        # TYPE storetop_foreign_bookmark_slot_exists gauge
        # TYPE storetop_foreign_consumer_lag_events gauge
        # TYPE storetop_foreign_consumer_lag_positions gauge
        # TYPE storetop_foreign_consumer_oldest_unhandled_age_seconds gauge
        # TYPE storetop_foreign_consumer_status gauge
        # TYPE storetop_foreign_events gauge
        # TYPE storetop_foreign_head_position gauge
        # TYPE storetop_foreign_kv_keys gauge
        # TYPE storetop_foreign_last_write_age_seconds gauge
        # TYPE storetop_foreign_listeners gauge
        # TYPE storetop_foreign_migration_version gauge
        # TYPE storetop_foreign_namespace_sessions gauge
        # TYPE storetop_foreign_notify_queue_usage_ratio gauge
        # TYPE storetop_foreign_outbox_head_id gauge
        # TYPE storetop_foreign_outbox_oldest_age_seconds gauge
        # TYPE storetop_foreign_outbox_rows gauge
        # TYPE storetop_foreign_outbox_rows_per_second gauge
        # TYPE storetop_foreign_store gauge
        # TYPE storetop_foreign_stream_recent_events gauge
        # TYPE storetop_foreign_stream_version gauge
        # TYPE storetop_foreign_streams gauge
        # TYPE storetop_foreign_warnings gauge
        # TYPE storetop_foreign_writers_waiting gauge
        # TYPE storetop_outbox_appended_total counter
        # TYPE storetop_outbox_oldest_age_seconds gauge
        # TYPE storetop_outbox_rows gauge
        # TYPE storetop_outbox_safe_to_prune_rows_estimate gauge
        # TYPE storetop_panel_error gauge
        # TYPE storetop_pool_acquire_p99_seconds gauge
        # TYPE storetop_pool_acquisitions_total counter
        # TYPE storetop_pool_connection_errors_total counter
        # TYPE storetop_pool_connections gauge
        # TYPE storetop_pool_max_connections gauge
        # TYPE storetop_pool_report_age_seconds gauge
        # TYPE storetop_pool_stale gauge
        # TYPE storetop_pool_timeouts_total counter
        # TYPE storetop_pool_utilization_ratio gauge
        # TYPE storetop_pool_waiting_callers gauge
        # TYPE storetop_replica_replay_lag_seconds gauge
        # TYPE storetop_replication_slot_active gauge
        # TYPE storetop_replication_slot_retained_bytes gauge
        # TYPE storetop_replication_slot_safe_wal_bytes gauge
        # TYPE storetop_replication_standby_lag_bytes gauge
        # TYPE storetop_replication_standby_replay_lag_seconds gauge
        # TYPE storetop_replication_standby_streaming gauge
        # TYPE storetop_replication_warnings gauge
        # TYPE storetop_scrape_duration_seconds gauge
        # TYPE storetop_scrape_statements gauge
        # TYPE storetop_server_connections gauge
        # TYPE storetop_server_max_connections gauge
        # TYPE storetop_server_standby gauge
        # TYPE storetop_server_uptime_seconds gauge
        # TYPE storetop_sessions gauge
        # TYPE storetop_sessions_oldest_transaction_seconds gauge
        # TYPE storetop_sessions_waiting gauge
        # TYPE storetop_standby_receive_lag_bytes gauge
        # TYPE storetop_standby_recovery_conflicts_total counter
        # TYPE storetop_standby_replay_lag_seconds gauge
        # TYPE storetop_standby_replay_paused gauge
        # TYPE storetop_stream_head_position gauge
        # TYPE storetop_streams gauge
        # TYPE storetop_tenants gauge
        # TYPE storetop_xmin_horizon_age_transactions gauge
        storetop_bookmark_age_seconds{tenant="beta",store="state",key="sync:b"} 7202.0
        storetop_consumer_failing{tenant="alpha",store="events",consumer="fast"} 0.0
        storetop_consumer_failing{tenant="alpha",store="events",consumer="slow"} 0.0
        storetop_consumer_failing{tenant="alpha",store="kv",kind="orders",consumer="shipper"} 0.0
        storetop_consumer_failing{tenant="beta",store="events",consumer="gone"} 0.0
        storetop_consumer_lag_counted{tenant="alpha",store="events",consumer="fast"} 1.0
        storetop_consumer_lag_counted{tenant="alpha",store="events",consumer="slow"} 1.0
        storetop_consumer_lag_counted{tenant="alpha",store="kv",kind="orders",consumer="shipper"} 1.0
        storetop_consumer_lag_counted{tenant="beta",store="events",consumer="gone"} 1.0
        storetop_consumer_lag_events{tenant="alpha",store="events",consumer="fast"} 0.0
        storetop_consumer_lag_events{tenant="alpha",store="events",consumer="slow"} 73.0
        storetop_consumer_lag_events{tenant="alpha",store="kv",kind="orders",consumer="shipper"} 30.0
        storetop_consumer_lag_events{tenant="beta",store="events",consumer="gone"} 80.0
        storetop_consumer_lag_positions{tenant="alpha",store="events",consumer="fast"} 0.0
        storetop_consumer_lag_positions{tenant="alpha",store="events",consumer="slow"} 73.0
        storetop_consumer_lag_positions{tenant="alpha",store="kv",kind="orders",consumer="shipper"} 30.0
        storetop_consumer_lag_positions{tenant="beta",store="events",consumer="gone"} 80.0
        storetop_consumer_lag_seconds{tenant="alpha",store="events",consumer="fast"} 0.0
        storetop_consumer_lag_seconds{tenant="alpha",store="events",consumer="slow"} 3.25
        storetop_consumer_lag_seconds{tenant="alpha",store="kv",kind="orders",consumer="shipper"} 3.25
        storetop_consumer_lag_seconds{tenant="beta",store="events",consumer="gone"} 3.25
        storetop_consumer_parked_events{tenant="alpha",store="events",consumer="fast"} 0.0
        storetop_consumer_parked_events{tenant="alpha",store="events",consumer="slow"} 0.0
        storetop_consumer_parked_events{tenant="alpha",store="kv",kind="orders",consumer="shipper"} 0.0
        storetop_consumer_parked_events{tenant="beta",store="events",consumer="gone"} 0.0
        storetop_consumer_paused{tenant="alpha",store="events",consumer="fast"} 0.0
        storetop_consumer_paused{tenant="alpha",store="events",consumer="slow"} 0.0
        storetop_consumer_paused{tenant="alpha",store="kv",kind="orders",consumer="shipper"} 0.0
        storetop_consumer_paused{tenant="beta",store="events",consumer="gone"} 0.0
        storetop_consumer_position{tenant="alpha",store="events",consumer="fast"} 128.0
        storetop_consumer_position{tenant="alpha",store="events",consumer="slow"} 55.0
        storetop_consumer_position{tenant="alpha",store="kv",kind="orders",consumer="shipper"} 20.0
        storetop_consumer_position{tenant="beta",store="events",consumer="gone"} 10.0
        storetop_consumer_status{tenant="alpha",store="events",consumer="fast",status="lagging"} 0.0
        storetop_consumer_status{tenant="alpha",store="events",consumer="fast",status="ok"} 1.0
        storetop_consumer_status{tenant="alpha",store="events",consumer="fast",status="paused"} 0.0
        storetop_consumer_status{tenant="alpha",store="events",consumer="fast",status="rewound"} 0.0
        storetop_consumer_status{tenant="alpha",store="events",consumer="fast",status="stalled"} 0.0
        storetop_consumer_status{tenant="alpha",store="events",consumer="fast",status="stopped"} 0.0
        storetop_consumer_status{tenant="alpha",store="events",consumer="slow",status="lagging"} 0.0
        storetop_consumer_status{tenant="alpha",store="events",consumer="slow",status="ok"} 1.0
        storetop_consumer_status{tenant="alpha",store="events",consumer="slow",status="paused"} 0.0
        storetop_consumer_status{tenant="alpha",store="events",consumer="slow",status="rewound"} 0.0
        storetop_consumer_status{tenant="alpha",store="events",consumer="slow",status="stalled"} 0.0
        storetop_consumer_status{tenant="alpha",store="events",consumer="slow",status="stopped"} 0.0
        storetop_consumer_status{tenant="alpha",store="kv",kind="orders",consumer="shipper",status="lagging"} 0.0
        storetop_consumer_status{tenant="alpha",store="kv",kind="orders",consumer="shipper",status="ok"} 1.0
        storetop_consumer_status{tenant="alpha",store="kv",kind="orders",consumer="shipper",status="paused"} 0.0
        storetop_consumer_status{tenant="alpha",store="kv",kind="orders",consumer="shipper",status="rewound"} 0.0
        storetop_consumer_status{tenant="alpha",store="kv",kind="orders",consumer="shipper",status="stalled"} 0.0
        storetop_consumer_status{tenant="alpha",store="kv",kind="orders",consumer="shipper",status="stopped"} 0.0
        storetop_consumer_status{tenant="beta",store="events",consumer="gone",status="lagging"} 0.0
        storetop_consumer_status{tenant="beta",store="events",consumer="gone",status="ok"} 0.0
        storetop_consumer_status{tenant="beta",store="events",consumer="gone",status="paused"} 0.0
        storetop_consumer_status{tenant="beta",store="events",consumer="gone",status="rewound"} 0.0
        storetop_consumer_status{tenant="beta",store="events",consumer="gone",status="stalled"} 0.0
        storetop_consumer_status{tenant="beta",store="events",consumer="gone",status="stopped"} 1.0
        storetop_consumer_up{tenant="alpha",store="events",consumer="fast"} 1.0
        storetop_consumer_up{tenant="alpha",store="events",consumer="slow"} 1.0
        storetop_consumer_up{tenant="alpha",store="kv",kind="orders",consumer="shipper"} 1.0
        storetop_consumer_up{tenant="beta",store="events",consumer="gone"} 0.0
        storetop_database_size_bytes{database="shop"} 9000000.0
        storetop_database_transactions_total{database="shop"} 5030
        storetop_delivery_blockers 1.0
        storetop_events_append_rate_per_second{tenant="alpha",store="events"} 5.0
        storetop_events_append_rate_per_second{tenant="beta",store="events"} 0.0
        storetop_events_head_position{store="events"} 130.0
        storetop_events_safe_position{store="events"} 120.0
        storetop_events_total{tenant="alpha",store="events"} 90
        storetop_events_total{tenant="beta",store="events"} 30
        storetop_foreign_append_rate_per_second{store_kind="factstr",schema="public",database="shop"} 12.5
        storetop_foreign_batch_size_avg{store_kind="factstr",schema="public",database="shop"} 3.5
        storetop_foreign_batch_size_max{store_kind="factstr",schema="public",database="shop"} 9.0
        storetop_foreign_batches_sampled{store_kind="factstr",schema="public",database="shop"} 40.0
        storetop_foreign_bookmark_age_seconds{store_kind="faucet",schema="cdc",database="shop",key="postgres-cdc:orders_slot"} 12.0
        storetop_foreign_bookmark_bytes_behind{store_kind="faucet",schema="cdc",database="shop",key="postgres-cdc:orders_slot"} 4096.0
        storetop_foreign_bookmark_slot_exists{store_kind="faucet",schema="cdc",database="shop",key="postgres-cdc:orders_slot"} 1.0
        storetop_foreign_consumer_lag_events{store_kind="factstr",schema="public",database="shop",consumer="projector"} 40.0
        storetop_foreign_consumer_lag_positions{store_kind="factstr",schema="public",database="shop",consumer="projector"} 100.0
        storetop_foreign_consumer_oldest_unhandled_age_seconds{store_kind="factstr",schema="public",database="shop",consumer="projector"} 95.0
        storetop_foreign_consumer_status{store_kind="factstr",schema="public",database="shop",consumer="projector",status="lagging"} 1.0
        storetop_foreign_consumer_status{store_kind="factstr",schema="public",database="shop",consumer="projector",status="ok"} 0.0
        storetop_foreign_consumer_status{store_kind="factstr",schema="public",database="shop",consumer="projector",status="stalled"} 0.0
        storetop_foreign_consumer_status{store_kind="factstr",schema="public",database="shop",consumer="projector",status="unknown"} 0.0
        storetop_foreign_events{store_kind="eventcore",schema="ledger",database="shop",exact="false"} 5000.0
        storetop_foreign_events{store_kind="factstr",schema="public",database="shop",exact="true"} 1200.0
        storetop_foreign_head_position{store_kind="factstr",schema="public",database="shop"} 1200.0
        storetop_foreign_kv_keys{store_kind="zestor",schema="app",database="shop",tenant="7",kind="orders",exact="false"} 10000.0
        storetop_foreign_last_write_age_seconds{store_kind="eventcore",schema="ledger",database="shop"} 1.0
        storetop_foreign_last_write_age_seconds{store_kind="factstr",schema="public",database="shop"} 3.0
        storetop_foreign_listeners{store_kind="axon",schema="billing",database="shop"} 3.0
        storetop_foreign_listeners{store_kind="zestor",schema="app",database="shop"} 2.0
        storetop_foreign_migration_version{store_kind="eventcore",schema="ledger",database="shop"} 7.0
        storetop_foreign_namespace_sessions{store_kind="axon",schema="billing",database="shop",namespace=""} 1.0
        storetop_foreign_namespace_sessions{store_kind="axon",schema="billing",database="shop",namespace="acme"} 2.0
        storetop_foreign_notify_queue_usage_ratio{store_kind="zestor",schema="app",database="shop"} 0.0625
        storetop_foreign_outbox_head_id{store_kind="zestor",schema="app",database="shop",tenant="7",kind="orders"} 900.0
        storetop_foreign_outbox_oldest_age_seconds{store_kind="zestor",schema="app",database="shop",tenant="7",kind="orders"} 86400.0
        storetop_foreign_outbox_rows_per_second{store_kind="zestor",schema="app",database="shop",tenant="7",kind="orders"} 0.5
        storetop_foreign_outbox_rows{store_kind="zestor",schema="app",database="shop",tenant="7",kind="orders",exact="false"} 800.0
        storetop_foreign_store{store_kind="axon",schema="billing",database="shop",version=""} 1.0
        storetop_foreign_store{store_kind="eventcore",schema="ledger",database="shop",version="2"} 1.0
        storetop_foreign_store{store_kind="factstr",schema="public",database="shop",version="0.5"} 1.0
        storetop_foreign_store{store_kind="faucet",schema="cdc",database="shop",version=""} 1.0
        storetop_foreign_store{store_kind="zestor",schema="app",database="shop",version=""} 1.0
        storetop_foreign_stream_recent_events{store_kind="eventcore",schema="ledger",database="shop",stream="account-1"} 17.0
        storetop_foreign_stream_version{store_kind="eventcore",schema="ledger",database="shop",stream="account-1"} 42.0
        storetop_foreign_streams{store_kind="eventcore",schema="ledger",database="shop",exact="true"} 120.0
        storetop_foreign_warnings{store_kind="axon",schema="billing",database="shop"} 0.0
        storetop_foreign_warnings{store_kind="eventcore",schema="ledger",database="shop"} 0.0
        storetop_foreign_warnings{store_kind="factstr",schema="public",database="shop"} 0.0
        storetop_foreign_warnings{store_kind="faucet",schema="cdc",database="shop"} 0.0
        storetop_foreign_warnings{store_kind="zestor",schema="app",database="shop"} 1.0
        storetop_foreign_writers_waiting{store_kind="factstr",schema="public",database="shop"} 1.0
        storetop_outbox_appended_total{tenant="alpha",store="kv",kind="orders"} 70
        storetop_outbox_oldest_age_seconds{tenant="alpha",store="kv",kind="orders"} 90.0
        storetop_outbox_rows{tenant="alpha",store="kv",kind="orders"} 35.0
        storetop_outbox_safe_to_prune_rows_estimate{tenant="alpha",store="kv",kind="orders"} 5.0
        storetop_panel_error{panel="pools"} 1.0
        storetop_pool_acquire_p99_seconds{service="svc",store="events",tenant="alpha",host="h1",pid="77",pool_started="1799999400250"} 0.0125
        storetop_pool_acquisitions_total{service="svc",store="events",tenant="alpha",host="h1",pid="77",pool_started="1799999400250"} 910
        storetop_pool_connection_errors_total{service="svc",store="events",tenant="alpha",host="h1",pid="77",pool_started="1799999400250"} 1
        storetop_pool_connections{service="svc",store="events",tenant="alpha",host="h1",pid="77",pool_started="1799999400250",state="idle"} 1.0
        storetop_pool_connections{service="svc",store="events",tenant="alpha",host="h1",pid="77",pool_started="1799999400250",state="in_use"} 3.0
        storetop_pool_max_connections{service="svc",store="events",tenant="alpha",host="h1",pid="77",pool_started="1799999400250"} 8.0
        storetop_pool_report_age_seconds{service="svc",store="events",tenant="alpha",host="h1",pid="77",pool_started="1799999400250"} 1.5
        storetop_pool_stale{service="svc",store="events",tenant="alpha",host="h1",pid="77",pool_started="1799999400250"} 0.0
        storetop_pool_timeouts_total{service="svc",store="events",tenant="alpha",host="h1",pid="77",pool_started="1799999400250"} 3
        storetop_pool_utilization_ratio{service="svc",store="events",tenant="alpha",host="h1",pid="77",pool_started="1799999400250"} 0.375
        storetop_pool_waiting_callers{service="svc",store="events",tenant="alpha",host="h1",pid="77",pool_started="1799999400250"} 2.0
        storetop_replica_replay_lag_seconds{replica="standby1"} 0.125
        storetop_replication_slot_active{slot_name="cdc_orders",slot_type="logical",wal_status="extended"} 0.0
        storetop_replication_slot_active{slot_name="standby1",slot_type="physical",wal_status="reserved"} 1.0
        storetop_replication_slot_retained_bytes{slot_name="cdc_orders",slot_type="logical",wal_status="extended"} 2147483648.0
        storetop_replication_slot_retained_bytes{slot_name="standby1",slot_type="physical",wal_status="reserved"} 328.0
        storetop_replication_slot_safe_wal_bytes{slot_name="standby1",slot_type="physical",wal_status="reserved"} 1073741824.0
        storetop_replication_standby_lag_bytes{application_name="standby1",client="10.0.0.2",sync_state="async"} 328.0
        storetop_replication_standby_replay_lag_seconds{application_name="standby1",client="10.0.0.2",sync_state="async"} 0.125
        storetop_replication_standby_streaming{application_name="standby1",client="10.0.0.2",sync_state="async"} 1.0
        storetop_replication_warnings 1.0
        storetop_scrape_duration_seconds 0.0035
        storetop_scrape_statements 10.0
        storetop_server_connections 7.0
        storetop_server_max_connections 100.0
        storetop_server_standby 0.0
        storetop_server_uptime_seconds 3602.0
        storetop_sessions_oldest_transaction_seconds{service="psql",store="",tenant="",storeaccess="false"} 0.5
        storetop_sessions_oldest_transaction_seconds{service="svc",store="events",tenant="alpha",storeaccess="true"} 1.5
        storetop_sessions_oldest_transaction_seconds{service="svc",store="kv",tenant="beta",storeaccess="true"} 30.0
        storetop_sessions_waiting{service="psql",store="",tenant="",storeaccess="false"} 1.0
        storetop_sessions_waiting{service="svc",store="events",tenant="alpha",storeaccess="true"} 0.0
        storetop_sessions_waiting{service="svc",store="kv",tenant="beta",storeaccess="true"} 0.0
        storetop_sessions{service="psql",store="",tenant="",storeaccess="false",state="active"} 1.0
        storetop_sessions{service="psql",store="",tenant="",storeaccess="false",state="idle"} 0.0
        storetop_sessions{service="psql",store="",tenant="",storeaccess="false",state="idle_in_transaction"} 0.0
        storetop_sessions{service="svc",store="events",tenant="alpha",storeaccess="true",state="active"} 1.0
        storetop_sessions{service="svc",store="events",tenant="alpha",storeaccess="true",state="idle"} 0.0
        storetop_sessions{service="svc",store="events",tenant="alpha",storeaccess="true",state="idle_in_transaction"} 0.0
        storetop_sessions{service="svc",store="kv",tenant="beta",storeaccess="true",state="active"} 0.0
        storetop_sessions{service="svc",store="kv",tenant="beta",storeaccess="true",state="idle"} 0.0
        storetop_sessions{service="svc",store="kv",tenant="beta",storeaccess="true",state="idle_in_transaction"} 1.0
        storetop_standby_receive_lag_bytes 328.0
        storetop_standby_recovery_conflicts_total 0
        storetop_standby_replay_lag_seconds 0.5
        storetop_standby_replay_paused 0.0
        storetop_stream_head_position{tenant="alpha",store="events"} 128.0
        storetop_stream_head_position{tenant="beta",store="events"} 90.0
        storetop_streams{tenant="alpha",store="events"} 4.0
        storetop_streams{tenant="beta",store="events"} 2.0
        storetop_tenants 3.0
        storetop_xmin_horizon_age_transactions{pid="102"} 42.0
        """#
}
