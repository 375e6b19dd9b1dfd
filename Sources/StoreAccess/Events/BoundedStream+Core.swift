import Foundation

extension BoundedStream {
    /// The buffer shared by the consumer (async: a continuation waits for an element) and the producer (a thread
    /// of its own: a condition waits for room). Every field is guarded by `condition`.
    final class Core: @unchecked Sendable {
        enum State {
            /// The producer runs.
            case running
            /// The producer finished (with an error to throw after the buffer): the consumer drains the rest.
            case finished((any Error)?)
            /// Nothing more comes: the consumer saw the end, cancelled, or drained.
            case ended
        }

        let backpressure: Backpressure
        private let onStop: @Sendable () -> Void
        private let abandonPause: (@Sendable () -> StoreError?)?
        private let condition = NSCondition()
        private var buffer: [Element] = []
        private var head = 0
        private var state = State.running
        private var cancelled = false
        private var paused = false
        private var seen = 0, delivered = 0, dropped = 0
        private var consumer: CheckedContinuation<Element?, any Error>?
        private var settleWaiters: [CheckedContinuation<Void, Never>] = []

        init(
            _ backpressure: Backpressure, onStop: @escaping @Sendable () -> Void,
            abandonPause: (@Sendable () -> StoreError?)?
        ) {
            self.backpressure = backpressure
            self.onStop = onStop
            self.abandonPause = abandonPause
        }

        private var count: Int { buffer.count - head }

        private var isRunning: Bool {
            if case .running = state { return true }
            return false
        }

        var counters: StreamCounters {
            condition.lock()
            defer { condition.unlock() }
            return StreamCounters(seen: seen, delivered: delivered, dropped: dropped, buffered: count)
        }

        var isCancelled: Bool { condition.lock(); defer { condition.unlock() }; return cancelled }
        var isPaused: Bool { condition.lock(); defer { condition.unlock() }; return paused }
        var isStopped: Bool { condition.lock(); defer { condition.unlock() }; return !isRunning }

        private func takeFirst() -> Element {
            let e = buffer[head]
            head += 1
            if head >= 1024 && head * 2 >= buffer.count {
                buffer.removeFirst(head)
                head = 0
            }
            delivered += 1
            if paused {
                // the producer may go on; it marks itself paused again when it must wait once more
                paused = false
                condition.broadcast()
            }
            return e
        }

        /// Resumes everyone waiting for the producer to settle. Called with the lock held.
        private func wakeSettleWaiters() {
            let waiters = settleWaiters
            settleWaiters = []
            for w in waiters { w.resume() }
        }

        // MARK: producer

        func send(_ elements: [Element]) -> Bool {
            condition.lock()
            defer { condition.unlock() }
            guard isRunning else { return false }
            seen += elements.count
            for e in elements {
                guard offer(e) else { return false }
            }
            return true
        }

        /// One element into the buffer (or straight to a waiting consumer). Called with the lock held.
        private func offer(_ e: Element) -> Bool {
            while true {
                guard isRunning else { return false }
                if let c = consumer {
                    consumer = nil
                    delivered += 1
                    c.resume(returning: e)
                    return true
                }
                if count < backpressure.bound {
                    buffer.append(e)
                    return true
                }
                switch backpressure.policy {
                case .dropOldest:
                    head += 1
                    dropped += 1
                    buffer.append(e)
                    if head >= 1024 && head * 2 >= buffer.count {
                        buffer.removeFirst(head)
                        head = 0
                    }
                    return true
                case .fail:
                    end(
                        StoreError(
                            .overflow,
                            "a stream overflowed its buffer of \(backpressure.bound) (backpressure policy: fail): the consumer is too slow"
                        ))
                    return false
                case .pauseUpstream:
                    paused = true
                    wakeSettleWaiters()
                    condition.broadcast()
                    guard waitForRoom() else { return false }
                }
            }
        }

        /// Waits (lock held) until the consumer made room or the stream ended; false when `abandonPause` ended it.
        private func waitForRoom() -> Bool {
            while paused && isRunning {
                guard let abandonPause else {
                    condition.wait()
                    continue
                }
                _ = condition.wait(until: Date(timeIntervalSinceNow: 0.2))
                if paused && isRunning, let error = abandonPause() {
                    end(error)
                    return false
                }
            }
            paused = false
            return true
        }

        func finish(_ error: (any Error)?) {
            condition.lock()
            defer { condition.unlock() }
            guard isRunning else { return }
            end(error)
        }

        /// The producer is done. Called with the lock held.
        private func end(_ error: (any Error)?) {
            state = .finished(error)
            paused = false
            if let c = consumer {
                consumer = nil
                state = .ended
                if let error { c.resume(throwing: error) } else { c.resume(returning: nil) }
            }
            wakeSettleWaiters()
            condition.broadcast()
        }

        // MARK: consumer

        func next() async throws -> Element? {
            if Task.isCancelled {
                cancel()
                return nil
            }
            return try await withTaskCancellationHandler {
                try await withCheckedThrowingContinuation { (c: CheckedContinuation<Element?, any Error>) in
                    condition.lock()
                    if count > 0 {
                        let e = takeFirst()
                        condition.unlock()
                        return c.resume(returning: e)
                    }
                    switch state {
                    case .running:
                        if consumer != nil {
                            condition.unlock()
                            return c.resume(throwing: StoreError(.invalidArgument, "a bounded stream has one consumer at a time"))
                        }
                        consumer = c
                        condition.unlock()
                    case .finished(let error):
                        state = .ended
                        condition.unlock()
                        if let error { c.resume(throwing: error) } else { c.resume(returning: nil) }
                    case .ended:
                        condition.unlock()
                        c.resume(returning: nil)
                    }
                }
            } onCancel: {
                cancel()
            }
        }

        func cancel() {
            condition.lock()
            if case .ended = state {
                condition.unlock()
                return
            }
            let producerRan = isRunning
            if producerRan || count > 0 { cancelled = true }
            buffer = []
            head = 0
            stopLocked()
            condition.unlock()
            if producerRan { onStop() }
        }

        /// Ends the stream from the consumer's side. Called with the lock held.
        private func stopLocked() {
            state = .ended
            paused = false
            if let c = consumer {
                consumer = nil
                c.resume(returning: nil)
            }
            wakeSettleWaiters()
            condition.broadcast()
        }

        func settled() async {
            await withTaskCancellationHandler {
                await withCheckedContinuation { (c: CheckedContinuation<Void, Never>) in
                    condition.lock()
                    if isRunning && !paused {
                        settleWaiters.append(c)
                        condition.unlock()
                    } else {
                        condition.unlock()
                        c.resume()
                    }
                }
            } onCancel: {
                cancel()
            }
        }

        func settledBlocking() {
            condition.lock()
            while isRunning && !paused { condition.wait() }
            condition.unlock()
        }

        func drainAll() throws -> Drained {
            condition.lock()
            let truncated = isRunning && paused
            var thrown: (any Error)?
            if case .finished(let error) = state { thrown = error }
            let elements = Array(buffer[head...])
            delivered += elements.count
            buffer = []
            head = 0
            let wasCancelled = cancelled
            let producerRan = isRunning
            stopLocked()
            let drained = Drained(
                elements: wasCancelled ? [] : elements, truncated: truncated, cancelled: wasCancelled,
                counters: StreamCounters(seen: seen, delivered: delivered, dropped: dropped, buffered: 0))
            condition.unlock()
            if producerRan { onStop() }
            if let thrown { throw thrown }
            return drained
        }
    }
}
