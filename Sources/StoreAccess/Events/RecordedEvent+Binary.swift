/// Event reads in binary format: the rows of `RecordedEvent.columns` decoded in place from libpq's buffer (no
/// `Row`, no text per cell; integers, timestamps and ids from their fixed-width form). A catch-up read spends
/// most of its client time here (Benchmarks/results/catchup.md).
extension RecordedEvent {
    /// The types of `columns`, in order.
    static let columnTypes: [UInt32] = [
        PostgresType.int8, PostgresType.text, PostgresType.text, PostgresType.int8, PostgresType.text,
        PostgresType.jsonb, PostgresType.jsonb, PostgresType.int8, PostgresType.int4, PostgresType.timestamptz,
        PostgresType.uuid,
    ]

    /// The text columns' previous values, shared with the next row when equal (`RepeatedText`); one per result.
    struct RepeatedColumns {
        var tenant = RepeatedText(), stream = RepeatedText(), type = RepeatedText(), metadata = RepeatedText()
    }

    init(binary r: BinaryRow, repeated: inout RepeatedColumns) throws {
        position = try r.int64(0)
        tenant = try repeated.tenant.text(r, 1)
        stream = try repeated.stream.text(r, 2)
        version = try r.int64(3)
        type = try repeated.type.text(r, 4)
        payload = try r.jsonb(5)
        metadata = try JSONText(repeated.metadata.text(r, 6, jsonb: true))
        batchFirst = try r.optionalInt64(7)
        batchSize = Int(try r.int32(8))
        recordedAt = try r.timestamp(9)
        id = try r.optionalUUID(10)
    }
}

extension Connection {
    /// Runs a statement that selects `RecordedEvent.columns` and decodes its rows in binary format.
    func queryEvents(_ sql: SQL) throws -> [RecordedEvent] {
        var repeated = RecordedEvent.RepeatedColumns()
        return try queryBinary(sql, columns: RecordedEvent.columnTypes) { try RecordedEvent(binary: $0, repeated: &repeated) }
    }
}

extension Pool {
    /// `Connection.queryEvents` on a pooled connection.
    func queryEvents(_ sql: SQL) throws -> [RecordedEvent] { try withConnection { try $0.queryEvents(sql) } }
}
