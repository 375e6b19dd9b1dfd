import Foundation

/// The parked-events panel (`metrics.parked`, schema version 9): events a consumer's handler gave up on.
extension Snapshot {
    /// An event a durable consumer parked (its handler kept failing on it), waiting for an operator.
    public struct Parked: Sendable, Codable, Equatable {
        /// The consumer's tenant.
        public var tenant: String
        /// The consumer's name.
        public var consumer: String
        /// The event's position.
        public var position: Int64
        /// Its stream and type.
        public var stream: String
        public var type: String
        /// The handler's last error (data from the database: shown sanitised).
        public var error: String
        /// Failed attempts so far.
        public var attempts: Int
        /// First and last failure, and when it was parked.
        public var firstFailedAt: Date
        public var lastFailedAt: Date
        public var parkedAt: Date
        /// A replay was asked for and the consumer has not delivered it yet.
        public var replayRequested: Bool

        /// A parked event.
        public init(
            tenant: String, consumer: String, position: Int64, stream: String, type: String, error: String, attempts: Int,
            firstFailedAt: Date, lastFailedAt: Date, parkedAt: Date, replayRequested: Bool
        ) {
            (self.tenant, self.consumer, self.position, self.stream, self.type) = (tenant, consumer, position, stream, type)
            (self.error, self.attempts, self.firstFailedAt, self.lastFailedAt) = (error, attempts, firstFailedAt, lastFailedAt)
            (self.parkedAt, self.replayRequested) = (parkedAt, replayRequested)
        }
    }

    /// Parked events of the store, newest failure first (at most `ParkedPanel.limit`); nil before schema version 9
    /// or when the panel could not be read.
    public var parkedEvents: [Parked] { parked ?? [] }
}
