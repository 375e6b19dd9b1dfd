import Foundation

/// What a bounded stream does when its producer has an element and the buffer already holds `bound` of them.
///
/// axon's fourth policy, `degrade_quality`, has no case here. Its open-source form is the identity drain (every
/// row, the bound not applied), i.e. a buffer without limit, which is what a bounded stream exists to rule out.
/// A port maps it to `.pauseUpstream`: every element is still delivered, in order, at the consumer's pace, with
/// memory bounded; a `drain()` then stops at the bound (and says `truncated`) instead of growing without limit.
public struct Backpressure: Sendable, Equatable, CustomStringConvertible {
    public enum Policy: String, Sendable, Equatable {
        /// The oldest buffered element is dropped (counted in `dropped`) to make room: the consumer sees the
        /// newest `bound` elements, the producer never waits.
        case dropOldest = "drop_oldest"
        /// The producer waits until the consumer took an element: nothing is lost, nothing runs ahead of the
        /// consumer by more than the bound (plus the page the producer holds).
        case pauseUpstream = "pause_upstream"
        /// The stream ends with `StoreError(.overflow)`, after the consumer took what was buffered.
        case fail
    }

    public var policy: Policy
    /// The most elements the buffer holds (1…1,000,000).
    public var bound: Int

    public init(_ policy: Policy, bound: Int) {
        self.policy = policy
        self.bound = bound
    }

    public static func dropOldest(bound: Int) -> Backpressure { Backpressure(.dropOldest, bound: bound) }
    public static func pauseUpstream(bound: Int) -> Backpressure { Backpressure(.pauseUpstream, bound: bound) }
    public static func fail(bound: Int) -> Backpressure { Backpressure(.fail, bound: bound) }

    public var description: String { "\(policy.rawValue)(\(bound))" }

    /// Throws `.invalidArgument` for a bound outside 1…1,000,000.
    public func validate() throws {
        guard bound >= 1 && bound <= 1_000_000 else {
            throw StoreError(.invalidArgument, "a stream's bound must be 1…1000000, not \(bound)")
        }
    }
}

/// What a bounded stream has done so far. `seen == delivered + dropped + buffered + held`, where `held` are the
/// elements the producer read but has not handed over yet (under `.pauseUpstream`, at most one page).
public struct StreamCounters: Sendable, Equatable, CustomStringConvertible {
    /// Elements the producer took from its source (events or rows read from the database).
    public var seen: Int
    /// Elements handed to the consumer.
    public var delivered: Int
    /// Elements `.dropOldest` discarded to make room.
    public var dropped: Int
    /// Elements in the buffer now.
    public var buffered: Int

    public var description: String { "seen \(seen), delivered \(delivered), dropped \(dropped), buffered \(buffered)" }
}

/// An `AsyncSequence` fed by a producer on its own thread through a buffer of at most `backpressure.bound`
/// elements, with a policy for a full buffer. One consumer iterates it, once.
///
/// Cancelling the consuming task ends the iteration (`next()` returns nil) and stops the producer: it is woken
/// if it waits for room, its `send` returns false, and it gives back its connection and ends its thread. So does
/// `cancel()`, dropping the iterator (leaving a `for try await` loop early), and releasing the stream.
public final class BoundedStream<Element: Sendable>: AsyncSequence, Sendable {
    public let backpressure: Backpressure
    let core: Core

    /// A stream and the producer's end of it. `onStop` runs once when the consumer side ends the stream (a cancel,
    /// a `drain()` that truncates, the stream released) while the producer still runs: it stops whatever the
    /// producer waits on besides the buffer. `abandonPause` is asked every 200 ms while the producer waits for
    /// room: an error ends the stream with it (the store closed under a consumer that does not read), so a
    /// paused producer never outlives its store. Throws `.invalidArgument` for a bad bound.
    public static func make(
        _ backpressure: Backpressure, onStop: @escaping @Sendable () -> Void = {},
        abandonPause: (@Sendable () -> StoreError?)? = nil
    ) throws -> (stream: BoundedStream, upstream: Upstream) {
        try backpressure.validate()
        let core = Core(backpressure, onStop: onStop, abandonPause: abandonPause)
        return (BoundedStream(backpressure, core), Upstream(core: core))
    }

