import Foundation
import StoreAccess

/// zestor's writers and listeners: Set and Delete as its store/postgres sends them, one live listener session that
/// drains what it is notified of, and one that LISTENs and then never does anything again (a stuck process).
extension DemoForeign {
    static let zestorKinds = ["cart", "profile", "session"]

    /// A write about every 0.4 s to a random namespace (1-3), kind and key; one in fifteen deletes the key.
    func startZestor() {
        worker("zestor-write", schema: schemas.zestor, every: 0.4) { c in
            let ns = Int64.random(in: 1...3), kind = DemoForeign.zestorKinds.randomElement()!, key = "k\(Int.random(in: 0..<40))"
            if Int.random(in: 0..<15) == 0 {
                try DemoForeign.zestorDelete(c, ns: ns, kind: kind, key: key)
            } else {
                try DemoForeign.zestorSet(c, ns: ns, kind: kind, key: key, value: Array("{\"qty\":\(Int.random(in: 0..<100))}".utf8))
            }
        }
        hold("zestor-stuck-listener", schema: schemas.zestor) { c in
            try c.query("UNLISTEN *")
            try c.query("LISTEN zestor_events")
        }
        thread("zestor-listener") { [self] in
            while !stopping {
                do { try listen(ns: 1) } catch { pause(1) }
            }
        }
    }

    /// zestor's Set: insert the key, or (when it exists with another value) update it and its version; then the
    /// outbox row, whose trigger NOTIFYs. One transaction; an unchanged value writes nothing.
    static func zestorSet(_ c: Connection, ns: Int64, kind: String, key: String, value: [UInt8]) throws {
        try c.transaction { c in
            let created =
                try c.execute(
                    SQL(
                        "INSERT INTO zestor_kv(ns_id,kind,key,value) VALUES(\(ns),\(kind),\(key),\(ByteA(value))) ON CONFLICT (ns_id,kind,key) DO NOTHING"
                    )) == 1
            if !created {
                let current: ByteA = try c.query(SQL("SELECT value FROM zestor_kv WHERE ns_id=\(ns) AND kind=\(kind) AND key=\(key)")).rows[0]
                    .decode(0)
                if current.bytes == value { return }
                try c.query(
                    SQL(
                        "UPDATE zestor_kv SET value=\(ByteA(value)), version=version+1, updated_at=now() WHERE ns_id=\(ns) AND kind=\(kind) AND key=\(key)"
                    ))
            }
            let etype = created ? "create" : "update"
            try c.query(SQL("INSERT INTO zestor_outbox(ns_id,kind,key,etype,value) VALUES(\(ns),\(kind),\(key),\(etype),\(ByteA(value)))"))
        }
    }

    /// zestor's Delete: the key goes, the outbox gets a `delete` row with the previous value (nothing when absent).
    static func zestorDelete(_ c: Connection, ns: Int64, kind: String, key: String) throws {
        try c.transaction { c in
            guard let row = try c.query(SQL("SELECT value FROM zestor_kv WHERE ns_id=\(ns) AND kind=\(kind) AND key=\(key)")).first else { return }
            let previous: ByteA = try row.decode(0)
            try c.query(SQL("DELETE FROM zestor_kv WHERE ns_id=\(ns) AND kind=\(kind) AND key=\(key)"))
            try c.query(SQL("INSERT INTO zestor_outbox(ns_id,kind,key,etype,value) VALUES(\(ns),\(kind),\(key),'delete',\(previous))"))
        }
    }

    /// One zestor store instance's listen loop for namespace `ns`: its cursor starts at the outbox's newest id;
    /// `UNLISTEN *`, `LISTEN zestor_events` on one session, then each notification of its namespace drains that
    /// kind's rows after the cursor (256 at a time) on another session. After 60 s without a notification it
    /// LISTENs again, as zestor's loop does when its wait times out.
    func listen(ns: Int64) throws {
        let listener = try connect(schema: schemas.zestor), reader = try connect(schema: schemas.zestor)
        defer {
            listener.close()
            reader.close()
        }
        var cursor: [String: Int64] = [:]
        let start: Int64 = try reader.query(SQL("SELECT COALESCE(MAX(id), 0) FROM zestor_outbox WHERE ns_id=\(ns)")).rows[0].decode(0)
        while !stopping {
            try listener.query("UNLISTEN *")
            try listener.query("LISTEN zestor_events")
            var quiet = 0.0
            while !stopping && quiet < 60 {
                let notes = try listener.waitForNotifications(timeout: .seconds(1))
                quiet = notes.isEmpty ? quiet + 1 : 0
                let kinds = Set(
                    notes.compactMap { n -> String? in
                        let p = n.payload.split(separator: "|", omittingEmptySubsequences: false)
                        return p.count == 5 && p[0] == "\(ns)" ? String(p[1]) : nil
                    })
                for kind in kinds.sorted() {
                    let after = cursor[kind] ?? start
                    let rows = try reader.query(
                        SQL(
                            "SELECT id, key, etype, value FROM zestor_outbox WHERE ns_id=\(ns) AND kind=\(kind) AND id > \(after) ORDER BY id LIMIT 256"
                        )
                    )
                    .rows
                    cursor[kind] = try rows.last?.decode("id") ?? after
                }
            }
        }
    }
}
