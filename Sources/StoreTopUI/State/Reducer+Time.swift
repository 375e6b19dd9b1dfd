/// The time keys: the reducer decides what is asked (a `Seek`, play, speed); the loop reads the archive.
extension Reducer {
    static func time(_ s0: UIState, _ command: Command) -> (UIState, [Effect]) {
        var s = s0
        guard s.history else {
            s.status = "no history to go back in (--history 0, or its temporary file could not be created)"
            return (s, [])
        }
        switch command {
        case .timeStep(let n): return (s, [.seek(.step(n))])
        case .timeJump(let seconds): return (s, [.seek(.by(seconds))])
        case .goToTime: s.dialog = .goToTime(text: "")
        case .togglePause:
            s.rewind?.playing.toggle()
            if let r = s.rewind { s.status = r.playing ? "playing at ×\(Rewind.speedText(r.speed)): Space holds" : "held: Space plays" }
        case .intervalUp, .intervalDown:
            guard var r = s.rewind else { break }
            let list = Rewind.speeds
            let i = list.firstIndex { $0 >= r.speed } ?? (list.count - 1)
            r.speed = list[command == .intervalUp ? min(list.count - 1, i + 1) : max(0, i - 1)]
            s.rewind = r
            s.status = "speed ×\(Rewind.speedText(r.speed))"
        default: break
        }
        return (s, [])
    }

    static func goToTime(_ s0: UIState, _ text: String, _ key: Key) -> (UIState, [Effect]) {
        var s = s0
        switch key {
        case .escape: s.dialog = .none
        case .enter:
            s.dialog = .none
            if !text.isEmpty { return (s, [.seek(.typed(text))]) }
        case .backspace: s.dialog = .goToTime(text: String(text.dropLast()))
        case .char(let c) where text.count < 40: s.dialog = .goToTime(text: text + String(c))
        default: break
        }
        return (s, [])
    }
}
