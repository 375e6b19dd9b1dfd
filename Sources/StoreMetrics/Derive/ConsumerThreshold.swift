import Foundation

/// A consumer's own thresholds (the config file's `thresholds:`; Burrow's "allowed lag"): for the consumers whose
/// store, tenant and name match its globs, the figures it sets replace `LagRules`' defaults. The first matching
/// threshold wins, so the file lists the specific ones first.
public struct ConsumerThreshold: Sendable, Equatable {
    /// A glob over the store (`storeaccess:<schema>`, or another library's `<kind>:<schema>` such as
    /// `factstr:public`), `*` by default.
    public var store: String
    /// A glob over the tenant.
    public var tenant: String
    /// A glob over the consumer's name.
    public var consumer: String
    /// Seconds behind with no move before STALLED (nil: the default).
    public var stallAfter: TimeInterval?
    /// Seconds the oldest unhandled row may wait before LAGGING.
    public var lagSeconds: TimeInterval?
    /// Rows behind before LAGGING.
    public var lagEvents: Int64?

    /// A threshold for the consumers matching the globs.
    public init(
        store: String = "*", tenant: String = "*", consumer: String = "*", stallAfter: TimeInterval? = nil, lagSeconds: TimeInterval? = nil,
        lagEvents: Int64? = nil
    ) {
        (self.store, self.tenant, self.consumer) = (store, tenant, consumer)
        (self.stallAfter, self.lagSeconds, self.lagEvents) = (stallAfter, lagSeconds, lagEvents)
    }

    /// Whether it covers consumer `name` of `tenant` in `store` (shell globs: `*`, `?`, `[…]`).
    public func matches(store s: String, tenant t: String, consumer c: String) -> Bool {
        Self.glob(store, s) && Self.glob(tenant, t) && Self.glob(consumer, c)
    }

    /// Whether shell glob `pattern` matches `text` (fnmatch(3) without flags: `*` also matches `/` and a leading dot).
    public static func glob(_ pattern: String, _ text: String) -> Bool { pattern == "*" || fnmatch(pattern, text, 0) == 0 }
}

extension LagRules {
    /// The rules for one consumer: the first matching `overrides` entry's figures over these.
    public func resolved(store: String, tenant: String, consumer: String) -> LagRules {
        guard let t = overrides.first(where: { $0.matches(store: store, tenant: tenant, consumer: consumer) }) else { return self }
        var r = self
        r.stallAfter = t.stallAfter ?? stallAfter
        r.lagSeconds = t.lagSeconds ?? lagSeconds
        r.lagEvents = t.lagEvents ?? lagEvents
        return r
    }
}
