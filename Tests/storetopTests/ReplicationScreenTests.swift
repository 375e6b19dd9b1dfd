import Foundation
import Testing

@testable import StoreMetrics
@testable import StoreTopUI

/// The Replication view (8) on a primary with standbys and slots and on a standby (`Fixture+Replication`): each
/// figure on screen is the model's, formatted as the other views format it; warnings read first, in the roles the
/// other views give critical and warning figures; an empty section says what is true. The goldens pin the layout.
@Suite struct ReplicationScreenTests {
    func render(_ m: Model, _ w: Int = 200, _ h: Int = 50, _ edit: (inout UIState) -> Void = { _ in }) -> Canvas {
        var s = UIState()
        s.view = .replication
        edit(&s)
        return Screen.render(m, s, width: w, height: h, now: m.receivedAt!).canvas
    }

    func lines(_ c: Canvas) -> [String] { c.text.split(separator: "\n").map(String.init) }
    /// The first line that starts with `kind` (the KIND column) and holds every needle.
    func line(_ ls: [String], _ kind: String, _ needles: String...) -> String? {
        ls.first { l in l.hasPrefix(kind) && needles.allSatisfy { l.contains($0) } }
    }

    @Test func goldens() {
        let screens = ScreenTests()
        for (w, h) in [(80, 24), (120, 40), (200, 50)] {
            screens.check("replication-primary-\(w)x\(h)", render(Fixture.primaryModel(), w, h))
        }
        screens.check("replication-standby-120x40", render(Fixture.standbyModel(), 120, 40))
    }

    @Test func aPrimaryShowsEachStandbyAndSlotWithItsFigures() throws {
        let m = Fixture.primaryModel()
        let r = try #require(m.snapshot?.replication)
        let ls = lines(render(m, 300, 50))
        for b in r.standbys {
            let l = try #require(line(ls, "standby", b.applicationName), "\(ls)")
            for cell in [b.state, Format.bytes(b.lagBytes!), Format.duration(b.replayLagSeconds!), b.syncState!, b.replayLSN!] {
                #expect(l.contains(cell), "\(cell) missing in: \(l)")
            }
        }
        #expect(line(ls, "standby", "replica-eu", "10.0.4.12") != nil && line(ls, "standby", "replica-dr", "local socket") != nil)
        for s in r.slots {
            let l = try #require(line(ls, "\(s.slotType) slot", s.slotName), "\(ls)")
            for cell in [s.active ? "active" : "inactive", s.retainedBytes.map(Format.bytes) ?? "-", s.walStatus!] {
                #expect(l.contains(cell), "\(cell) missing in: \(l)")
            }
        }
        #expect(
            line(ls, "logical slot", "orders_cdc", "shop/pgoutput", "faucet:public/postgres-cdc:orders_cdc") != nil,
            "the bookmark that names the slot")
        #expect(line(ls, "physical slot", "replica_dr", Format.bytes(10_737_418_240)) != nil, "safe_wal_size")
        #expect(line(ls, "receiver", "this server is not a standby") != nil)
        #expect(lines(render(m, 300, 50))[0].contains("replication: " + r.warnings[0]), "the header names the first warning")
        #expect(lines(render(m, 160, 45))[0].contains("\(r.warnings.count) replication warnings"), "narrower, how many")
    }

    @Test func warningsComeFirstInTheirRoles() throws {
        let m = Fixture.primaryModel()
        let ws = try #require(m.snapshot?.replication?.warnings)
        #expect(ws.count == 3, "lost WAL, the inactive slot over 1 GiB, the standby over 60 s: \(ws)")
        var s = UIState()
        s.view = .replication
        let rows = Views.table(.replication, m, s).visible(s.current)
        for w in ws {
            // a warning wraps: its first line and the lines after it read the whole text
            let at = try #require(rows.firstIndex { $0.cells[0] == "warning" && w.hasPrefix($0.cells[1]) }, "\(w)")
            let text = ([rows[at]] + rows[(at + 1)...].prefix { $0.cells[0].isEmpty }).map { $0.cells[1] }.joined(separator: " ")
            #expect(text == w)
            #expect(rows[at].roles[0] == (w.contains("slot") ? .critical : .warning), "\(w)")
        }
        #expect(rows.prefix { $0.cells[0] == "warning" || $0.cells[0].isEmpty }.count >= ws.count, "warnings first")
        let c = render(m, 300, 50)
        let ls = lines(c)
        let y = try #require(ls.firstIndex { $0.contains("orders_cdc") && $0.contains("logical slot") })
        let x = try #require(ls[y].range(of: Format.bytes(6_442_450_944))).lowerBound.utf16Offset(in: ls[y])
        #expect(c[x, y].role == .critical, "the retained bytes of the slot filling the disk")
    }

    @Test func aStandbyShowsItsReceiverAndSaysWhatIsEmpty() throws {
        let m = Fixture.standbyModel()
        let x = try #require(m.snapshot?.replication?.receiver)
        let ls = lines(render(m, 300, 50))
        let l = try #require(line(ls, "receiver", "from db-1.internal"), "\(ls)")
        for cell in [
            "streaming, paused", Format.bytes(x.receiveLagBytes!), Format.duration(95), Format.duration(95) + " ago", x.receiveLSN!, x.replayLSN!,
        ] {
            #expect(l.contains(cell), "\(cell) missing in: \(l)")
        }
        #expect(l.hasSuffix(" \(x.conflicts)"), "recovery conflicts, the last column: \(l)")
        #expect(line(ls, "warning", "replay is paused on this standby") != nil)
        #expect(line(ls, "standby", "no standbys stream from this server") != nil && line(ls, "slot", "no replication slots") != nil)
        #expect(lines(render(Fixture.model())).contains { $0.contains("replication not read in this snapshot") })
        // the header says how far a standby's figures are behind its primary, where it has the room
        #expect(ls[0].contains("standby, \(Format.duration(x.replayLagSeconds!)) behind"), "\(ls[0])")
    }

    @Test func sortAndFilterWorkAcrossKinds() {
        let m = Fixture.primaryModel()
        var s = UIState()
        s.view = .replication
        s.current.sortColumn = 4  // WAL BYTES, the largest first
        let ids = Views.table(.replication, m, s).visible(s.current).map(\.id)
        #expect(Array(ids.prefix(3)) == [.slot("orders_cdc"), .standby("replica-dr"), .slot("replica_dr")])
        s.current.filter = "dr"
        let kept = Views.table(.replication, m, s).visible(s.current).map(\.id)
        #expect(kept.contains(.standby("replica-dr")) && kept.contains(.slot("replica_dr")) && !kept.contains(.slot("orders_cdc")))
    }

    /// A slot name holding an escape sequence and a bidi override is shown as visible escapes, as in every view: in its
    /// row, in the warning that names it and in the header, which names the first warning (the lost slot's).
    @Test func namesFromTheDatabaseAreSafeText() throws {
        var m = Fixture.primaryModel()
        var r = try #require(m.snapshot?.replication)
        r.slots[2].slotName = "evil\u{1b}[2J\u{202e}x"
        r.warnings = ReplicationRules.standard.warnings(r)
        m.snapshot?.replication = r
        let ls = lines(render(m, 300, 50))
        #expect(ls[0].contains("replication: slot evil\\x1b[2J\\u{202e}x has lost WAL"), "\(ls[0])")
        #expect(line(ls, "logical slot", "evil\\x1b[2J\\u{202e}x", "lost") != nil && line(ls, "warning", "slot evil\\x1b[2J") != nil)
        #expect(!ls.joined().contains("\u{1b}") && !ls.joined().contains("\u{202e}"))
    }
}