    private init(_ backpressure: Backpressure, _ core: Core) {
        self.backpressure = backpressure
        self.core = core
    }

    deinit { core.cancel() }

    /// The counters now.
    public var counters: StreamCounters { core.counters }

    /// True when the consumer side cancelled the stream (elements may have been left unread).
    public var isCancelled: Bool { core.isCancelled }

    /// True while the producer waits for room (`.pauseUpstream` with a full buffer).
    public var isProducerPaused: Bool { core.isPaused }

    /// Ends the stream from the consumer's side: buffered elements are discarded, a waiting `next()` returns nil,
    /// the producer stops. Idempotent; does nothing once the stream ended.
    public func cancel() { core.cancel() }

    /// Waits until the producer can make no progress without the consumer: it finished, failed or stopped, or it
    /// waits for room. For finite producers (catch-up, table queries); a live stream with room never settles.
    /// Cancelling the waiting task cancels the stream.
    public func settled() async { await core.settled() }

    /// axon's drain (`stream_retrieve`): waits until the producer settled, then takes everything buffered and
    /// ends the stream. `.dropOldest` yields the newest `bound` elements; `.pauseUpstream` the first `bound`,
    /// `truncated` when the producer had more; `.fail` throws `.overflow` past the bound. A stream cancelled
    /// before (or a task cancelled before the drain) yields nothing and says `cancelled`.
    public func drain() async throws -> Drained {
        if Task.isCancelled { core.cancel() }
        await core.settled()
        return try core.drainAll()
    }

    /// `drain()` for synchronous callers: blocks the calling thread until the producer settled (StoreAccess's
    /// blocking style; never call it on Swift's cooperative pool). Cancel first with `cancel()`.
    public func drain() throws -> Drained {
        core.settledBlocking()
        return try core.drainAll()
    }

    /// The outcome of `drain()`.
    public struct Drained: Sendable {
        public var elements: [Element]
        /// The producer had more when the drain stopped at the bound (`.pauseUpstream`).
        public var truncated: Bool
        /// The stream was cancelled before the drain took anything.
        public var cancelled: Bool
        public var counters: StreamCounters
    }

    public func makeAsyncIterator() -> Iterator { Iterator(stream: self, token: ConsumerToken(core)) }

    public struct Iterator: AsyncIteratorProtocol {
        let stream: BoundedStream
        let token: ConsumerToken

        /// The next element; nil at the end or once the task was cancelled. Throws the producer's error (or
        /// `.overflow` under `.fail`) after the elements buffered before it.
        public mutating func next() async throws -> Element? { try await stream.core.next() }
    }

    /// Ends the stream when the last copy of the iterator is gone (a loop left early).
    final class ConsumerToken: Sendable {
        let core: Core
        init(_ core: Core) { self.core = core }
        deinit { core.cancel() }
    }

    /// The producer's end: hand elements over, then finish. Call it from a thread of its own: under
    /// `.pauseUpstream` `send` blocks its thread until there is room.
    public struct Upstream: Sendable {
        let core: Core

        /// Hands `elements` over in order (they count as seen at once). Returns false when the stream takes no
        /// more: cancelled, overflowed (`.fail`), finished or drained. The producer should stop then.
        @discardableResult
        public func send(contentsOf elements: [Element]) -> Bool { core.send(elements) }

        @discardableResult
        public func send(_ element: Element) -> Bool { core.send([element]) }

        /// No more elements: the consumer gets nil (or `error`) after the buffered ones. Ignored once ended.
        public func finish(throwing error: (any Error)? = nil) { core.finish(error) }

        /// True once the stream takes no more elements.
        public var isStopped: Bool { core.isStopped }
    }
}
