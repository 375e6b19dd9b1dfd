import ArgumentParser
import Foundation
import StoreAccess
import StoreMetrics

/// `storetop prune --policy`: one run over every outbox of the config file's targets (docs/pruning.md, "Retention by
/// policy"). Each outbox gets its most specific rule; its plan is printed, then executed in batches and audited as
/// a prune of its own. No confirmation (it is meant for a timer); `--dry-run` only plans. SIGINT, SIGTERM and SIGHUP
/// stop it after the current batch (that prune's audit row says cancelled, later outboxes are not touched).
extension PruneCommand {
    func validatePolicy() throws {
        if store != nil || tenant != nil || kind != nil || safe || olderThan != nil || auditSchema != nil {
            throw ValidationError(
                "--policy takes its outboxes and modes from the config file's retention: rules; leave out --store, --tenant, --kind, --safe, --older-than and --audit-schema"
            )
        }
    }

    func runPolicy() throws {
        guard let file = ConfigFile.loaded else {
            throw ValidationError(
                "--policy needs a config file with retention: rules (--config FILE, STORETOP_CONFIG, or ~/.config/storetop/config.yaml)")
        }
        guard !file.retention.rules.isEmpty else {
            throw CLIError(message: "storetop: \(file.path) has no retention: rules; nothing to apply", code: ExitStatus.config)
        }
        let targets: [Target]
        if let name = target {
            guard let named = file.targets(named: name) else {
                throw ValidationError("--target \(name): the config file has no target or group of that name")
            }
            targets = named
        } else {
            targets = try connection.targets()
        }
        Signals.install()
        var report = PolicyReport(dryRun: dryRun)
        let out = PolicyPrinter(json: json)
        for t in targets where !report.stopped {
            let dsn = try connection.resolved(t).text
            for schema in file.retention.schemas(target: t.name) where !report.stopped {
                var run = PolicyReport.TargetRun(target: t.name, schema: schema)
                out.target(run)
                applyPolicy(dsn, file.retention, &run, &report, out)
                report.targets.append(run)
            }
        }
        out.finish(report)
        let signal = quitSignal.load(ordering: .relaxed)
        if report.stopped && signal != 0 { throw ExitCode(ExitStatus.interrupted(by: signal)) }
        if report.summary.failed > 0 { throw ExitCode(ExitStatus.failure) }
    }

    /// Applies the rules to every outbox of one target's store in one schema.
    func applyPolicy(
        _ dsn: String, _ policy: RetentionPolicy, _ run: inout PolicyReport.TargetRun, _ report: inout PolicyReport, _ out: PolicyPrinter
    ) {
        let actions: Actions
        let boxes: [OutboxKey]
        do {
            actions = try Actions(dsn: dsn, schema: run.schema, readOnly: readOnly || dryRun)
            boxes = try actions.outboxes()
        } catch {
            run.error = Self.message(error)
            report.summary.failed += 1
            out.targetError(run)
            return
        }
        defer { actions.close() }
        for box in boxes where !report.stopped {
            var o = PolicyReport.OutboxRun(tenant: box.tenant, kind: box.kind)
            if let rule = policy.rule(target: run.target, schema: run.schema, tenant: box.tenant, kind: box.kind) {
                (o.rule, o.policy, o.ruleText) = (rule.name, rule.text, rule.describe)
                report.summary.withRule += 1
                out.outbox(o)
                for mode in rule.modes where !report.stopped {
                    let step = prune(actions, box, mode, batch: rule.batch ?? batch, rule: rule)
                    report.count(step)
                    out.step(step)
                    o.steps.append(step)
                    if step.status == "failed" { break }
                }
            } else {
                out.outbox(o)
            }
            report.summary.outboxes += 1
            run.outboxes.append(o)
        }
    }

    /// Plans one mode of a rule for one outbox and executes it (unless a dry run or nothing to delete).
    func prune(_ actions: Actions, _ box: OutboxKey, _ mode: PruneMode, batch: Int, rule: RetentionRule) -> PolicyReport.Step {
        var step = PolicyReport.Step(mode: mode)
        do {
            let plan = try actions.planPrune(tenant: box.tenant, kind: box.kind, mode: mode)
            step.planned(plan)
            if dryRun || plan.rows == 0 {
                step.status = dryRun ? "dry-run" : "nothing"
                return step
            }
            let r = try actions.executePrune(plan, batchSize: batch, reason: "retention policy \(rule.describe)") { _ in
                quitSignal.load(ordering: .relaxed) == 0
            }
            step.executed(r)
        } catch {
            step.status = "failed"
            step.error = Self.message(error)
        }
        return step
    }

    static func message(_ e: Error) -> String {
        (e as? StoreError)?.description ?? ConfigFile.oneLine(e)
    }
}
