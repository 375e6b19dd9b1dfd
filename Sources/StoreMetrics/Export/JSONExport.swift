import Foundation

/// The document `storetop snapshot --json` prints (DESIGN contract 7, docs/snapshot.md): exactly the top-level
/// keys `taken_at, server, replication, sessions, pools, streams, cursors, outboxes, bookmarks, tenants, foreign, errors`, snake_case,
/// dates in ISO 8601. Cursors and outboxes carry derived figures (status, rates) when two snapshots were taken.
public enum JSONExport {
    /// Encodes `snapshot` (with `derived`, when available) as the snapshot document.
    public static func encode(_ snapshot: Snapshot, derived: Derived? = nil, pretty: Bool = true) throws -> String {
        try JSONBytesEncoder(pretty: pretty).string(document(snapshot, derived))
    }

    /// JSON allows C1 controls, bidi overrides and line/paragraph separators raw, and a terminal showing the document
    /// may act on them: they are written as `\uXXXX` escapes (the same text to a JSON reader). `JSONBytesEncoder`
    /// escapes the same characters as it writes strings; this is for text from elsewhere.
    static func escapeInvisible(_ text: String) -> String {
        func invisible(_ u: Unicode.Scalar) -> Bool {
            (0x80...0x9F).contains(u.value) || (0x202A...0x202E).contains(u.value) || (0x2066...0x2069).contains(u.value)
                || u.value == 0x2028 || u.value == 0x2029 || u.value == 0x200E || u.value == 0x200F
        }
        guard text.unicodeScalars.contains(where: invisible) else { return text }
        var out = String.UnicodeScalarView()
        for u in text.unicodeScalars {
            if invisible(u) {
                out.append(contentsOf: String(format: "\\u%04x", u.value).unicodeScalars)
            } else {
                out.append(u)
            }
        }
        return String(out)
    }

    /// The document: the snapshot's panels with derived figures joined in; the tenant summary built once
    /// (`Derived.tenantSummary(for:)`, which `History.add` already built).
    static func document(_ snapshot: Snapshot, _ derived: Derived?) -> Document {
        let now = snapshot.clock
        let tenants = TenantSummary.rows(for: snapshot, derived: derived)
        return Document(
            takenAt: snapshot.takenAt, server: snapshot.server, replication: snapshot.replication, sessions: snapshot.sessions, pools: snapshot.pools,
            streams: snapshot.streams.map {
                StreamsOut(
                    headPosition: $0.headPosition, safePosition: $0.safePosition, lastWriteAt: $0.lastWriteAt,
                    appendRatePerSecond: derived?.appendRate, tenants: $0.tenants, mostActive: $0.mostActive)
            },
            cursors: snapshot.cursors.map { c in
                let h = derived?.cursors[c.key]
                return CursorOut(
                    cursor: c, status: h?.status.rawValue, reason: h?.reason, consumeRatePerSecond: h?.consumeRate, catchUpSeconds: h?.catchUpSeconds)
            },
            outboxes: snapshot.outboxes.map { o in
                OutboxOut(
                    outbox: o, oldestAgeSeconds: o.oldestAt.map { now.timeIntervalSince($0) }, growthRowsPerSecond: derived?.outboxGrowth[o.key])
            },
            bookmarks: snapshot.bookmarks.map {
                BookmarkOut(tenant: $0.tenant, key: $0.key, updatedAt: $0.updatedAt, ageSeconds: now.timeIntervalSince($0.updatedAt))
            },
            tenants: tenants.map {
                TenantOut(
                    tenant: $0.tenant, sessions: $0.sessions, pools: $0.pools, events: $0.events, appendRatePerSecond: $0.appendRate,
                    worstLagEvents: $0.worstLagEvents, lagsNotCounted: $0.lagsNotCounted, worstLagSeconds: $0.worstLagSeconds,
                    worstStatus: $0.worstStatus.rawValue,
                    outboxRows: $0.outboxRows, oldestOutboxAgeSeconds: $0.oldestOutboxAge, parked: $0.parked)
            },
            foreign: snapshot.foreign ?? [], errors: snapshot.errors)
    }

}
