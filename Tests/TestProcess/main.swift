import Foundation
import StoreAccess

// A helper process for tests that need several real processes (concurrent migrations, crashes, environment
// connections). Prints one result line; exits non-zero on error.
let args = CommandLine.arguments
func fail(_ message: String) -> Never {
    FileHandle.standardError.write((message + "\n").data(using: .utf8)!)
    exit(1)
}
guard args.count >= 2 else { fail("usage: storeaccess-testproc COMMAND …") }

do {
    switch args[1] {
    case "connect-env":
        // Connects from the libpq environment only (PGHOST, PGPORT, PGUSER, PGDATABASE, PGPASSFILE, PGSERVICE…).
        let c = try Connection(.environment, applicationName: ApplicationName(service: "envtest", store: "probe"))
        let r = try c.query("SELECT current_user, current_database(), current_setting('application_name')")
        print(r.first!.values.map { $0 ?? "NULL" }.joined(separator: "|"))
    case "migrate":
        // migrate DSN SCHEMA: connect (which migrates) and print the version.
        let store = try Store.connect(
            args[2], service: "migrator",
            options: {
                var o = Store.Options(); o.schema = args[3]; o.configure = { $0.reportInterval = nil }; return o
            }())
        let v = try store.pool.withConnection { try store.schema.installedVersion(on: $0) }
        print("version \(v ?? -1)")
        store.close()
    default:
        try TestProcessCommands.run(args)
    }
} catch {
    fail("error: \(error)")
}
