import ArgumentParser
import Foundation
import StoreAccess
import StoreMetrics

/// `storetop consumer rewind|skip|reset|pause|resume|parked|replay|discard|audit` (docs/operations.md): operate a
/// StoreAccess store's durable consumers with the connection options of `storetop prune`. What changes something
/// shows a preview first, asks "Proceed? [y/N]" (default No; `--yes` skips the question, and without a terminal on
/// stdin nothing proceeds without it), runs in one transaction and leaves an audit row (`--reason` says why). A
/// refusal (the position moved since the preview, the consumer runs) exits non-zero with the reason.
struct ConsumerCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "consumer", abstract: "Operate durable consumers: move them, pause them, replay parked events (docs/operations.md).",
        subcommands: [
            ConsumerRewind.self, ConsumerSkip.self, ConsumerReset.self, ConsumerPause.self, ConsumerResume.self, ConsumerParked.self,
            ConsumerReplay.self, ConsumerDiscard.self, ConsumerAudit.self,
        ])
}

/// What every consumer action that changes something takes, besides the connection and the consumer.
struct ConsumerActionOptions: ParsableArguments {
    @Option(help: "Why: kept in the actions audit.") var reason = ""
    @Flag(help: "Do not ask for confirmation.") var yes = false
    @Flag(help: "Refuse to change anything (the preview is still shown).") var readOnly = false
    @Flag(help: "Print the preview and the result as JSON.") var json = false

    /// Asks "Proceed? [y/N]" unless --yes; false when the answer is no. Refuses without a terminal on stdin. With
    /// --json the preview (as text) and the question go to stderr, so stdout stays one JSON document.
    func confirmed(_ what: String, preview: @autoclosure () -> String) throws -> Bool {
        if yes { return true }
        guard isatty(0) == 1 else { throw StoreError(.invalidArgument, "not a terminal: pass --yes to \(what) without confirmation") }
        let question = "Proceed? [y/N] "
        if json { FileHandle.standardError.write(Data((preview() + "\n" + question).utf8)) } else { print(question, terminator: ""); fflush(nil) }
        guard let answer = readLine()?.lowercased() else { return false }
        return answer == "y" || answer == "yes"
    }

    /// Prints `text`, or `json` (one document) with --json.
    func show(_ text: @autoclosure () -> String, json document: @autoclosure () throws -> String) rethrows {
        print(json ? try document() : text())
    }
}

/// The consumer a command names, checked before anything is sent.
struct ConsumerName: ParsableArguments {
    @Option(help: "Tenant of the consumer (StoreAccess's consumers; not with --store).") var tenant: String?
    @Argument(help: "The consumer's name (with --store: factstr's durable_stream_id, eventcore's subscription name).") var name: String

    /// The StoreAccess consumer named (a tenant is required for it).
    var ref: ConsumerRef {
        get throws {
            guard let tenant else { throw ValidationError("--tenant is required for StoreAccess's consumers") }
            return ConsumerRef(tenant: tenant, name: name)
        }
    }

    func validate() throws {
        do {
            if let tenant {
                _ = try Names.tenant(tenant)
                _ = try Names.consumer(name)
            }
        } catch let e as StoreError { throw ValidationError(e.message) }
    }
}

extension ConnectionCommand {
    /// Runs `body` with the actions on the one target (its DSN and schema), reporting StoreErrors as `prune` does.
    func withActions(readOnly: Bool, _ body: (Actions) throws -> Void) throws {
        let target = try connection.resolve()
        try reportingErrors {
            let actions = try Actions(dsn: target.text, schema: target.schema, readOnly: readOnly)
            defer { actions.close() }
            try body(actions)
        }
    }
}
