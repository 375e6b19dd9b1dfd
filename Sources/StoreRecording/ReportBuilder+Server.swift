import Foundation
import StoreMetrics

extension ReportBuilder {
    /// Outbox rows first, last and at their peak; appends and prunes from the appended counter and the row count.
    mutating func outboxes(_ s: Snapshot) {
        for o in s.outboxes {
            let k = o.key
            guard var c = outboxes[k], let last = outboxLast[k] else {
                outboxes[k] = .init(
                    tenant: o.tenant, kind: o.kind, rowsFirst: o.rows, rowsLast: o.rows, rowsMax: o.rows, rowsMaxAt: s.takenAt, appended: 0,
                    prunes: 0, prunedRows: 0, lastPruneAt: nil)
                outboxLast[k] = (o.rows, o.appendedTotal)
                continue
            }
            // rows = appended − pruned: what was appended and is not in the growth was pruned (a counter that fell
            // is a store recreated: its rows are counted afresh)
            let appended = o.appendedTotal >= last.appended ? o.appendedTotal - last.appended : o.appendedTotal
            let pruned = appended - (o.rows - last.rows)
            c.appended += appended
            if pruned > 0 && o.appendedTotal >= last.appended {
                (c.prunes, c.prunedRows, c.lastPruneAt) = (c.prunes + 1, c.prunedRows + pruned, s.takenAt)
            }
            c.rowsLast = o.rows
            if o.rows > c.rowsMax { (c.rowsMax, c.rowsMaxAt) = (o.rows, s.takenAt) }
            outboxes[k] = c
            outboxLast[k] = (o.rows, o.appendedTotal)
        }
    }

    /// Session peaks, the longest transactions and the oldest xmin horizon.
    mutating func sessions(_ ss: Snapshot.Sessions, _ s: Snapshot) {
        var total = 0
        for g in ss.groups {
            total += g.total
            let k = GroupKey(service: g.service, store: g.store, tenant: g.tenant, other: g.other)
            var p =
                groups[k]
                ?? .init(
                    service: g.service, store: g.store, tenant: g.tenant, other: g.other, total: g.total, at: s.takenAt, idleInTransaction: 0,
                    waiting: 0)
            if g.total > p.total { (p.total, p.at) = (g.total, s.takenAt) }
            (p.idleInTransaction, p.waiting) = (max(p.idleInTransaction, g.idleInTransaction), max(p.waiting, g.waiting))
            groups[k] = p
        }
        if total > report.sessions.total || report.sessions.totalAt == nil { (report.sessions.total, report.sessions.totalAt) = (total, s.takenAt) }
        let now = s.clock
        for b in ss.backends {
            guard let start = b.transactionStart else { continue }
            let key = TransactionKey(pid: b.pid, start: start), seconds = max(0, now.timeIntervalSince(start))
            // a transaction only grows older: one no longer than the kept ones is taken when it is seen longer
            guard seconds > transactionFloor || transactions[key] != nil else { continue }
            transactions[key] = .init(pid: b.pid, application: b.applicationName, start: start, seconds: seconds, seenAt: s.takenAt, state: b.state)
        }
        if transactions.count > Self.transactionsKept * 8 {
            let kept = Self.longest(Array(transactions.values))
            transactions = Dictionary(uniqueKeysWithValues: kept.map { (TransactionKey(pid: $0.pid, start: $0.start), $0) })
            transactionFloor = kept.last?.seconds ?? -1
        }
        if let x = ss.xminHolder, let age = x.xminAge, age > (report.xminHorizon?.xminAge ?? -1) {
            report.xminHorizon = .init(
                xminAge: age, at: s.takenAt, pid: x.pid, application: x.applicationName,
                transactionSeconds: x.transactionStart.map { max(0, now.timeIntervalSince($0)) })
        }
    }

    /// Pool saturation, waiting callers and the growth of the timeout and connection-error counters.
    mutating func pools(_ s: Snapshot) {
        for p in s.pools where !p.stale {
            let k = PoolKey(service: p.service, store: p.store, tenant: p.tenant, host: p.host)
            let inUse = max(p.inUse, p.peakInUse)
            var row =
                pools[k]
                ?? .init(
                    service: p.service, store: p.store, tenant: p.tenant, host: p.host, maxInUse: inUse, maxSize: p.maxSize, at: s.takenAt,
                    maxWaiting: 0,
                    waitingAt: nil, timeouts: 0, connectionErrors: 0)
            if inUse > row.maxInUse { (row.maxInUse, row.maxSize, row.at) = (inUse, p.maxSize, s.takenAt) }
            if p.waiting > row.maxWaiting { (row.maxWaiting, row.waitingAt) = (p.waiting, s.takenAt) }
            if let last = poolCounters[k] {
                // a counter that fell is a restarted process: it counted from zero since
                row.timeouts += p.timeoutsTotal >= last.timeouts ? p.timeoutsTotal - last.timeouts : p.timeoutsTotal
                row.connectionErrors += p.connectionErrorsTotal >= last.errors ? p.connectionErrorsTotal - last.errors : p.connectionErrorsTotal
            }
            poolCounters[k] = (p.timeoutsTotal, p.connectionErrorsTotal)
            pools[k] = row
        }
    }

    /// A restart when the server's start time differs from the last one read (a gap between is allowed).
    mutating func restart(_ server: Snapshot.Server, _ s: Snapshot) {
        if let last = lastServer, abs(server.startedAt.timeIntervalSince(last.startedAt)) > 0.001 {
            report.restarts.append(
                .init(
                    startedAt: server.startedAt, previousStartedAt: last.startedAt, lastBefore: last.takenAt, firstAfter: s.takenAt, afterGap: false))
        }
        lastServer = (server.startedAt, s.takenAt)
    }
}
