/// What `BackendInspector.explain(pid:)` answers.
public enum ExplainOutcome: Sendable, Equatable {
    /// EXPLAIN's lines (the plan with its cost estimates; nothing was executed).
    case plan([String])
    /// Why the query was not explained, one sentence a DBA understands.
    case refused(String)
}
