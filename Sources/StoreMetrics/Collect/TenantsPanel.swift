import StoreAccess

/// The tenants panel: the store's tenant registry (one row per tenant, bounded; one row past the bound tells the
/// collector the list was cut, and the snapshot says so).
enum TenantsPanel: Panel {
    static let name = "tenants"
    /// At most this many tenants per snapshot (session 12's 10,000 dropped the 10,001st of the scale store silently).
    static let limit = 100_000

    static func statements(_ schema: Identifier) -> [SQL] { [statement(schema)] }

    static func statement(_ schema: Identifier) -> SQL {
        SQL("SELECT tenant FROM \(ident: schema).tenants ORDER BY tenant LIMIT \(limit + 1)").named("metrics.tenants")
    }

    static func read(_ c: Connection, _ schema: Identifier) throws -> [String] {
        try c.query(statement(schema)).rows.map { try $0.decode("tenant", as: String.self) }
    }
}
