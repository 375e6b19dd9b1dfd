import ArgumentParser
import Foundation
import StoreAccess
import StoreMetrics

/// `storetop consumer parked [--tenant T] [NAME]`: the parked events (dead letters), with their errors.
struct ConsumerParked: ParsableCommand, ConnectionCommand {
    static let configuration = CommandConfiguration(commandName: "parked", abstract: "List parked events with the error that parked them.")
    @Option(help: "Only this tenant's.") var tenant: String?
    @Argument(help: "Only this consumer's (with --tenant).") var name: String?
    @OptionGroup var connection: ConnectionOptions
    @Option(help: "At most this many.") var limit = 500
    @Flag(help: "Print them as JSON.") var json = false

    mutating func validate() throws {
        // a connection string given first lands here (a consumer name has no `/`, no space, no `env:`): it is one
        if let n = name, n.contains("/") || n.contains(" ") || n.hasPrefix("env:") {
            (connection.positional, name) = ([n] + connection.positional, nil)
        }
        if name != nil && tenant == nil { throw ValidationError("a consumer's name needs its --tenant") }
        guard limit >= 1 && limit <= 100_000 else { throw ValidationError("--limit must be 1…100000") }
        do { _ = try tenant.map(Names.tenant); _ = try name.map(Names.consumer) } catch let e as StoreError { throw ValidationError(e.message) }
    }

    func run() throws {
        try withActions(readOnly: true) { actions in
            let events = try actions.parkedEvents(tenant: tenant, consumer: name, limit: limit)
            print(json ? try ActionJSON.encode(parked: events) : events.isEmpty ? "no parked events" : ConsumerText.parked(events))
        }
    }
}

/// `storetop consumer replay --tenant T NAME (--position P … | --all)`.
struct ConsumerReplay: ConsumerParkedCommand {
    static let configuration = CommandConfiguration(
        commandName: "replay", abstract: "Deliver parked events again, to that consumer only (at least once; audited).")
    @OptionGroup var consumer: ConsumerName
    @OptionGroup var connection: ConnectionOptions
    @Option(name: .customLong("position"), help: "A parked event's position (repeat for several).") var positions: [Int64] = []
    @Flag(help: "Every parked event of the consumer.") var all = false
    @OptionGroup var options: ConsumerActionOptions
    static let verb = "replay"
    func execute(_ a: Actions, _ p: ParkedPreview) throws -> ActionRecord { try a.replayParked(p, reason: options.reason) }
}

/// `storetop consumer discard --tenant T NAME (--position P … | --all)`.
struct ConsumerDiscard: ConsumerParkedCommand {
    static let configuration = CommandConfiguration(
        commandName: "discard", abstract: "Delete parked events for good (the audit row keeps the record).")
    @OptionGroup var consumer: ConsumerName
    @OptionGroup var connection: ConnectionOptions
    @Option(name: .customLong("position"), help: "A parked event's position (repeat for several).") var positions: [Int64] = []
    @Flag(help: "Every parked event of the consumer.") var all = false
    @OptionGroup var options: ConsumerActionOptions
    static let verb = "discard"
    func execute(_ a: Actions, _ p: ParkedPreview) throws -> ActionRecord { try a.discardParked(p, reason: options.reason) }
}

/// What replay and discard share: preview the parked events, confirm, act, print the audit row.
protocol ConsumerParkedCommand: ParsableCommand, ConnectionCommand {
    static var verb: String { get }
    var consumer: ConsumerName { get }
    var positions: [Int64] { get }
    var all: Bool { get }
    var options: ConsumerActionOptions { get }
    func execute(_ a: Actions, _ p: ParkedPreview) throws -> ActionRecord
}

extension ConsumerParkedCommand {
    func validate() throws {
        guard positions.isEmpty != !all else { throw ValidationError("choose --position P (one or more) or --all") }
    }

    func run() throws {
        try withActions(readOnly: options.readOnly) { actions in
            let preview = try actions.previewParked(try consumer.ref, positions: all ? nil : positions)
            let c = "\(ConsumerText.safe(preview.consumer.tenant))/\(ConsumerText.safe(preview.consumer.name))"
            let text =
                "\(Self.verb) \(preview.events.count) parked events of \(c); running: \(ConsumerText.runner(preview.running))"
                + (preview.events.isEmpty ? "" : "\n" + ConsumerText.parked(preview.events))
            // with --json stdout holds one document: the preview with its result, or the preview alone when it stops here
            let alone = { if options.json { print(try ActionJSON.encode(parked: preview)) } }
            if !options.json { print(text) }
            if options.readOnly {
                try alone()
                throw StoreError(.readOnly, "\(Self.verb) is disabled: storetop runs with --read-only")
            }
            if preview.events.isEmpty {
                try alone()
                if !options.json { print("nothing to \(Self.verb)") }
                return
            }
            guard try options.confirmed(Self.verb, preview: text) else {
                try alone()
                if !options.json { print("cancelled") }
                return
            }
            let record = try execute(actions, preview)
            try options.show(ConsumerText.done(record), json: try ActionJSON.encode(parked: preview, record: record))
        }
    }
}

/// `storetop consumer audit [--limit N]`: the actions audit, newest first.
struct ConsumerAudit: ParsableCommand, ConnectionCommand {
    static let configuration = CommandConfiguration(
        commandName: "audit", abstract: "List the actions audit: prunes, moves, pauses, replays and discards, newest first.")
    @OptionGroup var connection: ConnectionOptions
    @Option(help: "At most this many rows.") var limit = 100
    @Flag(help: "Print them as JSON.") var json = false

    func validate() throws { guard limit >= 1 && limit <= 100_000 else { throw ValidationError("--limit must be 1…100000") } }

    func run() throws {
        try withActions(readOnly: true) { actions in
            let records = try actions.actionsAudit(limit: limit)
            print(json ? try ActionJSON.encode(records: records) : records.isEmpty ? "no actions audited" : ConsumerText.audit(records))
        }
    }
}
