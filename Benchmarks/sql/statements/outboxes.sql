-- metrics.outboxes (OutboxesPanel.statement) (schema storeaccess; kept equal to the panel's by BenchStatementsTests)
SELECT h.tenant, h.kind, h.appended_total - h.pruned_total AS rows, h.head_id, h.appended_total, h.pruned_total,
       p.started_at AS prune_started_at, p.finished_at AS prune_finished_at, p.rows_deleted AS prune_rows,
       coalesce(to_jsonb(p) ->> 'status', CASE WHEN p.cancelled THEN 'cancelled' ELSE 'done' END) AS prune_status
  FROM "storeaccess".outbox_heads h
  LEFT JOIN (SELECT DISTINCT ON (a.tenant, a.kind) a.* FROM "storeaccess".prune_audit a
              WHERE a.id > (SELECT coalesce(max(id), 0) FROM "storeaccess".prune_audit) - 10000
              ORDER BY a.tenant, a.kind, a.id DESC) p ON p.tenant = h.tenant AND p.kind = h.kind
 ORDER BY h.tenant, h.kind LIMIT 5000;
