import Foundation

extension Snapshot.ForeignStore {
    /// zestor: keys of one namespace and kind in `zestor_kv`.
    public struct KeyCount: Sendable, Codable, Equatable {
        /// The namespace (`ns_id`) as text.
        public var tenant: String
        /// The kind (zestor's collection name).
        public var kind: String
        /// Keys counted, up to the cap.
        public var keys: Int64
        /// False when the count stopped at the cap (there are more).
        public var exact: Bool
    }

    /// axon: one namespace (tenant) of a store, with its sessions now.
    public struct Namespace: Sendable, Codable, Equatable {
        /// The namespace from `application_name` ("" for sessions without one).
        public var name: String
        /// Sessions of the store in this namespace.
        public var sessions: Int
    }

    /// eventcore 2: one of the most active streams.
    public struct StreamHead: Sendable, Codable, Equatable {
        /// The stream id.
        public var name: String
        /// Its current version (the highest `stream_version`; exact).
        public var version: Int64
        /// Its events among the newest ones sampled (exact within the sample).
        public var events: Int64
    }
}
