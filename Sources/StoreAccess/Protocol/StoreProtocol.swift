/// The one owner of the names and keys that the store's writers (its SQL functions and the Swift library) and
/// its monitor (StoreMetrics) must agree on: advisory lock classes and keys, NOTIFY channels. Nothing else in
/// the package spells one of these; a test enumerates them.
public enum StoreProtocol {
    /// The advisory lock classes of a store. A class is `hashtext('<schema>.<rawValue>')`, so two stores in
    /// two schemas never share a lock; the key within a class is documented per case.
    public enum LockClass: String, CaseIterable, Sendable {
        /// A durable consumer's owner: a session lock held by the process that runs it, on its own connection.
        /// Key: `hashtext(consumerKey(tenant:name:))`.
        case consumer = "cursor"
        /// A tenant's append lock: every append holds it shared while in flight, `append_if` exclusive.
        /// Key: `hashtext(tenant)`.
        case tenant = "tenant"
        /// Registration of an in-flight event append (shared, transaction scope; key: the low 32 bits of the
        /// position sequence's value when the writer registered). Readers deliver below the smallest one.
        case eventsRegistration = "events.reg"
        /// Registration of an in-flight outbox write (as `eventsRegistration`, for the outbox sequence).
        case outboxRegistration = "outbox.reg"
        /// The short session lock a writer holds while it registers and takes its block of event positions.
        case eventsAllocation = "events.alloc"
        /// The same for outbox positions.
        case outboxAllocation = "outbox.alloc"
        /// A caller-supplied event id being claimed by an append (exclusive, transaction scope), so two appends of
        /// the same id queue and the second sees the first's. Key: `hashtext(tenant + "/" + id)`.
        case eventID = "event_id"

        /// The text whose `hashtext` is this class in `schema`.
        public func name(in schema: Identifier) -> String { schema.name + "." + rawValue }
    }

    /// The class of the lock that serializes migrations (`pg_advisory_xact_lock(class, hashtext(schema))`).
    /// A constant, so that processes running different schema names still share one class.
    public static let migrationLockClass: Int32 = 2_071_721_493

    /// The key text of a durable consumer's owner lock (within `LockClass.consumer`).
    public static func consumerKey(tenant: String, name: String) -> String { tenant + "/" + name }

    /// The NOTIFY channels a store writes to.
    public enum Channel: String, CaseIterable, Sendable {
        /// Event appends: payload `"<tenant> <last position>"`.
        case events
        /// Outbox writes (KV set/delete): payload `"<tenant> <kind> <outbox id>"`.
        case outbox

        /// The channel's name for `schema`: `<schema>_<rawValue>` when that fits PostgreSQL's 63-byte limit;
        /// otherwise the schema name cut on a character boundary plus an 8-hex-digit FNV-1a hash of the whole
        /// name, so two long schema names never share a channel. The migrations write the same name into the
        /// SQL functions that notify.
        public func name(in schema: Identifier) -> Identifier {
            let suffix = "_" + rawValue
            let plain = schema.name + suffix
            if plain.utf8.count <= 63 { return try! Identifier(plain) }
            var fnv: UInt32 = 2_166_136_261
            for b in schema.name.utf8 { fnv = (fnv ^ UInt32(b)) &* 16_777_619 }
            let hash = String(fnv, radix: 16)
            let tail = "_" + String(repeating: "0", count: 8 - hash.count) + hash + suffix
            var head = ""
            for ch in schema.name {
                if head.utf8.count + String(ch).utf8.count + tail.utf8.count > 63 { break }
                head.append(ch)
            }
            return try! Identifier(head + tail)
        }
    }
}
