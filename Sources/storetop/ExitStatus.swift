import ArgumentParser
import Foundation
import StoreAccess

/// The exit statuses of every storetop command, one table (README, docs/security.md). The values are sysexits(3)'s,
/// which ArgumentParser already uses for usage errors (64), so a script can tell a typo from a server that is down.
enum ExitStatus {
    /// Done.
    static let ok: Int32 = 0
    /// Anything else that went wrong at run time (a statement timeout, a server error, a failed snapshot).
    static let failure: Int32 = 1
    /// EX_USAGE: a bad option, argument, connection string or name; nothing was sent to the server.
    static let usage: Int32 = 64
    /// EX_DATAERR: what was named does not exist (tenant, kind, schema, database) or the schema is not the version
    /// this storetop knows.
    static let data: Int32 = 65
    /// EX_UNAVAILABLE: the server cannot be reached or refuses connections; the address to listen on is in use.
    static let unavailable: Int32 = 69
    /// EX_NOPERM: a privilege is missing, the password was refused, or `--read-only` refused a change.
    static let permission: Int32 = 77
    /// A configuration error: the config file is unreadable or says something storetop cannot use (EX_CONFIG).
    static let config: Int32 = 78

    /// The status of a process stopped by `signal` after it cleaned up (130 for SIGINT, 143 for SIGTERM, 129 for
    /// SIGHUP), as a shell reports a process the signal killed.
    static func interrupted(by signal: Int32) -> Int32 { 128 + signal }

    /// The status for a StoreError.
    static func code(for e: StoreError) -> Int32 {
        if e.code == .readOnly || e.isPrivilegeError || e.has(.invalidPassword) { return permission }
        if e.has(.invalidCatalogName) { return data }
        if e.isConnectionError || e.code == .poolTimeout { return unavailable }
        switch e.code {
        case .notFound, .schemaMissing, .schemaTooNew: return data
        case .invalidDSN, .invalidName, .invalidArgument: return usage
        default:
            return e.has(.undefinedTable) || e.has(.undefinedFunction) || e.has(.invalidSchemaName) ? data : failure
        }
    }

    /// Reports `error` in one line on stderr (when it is ours) and exits with its status; ArgumentParser reports
    /// its own errors (usage: 64, `--help`: 0, `ExitCode`: as given).
    static func exit(reporting error: Error) -> Never {
        switch error {
        case let e as StoreError:
            warn("storetop: \(e.description)")
            Foundation.exit(code(for: e))
        case let e as CLIError:
            warn(e.message)
            Foundation.exit(e.code)
        case let e as ConfigError:
            warn(e.description)
            Foundation.exit(config)
        default:
            StoreTop.exit(withError: error)
        }
    }
}
