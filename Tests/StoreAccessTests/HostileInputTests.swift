import Testing

@testable import StoreAccess

/// Names and connection strings an attacker (any role that can log in) or a careless user controls.
@Suite struct HostileInputTests {
    @Test func applicationNamesThatDecodeToControlsAreNotOurs() {
        // OSC 52 (clipboard write) and a screen clear, percent-encoded in the st: format
        #expect(ApplicationName.parse("st:%1B%5D52%3Bc%3BZXZpbA%3D%3D%07/x/t") == nil)
        #expect(ApplicationName.parse("st:billing/orders/ac%1B%5B2Jme") == nil)
        #expect(ApplicationName.parse("st:billing/orders/a%0Ab") == nil, "a newline would forge a row")
        #expect(ApplicationName.parse("st:billing/orders/ac%E2%80%AEme") == nil, "a right-to-left override")
        #expect(ApplicationName.parse("st:billing/orders/ac%E2%80%8Bme") == nil, "a zero-width space")
        let ok = ApplicationName.parse("st:billing/orders/acme")
        #expect(ok?.service == "billing" && ok?.store == "orders" && ok?.tenant == "acme")
        #expect(ApplicationName.parse("st:z%C3%BCrich/orders/acme")?.service == "zürich", "ordinary non-ASCII still decodes")
    }

    @Test func everySecretLibpqKnowsIsMasked() {
        let kv = ConnectionString.mask("host=db user=u password=pw1 sslpassword='key pass' dbname=x")
        #expect(!kv.contains("pw1") && !kv.contains("key pass"))
        #expect(kv.contains("user=u") && kv.contains("host=db"))
        let url = ConnectionString.mask("postgresql://u@db/x?sslpassword=kp2&sslmode=require")
        #expect(!url.contains("kp2") && url.contains("sslmode=require"))
        let encoded = ConnectionString.mask("postgresql://u@db/x?sslpass%77ord=kp3")
        #expect(!encoded.contains("kp3"))
    }

    @Test func connectionStringsNestedInDbnameAreMasked() {
        for dsn in [
            "host=db dbname='postgresql://u:pw4@h/app'", "dbname=postgresql://u:pw4@h/app",
            "host=db dbname='user=u password=pw4 dbname=app'", "postgresql://db/?dbname=postgresql%3A%2F%2Fu%3Apw4%40h%2Fapp",
        ] {
            let shown = ConnectionString.mask(dsn)
            #expect(!shown.contains("pw4"), "\(dsn) → \(shown)")
        }
    }
}
