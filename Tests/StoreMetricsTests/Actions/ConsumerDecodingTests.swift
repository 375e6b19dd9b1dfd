import Foundation
import Testing

@testable import StoreMetrics

/// A consumer written before schema version 9's figures existed (a recording, a fleet reading) still decodes: the
/// new keys take their defaults; and one written with them round-trips.
@Suite struct ConsumerDecodingTests {
    static func coder() -> (JSONEncoder, JSONDecoder) {
        let (e, d) = (JSONEncoder(), JSONDecoder())
        (e.dateEncodingStrategy, d.dateDecodingStrategy) = (.secondsSince1970, .secondsSince1970)
        return (e, d)
    }

    @Test func aConsumerWithoutTheNewKeysDecodesWithTheirDefaults() throws {
        let (encoder, decoder) = Self.coder()
        var c = Snapshot.Cursor(
            tenant: "acme", name: "billing", source: "events", kind: nil, position: 5, head: 9, lagEvents: 4, lagSeconds: 2,
            ownerApplication: "st:svc/consumer/acme", ownerHost: "h1", ownerPid: 7, ownerBackendPid: 70, ownerConnected: true,
            heartbeatAt: Date(timeIntervalSince1970: 1000), movedAt: nil)
        var object = try #require(try JSONSerialization.jsonObject(with: try encoder.encode(c)) as? [String: Any])
        let added = [
            "pausedAt", "pausedBy", "pauseReason", "pauseAcknowledged", "onFailure", "maxAttempts", "failingPosition", "failingError",
            "failingAttempts", "failingSince", "parked", "parkedReplaying",
        ]
        for k in added { object.removeValue(forKey: k) }
        let old = try JSONSerialization.data(withJSONObject: object)
        #expect(try decoder.decode(Snapshot.Cursor.self, from: old) == c)

        (c.pausedAt, c.pausedBy, c.pauseReason, c.pauseAcknowledged) = (Date(timeIntervalSince1970: 2000), "dba (psql)", "rebuild", true)
        (c.onFailure, c.maxAttempts, c.failingPosition, c.failingError) = ("park", 3, 6, "boom")
        (c.failingAttempts, c.failingSince, c.parked, c.parkedReplaying) = (2, Date(timeIntervalSince1970: 1500), 4, 1)
        #expect(try decoder.decode(Snapshot.Cursor.self, from: try encoder.encode(c)) == c)
    }
}
