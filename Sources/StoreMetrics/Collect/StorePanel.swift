import StoreAccess

/// The store panel: is the store's schema there (and visible to this role)? Without it the store panels are off.
enum StorePanel: Panel {
    static let name = "store"

    static func statements(_ schema: Identifier) -> [SQL] { [statement(schema)] }

    static func statement(_ schema: Identifier) -> SQL {
        SQL("SELECT to_regclass(\(schema.quoted + ".schema_version")) IS NOT NULL AS found").named("metrics.schema_exists")
    }

    /// Whether the schema exists.
    static func read(_ c: Connection, _ schema: Identifier) throws -> Bool {
        try c.query(statement(schema)).first?.decode("found", as: Bool.self) ?? false
    }

    /// The note a snapshot carries when the schema is missing.
    static func missing(_ schema: Identifier) -> String {
        "schema \(schema) not found in this database (or not visible to this role): store panels are off"
    }
}
