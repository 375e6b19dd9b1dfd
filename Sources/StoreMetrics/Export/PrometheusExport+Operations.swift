import Foundation

extension PrometheusExport.Emitter {
    /// A consumer's operations (schema version 9; 0 before it): its parked events, a pause asked for, a handler
    /// failing at a position. The alert rules (contrib/prometheus/alerts.yml) fire on parked events and on a
    /// handler failing for five minutes.
    func operations(_ cur: Snapshot.Cursor, _ labels: PrometheusText.Labels) {
        g(
            "storetop_consumer_parked_events", "Events the consumer parked after its handler failed (replays still pending included)", labels,
            Double(cur.parked))
        g("storetop_consumer_paused", "1 while a pause of the consumer is asked for (acknowledged or not)", labels, cur.pausedAt == nil ? 0 : 1)
        g("storetop_consumer_failing", "1 while the consumer's handler fails at a position", labels, cur.failingError == nil ? 0 : 1)
    }
}
