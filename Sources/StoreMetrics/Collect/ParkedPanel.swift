import Foundation
import StoreAccess

/// The parked-events panel: the newest parked events of the store (schema version 9), bounded. Parked events are an
/// operator's queue, normally short; the LIMIT keeps a flood from growing the snapshot.
enum ParkedPanel: Panel {
    static let name = "parked"
    /// At most this many rows per snapshot.
    static let limit = 500

    static func statements(_ schema: Identifier) -> [SQL] { [statement(schema)] }

    static func statement(_ schema: Identifier) -> SQL {
        SQL(
            """
            SELECT tenant, consumer, position, stream, type, error, attempts, first_failed_at, last_failed_at, parked_at,
                   state = 'replay' AS replay
              FROM \(ident: schema).parked ORDER BY last_failed_at DESC, tenant, consumer, position LIMIT \(limit)
            """
        ).named("metrics.parked")
    }

    static func read(_ c: Connection, _ schema: Identifier) throws -> [Snapshot.Parked] {
        try c.query(statement(schema)).rows.map {
            Snapshot.Parked(
                tenant: try $0.decode(0), consumer: try $0.decode(1), position: try $0.decode(2), stream: try $0.decode(3),
                type: try $0.decode(4), error: try $0.decode(5), attempts: try $0.decode(6), firstFailedAt: try $0.decode(7),
                lastFailedAt: try $0.decode(8), parkedAt: try $0.decode(9), replayRequested: try $0.decode(10))
        }
    }
}
