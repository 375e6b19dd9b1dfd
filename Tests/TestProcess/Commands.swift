import Foundation
import StoreAccess

/// Commands added by later stores (event writers, consumers) for crash tests.
enum TestProcessCommands {
    static func run(_ args: [String]) throws {
        throw StoreError(.invalidArgument, "unknown command \(args[1])")
    }
}
