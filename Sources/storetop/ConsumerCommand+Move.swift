import ArgumentParser
import Foundation
import StoreAccess
import StoreMetrics

/// `storetop consumer rewind --tenant T NAME (--to-position P | --to-time ISO8601 | --by N)`.
struct ConsumerRewind: ConsumerMoveCommand {
    static let configuration = CommandConfiguration(
        commandName: "rewind", abstract: "Move a consumer back: the events after the new position are delivered again.")
    @OptionGroup var consumer: ConsumerName
    @OptionGroup var connection: ConnectionOptions
    @Option(help: "The position to go back to (it handled everything up to it).") var toPosition: Int64?
    @Option(help: "Go back to the last of its events recorded before this time (ISO 8601, e.g. 2026-12-05T07:00:00Z).") var toTime: String?
    @Option(help: "Go back by this many of its own events.") var by: Int?
    @Flag(help: "Move it even while it runs unpaused.") var force = false
    @OptionGroup var options: ConsumerActionOptions
    @OptionGroup var foreign: ForeignMoveOptions

    var move: ConsumerMove {
        get throws {
            switch (toPosition, toTime, by) {
            case (let p?, nil, nil):
                guard p >= 0 else { throw ValidationError("--to-position must be 0 or more") }
                return .rewindTo(position: p)
            case (nil, let t?, nil): return .rewindToTime(try Self.parseTime(t))
            case (nil, nil, let n?):
                guard n >= 1 else { throw ValidationError("--by must be 1 or more") }
                return .rewindBy(events: n)
            default: throw ValidationError("choose one of --to-position P, --to-time ISO8601, --by N")
            }
        }
    }

    /// An ISO 8601 time with or without fractional seconds.
    static func parseTime(_ s: String) throws -> Date {
        let f = ISO8601DateFormatter()
        if let d = f.date(from: s) { return d }
        f.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        if let d = f.date(from: s) { return d }
        throw ValidationError("--to-time takes an ISO 8601 time with its zone, e.g. 2026-12-05T07:00:00Z (got \(s))")
    }
}

/// `storetop consumer skip --tenant T NAME (--events N | --to-head)`.
struct ConsumerSkip: ConsumerMoveCommand {
    static let configuration = CommandConfiguration(
        commandName: "skip", abstract: "Move a consumer forward: the events it passes are never delivered to it.")
    @OptionGroup var consumer: ConsumerName
    @OptionGroup var connection: ConnectionOptions
    @Option(help: "Skip its next N events.") var events: Int?
    @Flag(help: "Skip to the deliverable head.") var toHead = false
    @Flag(help: "Move it even while it runs unpaused.") var force = false
    @OptionGroup var options: ConsumerActionOptions
    @OptionGroup var foreign: ForeignMoveOptions

    var move: ConsumerMove {
        get throws {
            switch (events, toHead) {
            case (let n?, false):
                guard n >= 1 else { throw ValidationError("--events must be 1 or more") }
                return .skip(events: n)
            case (nil, true): return .skipToHead
            default: throw ValidationError("choose one of --events N, --to-head")
            }
        }
    }
}

/// `storetop consumer reset --tenant T NAME (--to-start | --to-now)`.
struct ConsumerReset: ConsumerMoveCommand {
    static let configuration = CommandConfiguration(
        commandName: "reset", abstract: "Move a consumer to the start (everything again) or to now (nothing of the past).")
    @OptionGroup var consumer: ConsumerName
    @OptionGroup var connection: ConnectionOptions
    @Flag(help: "Back to position 0: every event of its own is delivered again.") var toStart = false
    @Flag(help: "To the deliverable head: nothing written so far is delivered to it.") var toNow = false
    @Flag(help: "Move it even while it runs unpaused.") var force = false
    @OptionGroup var options: ConsumerActionOptions
    @OptionGroup var foreign: ForeignMoveOptions

    var move: ConsumerMove {
        get throws {
            switch (toStart, toNow) {
            case (true, false): return .resetToStart
            case (false, true): return .resetToNow
            default: throw ValidationError("choose one of --to-start, --to-now")
            }
        }
    }
}

/// What the three moves share: preview, print it, refuse or confirm, execute, print the audit row.
protocol ConsumerMoveCommand: ParsableCommand, ConnectionCommand {
    var consumer: ConsumerName { get }
    var force: Bool { get }
    var options: ConsumerActionOptions { get }
    var move: ConsumerMove { get throws }
    var foreign: ForeignMoveOptions { get }
}

extension ConsumerMoveCommand {
    func validate() throws {
        _ = try move
        if try foreign.ref(consumer.name, tenant: consumer.tenant) == nil, consumer.tenant == nil {
            throw ValidationError("--tenant is required for StoreAccess's consumers (or --store KIND:SCHEMA for another library's)")
        }
    }

    func run() throws {
        let move = try self.move
        try withActions(readOnly: options.readOnly) { actions in
            if let ref = try foreign.ref(consumer.name, tenant: consumer.tenant), let audit = foreign.auditSchema {
                return try runForeign(actions, ref, move, auditSchema: audit)
            }
            let preview = try actions.previewMove(try consumer.ref, move)
            // with --json stdout holds one document: the preview with its result, or the preview alone when it stops here
            let alone = { if options.json { print(try ActionJSON.encode(preview: preview)) } }
            if !options.json { print(ConsumerText.preview(preview)) }
            if options.readOnly {
                try alone()
                throw StoreError(.readOnly, "\(move.action) is disabled: storetop runs with --read-only")
            }
            if let why = preview.refusal, !force {
                try alone()
                throw StoreError(.consumerBusy, "\(move.action) refused: \(why) (pause it first, or --force)")
            }
            if preview.from == preview.to {
                try options.show("nothing to move: the position stays \(preview.from)", json: try ActionJSON.encode(nothing: preview))
                return
            }
            guard try options.confirmed(move.action, preview: ConsumerText.preview(preview)) else {
                try alone()
                if !options.json { print("cancelled") }
                return
            }
            let record = try actions.executeMove(preview, reason: options.reason, force: force)
            try options.show(ConsumerText.done(record), json: try ActionJSON.encode(preview: preview, record: record))
        }
    }
}
