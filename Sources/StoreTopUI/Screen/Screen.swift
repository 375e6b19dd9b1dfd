import Foundation
import StoreMetrics

/// Lays out one frame: header, meters, view tabs, the current view's table, status and footer, and any
/// dialog on top. Pure: (model, UI state, size, wall clock) → canvas, plus the reducer's context.
public enum Screen {
    static let minWidth = 64
    static let minHeight = 16

    /// One laid-out frame.
    public struct Frame: Sendable {
        /// What to draw.
        public var canvas: Canvas
        var context: HandlerContext
        /// The state with selection and scroll clamped to what is on screen.
        public var state: UIState
    }

    /// Lays out the frame of `m` in state `s0` at `width`×`height`, building everything (no frame before it).
    public static func render(_ m: Model, _ s0: UIState, width: Int, height: Int, now: Date) -> Frame {
        var cache = RenderCache()
        return render(m, s0, width: width, height: height, now: now, cache: &cache)
    }

    /// Lays out the frame of `m` in state `s0` at `width`×`height`, reusing what `cache` kept from the frames
    /// before (the view's rows, their order and widths, the tenants) while it still holds.
    public static func render(_ m: Model, _ s0: UIState, width: Int, height: Int, now: Date, cache: inout RenderCache) -> Frame {
        var s = s0
        var c = Canvas(width: width, height: height)
        var ctx = HandlerContext()
        ctx.tenants = cache.tenants(m)
        permissions(&ctx, m)
        if width < minWidth || height < minHeight {
            tooSmall(&c)
            return Frame(canvas: c, context: ctx, state: s)
        }
        header(&c, m, s, now: now)
        meters(&c, m, tenant: s.tenant, width: width, y: 1, cache: &cache)
        tabs(&c, s, y: 2)
        let (table, rows, ids, content) = cache.shown(m, s)
        ctx.rows = ids
        ctx.columns = table.columns.count
        ctx.columnTitles = table.columns.map(\.title)
        var contentH = height - 5
        if s.view == .streams, let st = m.snapshot?.streams, !st.mostActive.isEmpty, contentH >= 12 {
            let extra = min(st.mostActive.count + 2, contentH / 2)
            contentH -= extra
            mostActive(&c, m, y: 3 + contentH, h: extra, width: width)
        }
        ctx.pageSize = max(1, contentH - 2)
        if m.snapshot == nil {
            c.put(2, 4, connectionText(m, now: now), .warning)
        } else {
            s.current.selected = min(s.current.selected, max(0, rows.count - 1))
            s.current.scroll = table.draw(&c, x: 0, y: 3, w: width, h: contentH, state: s.current, lines: rows, content: content)
        }
        statusLine(&c, m, s, y: height - 2, width: width, now: now)
        footer(&c, s, off: ctx.keysOff(readOnly: s.readOnly), y: height - 1, width: width)
        dialog(&c, m, s, ctx)
        return Frame(canvas: c, context: ctx, state: s)
    }

    /// The privilege check at start, for the keys: what is refused and why, and which backends on screen run as
    /// this role (it may signal those without `pg_signal_backend`; storetop's own sessions are not counted).
    static func permissions(_ ctx: inout HandlerContext, _ m: Model) {
        guard let p = m.permissions else { return }
        (ctx.consumerOpsRefusal, ctx.pruneRefusal, ctx.signalRefusal) = (p.consumers, p.prune, p.signal)
        if let role = p.role, let backends = m.snapshot?.sessions?.backends {
            ctx.ownBackends = Set(backends.filter { $0.user == role && !Actions.ownApplicationNames.contains($0.applicationName) }.map(\.pid))
        }
    }

    static func tooSmall(_ c: inout Canvas) {
        let msg = ["terminal too small: \(c.width)×\(c.height)", "storetop needs at least \(minWidth)×\(minHeight)", "(q quits)"]
        for (i, line) in msg.enumerated() where i < c.height {
            c.put(max(0, (c.width - line.count) / 2), max(0, c.height / 2 - 1) + i, line, i == 0 ? .warning : .normal)
        }
    }

    /// The tenants a drill-in offers: StoreAccess's, then other libraries' that have tenants (zestor's ns_id,
    /// axon's namespace) not already listed.
    static func tenants(_ m: Model) -> [String] {
        guard let snap = m.snapshot else { return [] }
        let own = TenantSummary.tenants(of: snap)
        let outboxes = (snap.foreign ?? []).flatMap { $0.outboxes.map(\.tenant) }
        let namespaces = (snap.sessions?.groups ?? []).filter { $0.library != nil }.compactMap(\.tenant)
        let known = Set(own)
        return own + Set(outboxes + namespaces).subtracting(known).sorted()
    }

    static func connectionText(_ m: Model, now: Date) -> String {
        switch m.connection {
        case .connecting: return "connecting to \(m.server)…"
        case .connected: return "connected"
        case .reconnecting(let e, let at):
            return "reconnecting in \(max(0, Int(at.timeIntervalSince(now).rounded(.up))))s: \(e)"
        }
    }

    static func mostActive(_ c: inout Canvas, _ m: Model, y: Int, h: Int, width: Int) {
        guard let st = m.snapshot?.streams else { return }
        c.put(0, y, " Most active streams (head \(st.headPosition), deliverable up to \(st.safePosition))", .title)
        c.fill(0, y + 1, width, 1, " ", .columnHeader)
        func right(_ a: String, _ b: String, _ cc: String) -> String {
            func lp(_ s: String, _ n: Int) -> String { String(repeating: " ", count: max(0, n - s.count)) + s }
            return lp(a, 8) + lp(b, 11) + lp(cc, 13)
        }
        let head = right("VERSION", "HEAD POS", "LAST WRITE")
        // aligned with the table above: from column 0 to the right edge
        c.put(0, y + 1, "TENANT/STREAM", .columnHeader)
        c.put(width - head.count, y + 1, head, .columnHeader)
        for (i, sh) in st.mostActive.prefix(h - 2).enumerated() {
            let r = right(
                String(sh.version), String(sh.headPosition), Format.duration(max(0, m.snapshot!.clock.timeIntervalSince(sh.updatedAt))) + " ago")
            c.put(0, y + 2 + i, "\(sh.tenant)/\(sh.stream)", .accent, maxWidth: width - r.count - 1)
            c.put(width - r.count, y + 2 + i, r)
        }
    }
}
