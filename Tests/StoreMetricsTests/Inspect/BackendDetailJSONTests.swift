import Foundation
import StoreTestSupport
import Testing

@testable import StoreMetrics

/// The JSON shape docs/sessions.md documents: Codable's default keys, nulls left out, a round trip unchanged.
@Suite struct BackendDetailJSONTests {
    @Test func theDocumentedKeysRoundTrip() throws {
        let at = Date(timeIntervalSince1970: 1_796_466_067)
        let d = BackendDetail(
            pid: 4242, database: "shop", user: "app", applicationName: "st:orders/events/acme", clientAddress: "10.0.0.7",
            clientHostname: nil, clientPort: 51234, backendStart: at, transactionStart: at, queryStart: at, stateChange: at,
            state: "active", waitEventType: "Lock", waitEvent: "transactionid", backendXid: nil, backendXmin: "8812", xminAge: 3,
            holdsHorizon: false, query: "UPDATE orders SET status = 'paid' WHERE id = 1", queryTruncated: false,
            trackActivityQuerySize: 4096,
            locks: [
                .init(lockType: "transactionid", target: "transaction 8811", relation: nil, mode: "ShareLock", granted: false, waitStart: at)
            ],
            blockedBy: [4100], blocks: [4301], readAt: at)
        let encoder = JSONEncoder()
        encoder.dateEncodingStrategy = .iso8601
        let data = try encoder.encode(d)
        let object = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        #expect(
            Set(object.keys)
                == [
                    "pid", "database", "user", "applicationName", "clientAddress", "clientPort", "backendStart", "transactionStart",
                    "queryStart", "stateChange", "state", "waitEventType", "waitEvent", "backendXmin", "xminAge", "holdsHorizon", "query",
                    "queryTruncated", "trackActivityQuerySize", "locks", "blockedBy", "blocks", "readAt",
                ])
        let lock = try #require((object["locks"] as? [[String: Any]])?.first)
        #expect(Set(lock.keys) == ["lockType", "target", "mode", "granted", "waitStart"])
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        #expect(try decoder.decode(BackendDetail.self, from: data) == d)
        let doc = try String(contentsOfFile: TestServer.repoRoot + "/docs/sessions.md", encoding: .utf8)
        for key in object.keys { #expect(doc.contains("\"\(key)\""), "docs/sessions.md's example has \(key)") }
    }
}
