import Testing

@testable import StoreAccess

@Suite struct IdentifierTests {
    @Test(arguments: ["storeaccess", "_x", "Orders_2024", String(repeating: "a", count: 63)])
    func accepts(_ name: String) throws {
        let i = try Identifier(name)
        #expect(i.quoted == "\"\(name)\"")
    }

    @Test(arguments: ["", "1abc", "bad-name", "x; DROP TABLE t", "a\"b", "schéma", "with space", String(repeating: "a", count: 64), "a\u{0}b"])
    func rejects(_ name: String) {
        do {
            _ = try Identifier(name, what: "schema name")
            Issue.record("accepted \(name)")
        } catch let e as StoreError {
            #expect(e.code == .invalidName)
            #expect(e.message.contains("schema name"))
        } catch { Issue.record("wrong error") }
    }
}
