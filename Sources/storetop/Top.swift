import ArgumentParser
import Foundation
import StoreAccess
import StoreMetrics

/// The dashboard (default command). Filled in by the dashboard issue.
struct Top: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "top", abstract: "The interactive dashboard (default).")
    @OptionGroup var connection: ConnectionOptions
    func run() throws {
        _ = try connection.resolved()
        throw CLIError(message: "the dashboard is not built yet", code: 1)
    }
}

struct DemoCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "demo", abstract: "Start a throwaway PostgreSQL with a workload and open the dashboard on it.")
    func run() throws { throw CLIError(message: "the demo is not built yet", code: 1) }
}
