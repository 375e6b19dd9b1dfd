import Foundation
import StoreTestSupport
import Testing

@testable import StoreAccess

/// Issue 17 capability: stream glob filters (`*`, `?`, `[0-9]`) in reads and subscriptions, applied before the limit.
@Suite struct StreamGlobTests {
    @Test func globReadsFilterBeforeTheLimit() throws {
        try withStore { store, _ in
            let es = try store.events(tenant: "glob")
            for i in 0..<30 { try es.append(to: "order-\(i)", [ev("O")]) }
            for s in ["account-1", "account-22", "account-x", "account.1", "my-account-1", "a*b", "ünï/1"] { try es.append(to: s, [ev("A")]) }
            func streams(_ p: String, limit: Int = 100) throws -> [String] { try es.read(streamGlob: p, limit: limit).map(\.stream) }
            #expect(try streams("account-*", limit: 3) == ["account-1", "account-22", "account-x"])
            #expect(try streams("account-?") == ["account-1", "account-22", "account-x"])  // a glob matches the start of an id
            #expect(try streams("account-[0-9]") == ["account-1", "account-22"])
            #expect(try streams("account-[!0-9]") == ["account-x"])
            #expect(try streams("account.") == ["account.1"])  // "." is literal
            #expect(try streams("a\\*") == ["a*b"])
            #expect(try streams("ünï/?") == ["ünï/1"])
            #expect(try streams("order-2?", limit: 5).count == 5)
            _ = expectStoreError(.invalidArgument) { _ = try es.read(streamGlob: "account-[0-9") }
            _ = expectStoreError(.invalidArgument) { _ = try es.read(streamGlob: "") }
        }
    }

    @Test func subscriptionsFilterByGlob() throws {
        try withStore { store, _ in
            let es = try store.events(tenant: "globsub")
            var o = Subscription.Options()
            o.streamGlob = "account-[0-9]*"
            let seen = LockedBox<[String]>([])
            let sub = try es.subscribe(from: .beginning, options: o) { batch in seen.update { $0 += batch.map(\.stream) } }
            defer { sub.stop() }
            try es.append(to: "order-1", [ev("O")])
            try es.append(to: "account-7", [ev("A")])
            let last = try es.append(to: "account-x", [ev("A")])
            try es.append(to: "account-8", [ev("A")])
            #expect(sub.waitForPosition(last.lastPosition + 1, timeout: .seconds(10)))
            #expect(seen.get() == ["account-7", "account-8"])
            _ = expectStoreError(.invalidArgument) { _ = try es.subscribeDurable(name: "g", options: o) { _ in } }
        }
    }
}
