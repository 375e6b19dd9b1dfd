import ArgumentParser
import Foundation
import StoreAccess
import StoreMetrics

/// `storetop consumer pause --tenant T NAME`: the consumer's loop stops after its current handler and keeps its lock.
struct ConsumerPause: ParsableCommand, ConnectionCommand {
    static let configuration = CommandConfiguration(
        commandName: "pause", abstract: "Ask a consumer to stop after its current handler (it keeps its lock; resume lets it go on).")
    @OptionGroup var consumer: ConsumerName
    @OptionGroup var connection: ConnectionOptions
    @OptionGroup var options: ConsumerActionOptions

    func run() throws {
        try withActions(readOnly: options.readOnly) { actions in
            let record = try actions.pauseConsumer(try consumer.ref, reason: options.reason)
            try options.show(ConsumerText.done(record), json: try ActionJSON.encode(record: record))
        }
    }
}

/// `storetop consumer resume --tenant T NAME`.
struct ConsumerResume: ParsableCommand, ConnectionCommand {
    static let configuration = CommandConfiguration(commandName: "resume", abstract: "Let a paused consumer go on.")
    @OptionGroup var consumer: ConsumerName
    @OptionGroup var connection: ConnectionOptions
    @OptionGroup var options: ConsumerActionOptions

    func run() throws {
        try withActions(readOnly: options.readOnly) { actions in
            let record = try actions.resumeConsumer(try consumer.ref, reason: options.reason)
            try options.show(ConsumerText.done(record), json: try ActionJSON.encode(record: record))
        }
    }
}
