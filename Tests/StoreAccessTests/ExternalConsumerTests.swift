import Foundation
import StoreTestSupport
import Testing

@testable import StoreAccess

/// A consumer that another process drives through the SQL API, registered and moved from Swift with the owner
/// that process reports (what `storetop demo` needs instead of raw SQL).
@Suite struct ExternalConsumerTests {
    @Test func registersWithTheGivenOwnerAndAdvances() throws {
        try withStore { store, server in
            let es = try store.events(tenant: "ext")
            let appended = try es.append(to: "s", [ev("A"), ev("B"), ev("C")])
            let owner = ConsumerOwner(application: "st:legacy/consumer/ext", host: "old-vm-03", pid: 4711)
            let consumer = try es.registerExternalConsumer(name: "legacy-sync", owner: owner)
            #expect(try consumer.position() == 0)
            try consumer.advance(to: appended.firstPosition)
            #expect(try consumer.position() == appended.firstPosition)
            let q = store.schema.name.quoted
            let row = try #require(
                try server.admin(
                    SQL(
                        unsafeRaw:
                            "SELECT owner_application, owner_host, owner_pid, position, source, next_position FROM \(q).cursors WHERE tenant = 'ext' AND name = 'legacy-sync'"
                    )
                ).first)
            #expect(row[0] == "st:legacy/consumer/ext" && row[1] == "old-vm-03" && row[2] == "4711")
            #expect(row[3] == String(appended.firstPosition) && row[4] == "events")
            // the first unhandled event is recorded, as for any consumer that moves (cursor_next)
            #expect(row[5] == String(appended.firstPosition + 1))
            // registering again finds it; another filter for the same name is refused
            #expect(try es.registerExternalConsumer(name: "legacy-sync", owner: owner).position() == appended.firstPosition)
            _ = expectStoreError(.invalidArgument) {
                _ = try es.registerExternalConsumer(name: "legacy-sync", owner: owner, query: EventQuery([.init(types: ["A"])]))
            }
            _ = expectStoreError(.invalidName) { _ = try es.registerExternalConsumer(name: "bad name", owner: owner) }
        }
    }
}
