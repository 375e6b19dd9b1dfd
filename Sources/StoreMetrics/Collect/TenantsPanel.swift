import StoreAccess

/// The tenants panel: the store's tenant registry (one row per tenant, bounded).
enum TenantsPanel: Panel {
    static let name = "tenants"

    static func statements(_ schema: Identifier) -> [SQL] { [statement(schema)] }

    static func statement(_ schema: Identifier) -> SQL {
        SQL("SELECT tenant FROM \(ident: schema).tenants ORDER BY tenant LIMIT 10000").named("metrics.tenants")
    }

    static func read(_ c: Connection, _ schema: Identifier) throws -> [String] {
        try c.query(statement(schema)).rows.map { try $0.decode("tenant", as: String.self) }
    }
}
