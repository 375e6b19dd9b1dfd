/// How the store's SQL (the migrations, and SQL-side readers such as the monitor) spells the protocol's names:
/// as SQL literals and expressions built from `StoreProtocol`, never typed by hand. The migrations name them with
/// placeholders (`@lock_tenant@`, `@channel_events@`, `@sqlstate_conflict@`, …) that `migrationPlaceholders`
/// expands, so a schema name whose channel needs hashing gets the hashed name in its SQL functions too.
extension StoreProtocol {
    /// The separator inside a consumer's lock key (`<tenant>/<name>`).
    public static let consumerKeySeparator = "/"

    /// The SQL expression of a consumer's lock key text from two SQL expressions (column names, parameters):
    /// `tenant || '/' || name`, so SQL readers hash the same text as `consumerKey(tenant:name:)`.
    public static func consumerKeySQL(tenant: String, name: String) -> String {
        "\(tenant) || \(literal(consumerKeySeparator)) || \(name)"
    }

    /// The SQL literal of a lock class's text in `schema` (the argument of `hashtext`).
    public static func classLiteral(_ lockClass: LockClass, in schema: Identifier) -> String {
        literal(lockClass.name(in: schema))
    }

    /// The SQL expression of a lock class as `pg_locks.classid` shows it (an oid): what a monitor compares.
    public static func classIDSQL(_ lockClass: LockClass, in schema: Identifier) -> String {
        "((hashtext(\(classLiteral(lockClass, in: schema)))::bigint) & 4294967295)::oid"
    }

    /// The SQL expression of a consumer lock's key as `pg_locks.objid` shows it (a bigint), from two SQL
    /// expressions for the tenant and the name.
    public static func consumerLockKeySQL(tenant: String, name: String) -> String {
        "(hashtext(\(consumerKeySQL(tenant: tenant, name: name)))::bigint) & 4294967295"
    }

    /// The SQL expression of the backend pid holding a consumer's owner lock (NULL when the consumer is not
    /// running), from two SQL expressions for the tenant and the name: what operator functions check.
    public static func consumerLockHolderSQL(tenant: String, name: String, in schema: Identifier) -> String {
        """
        (SELECT l.pid FROM pg_catalog.pg_locks l WHERE l.locktype = 'advisory' AND l.granted AND l.objsubid = 2 \
        AND l.classid = \(classIDSQL(.consumer, in: schema)) \
        AND l.objid = (\(consumerLockKeySQL(tenant: tenant, name: name)))::oid LIMIT 1)
        """
    }

    /// The SQL literal of a NOTIFY channel's name in `schema` (the first argument of `pg_notify`).
    public static func channelLiteral(_ channel: Channel, in schema: Identifier) -> String {
        literal(channel.name(in: schema).name)
    }

    /// The registration and allocation classes are one per position sequence (`events`, `outbox`): the SQL
    /// helpers that serve both compute the class text from their `p_key` argument with this expression.
    /// `perSequenceSuffix` is the part after the sequence's key.
    static func perSequenceClassSQL(keyExpression: String, suffix: String, in schema: Identifier) -> String {
        "\(literal(schema.name + ".")) || \(keyExpression) || \(literal(suffix))"
    }

    /// The sequence keys of the per-sequence classes, and the suffixes: `events` + `.reg` is
    /// `LockClass.eventsRegistration` (a test checks that every combination is a case).
    static let sequenceKeys = ["events", "outbox"]
    static let registrationSuffix = ".reg"
    static let allocationSuffix = ".alloc"

    /// Every placeholder the migrations use, with its text for `schema` (SQL literals, quoted).
    static func migrationPlaceholders(schema: Identifier) -> [(placeholder: String, text: String)] {
        var out: [(String, String)] = [
            ("@lock_tenant@", classLiteral(.tenant, in: schema)),
            ("@lock_event_id@", classLiteral(.eventID, in: schema)),
            ("@lock_alloc_of_p_key@", perSequenceClassSQL(keyExpression: "p_key", suffix: allocationSuffix, in: schema)),
            ("@lock_reg_of_p_key@", perSequenceClassSQL(keyExpression: "p_key", suffix: registrationSuffix, in: schema)),
            ("@channel_events@", channelLiteral(.events, in: schema)),
            ("@channel_outbox@", channelLiteral(.outbox, in: schema)),
            ("@consumer_lock_holder@", consumerLockHolderSQL(tenant: "p_tenant", name: "p_name", in: schema)),
        ]
        for state in SQLState.storeCodes { out.append(("@sqlstate_\((state.maps ?? .server).rawValue)@", literal(state.code))) }
        return out
    }

    /// The statement that serializes migrations of `schema` until COMMIT (`migrationLockClass`, keyed by the
    /// schema name).
    static func migrationLockSQL(schema: Identifier) -> SQL {
        SQL("SELECT pg_advisory_xact_lock(\(migrationLockClass), hashtext(\(schema.name)))").named("schema.lock")
    }

    /// A SQL string literal (single quotes doubled).
    static func literal(_ text: String) -> String { "'" + text.replacingOccurrences(of: "'", with: "''") + "'" }
}
