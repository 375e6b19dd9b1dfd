import Foundation
import Testing

@testable import StoreMetrics

@Suite struct PrometheusTextTests {
    @Test func familiesOnceInFirstUseOrderAndDuplicatesReplaced() {
        var p = PrometheusText()
        p.gauge("storetop_a", "A gauge", [("tenant", "acme")], 1)
        p.counter("storetop_b_total", "A counter", [], 5)
        p.gauge("storetop_a", "A gauge", [("tenant", "globex")], 2.5)
        p.gauge("storetop_a", "A gauge", [("tenant", "acme")], 3)
        p.counter("storetop_b_total", "A counter", [], -1)
        #expect(
            p.render() == """
                # HELP storetop_a A gauge
                # TYPE storetop_a gauge
                storetop_a{tenant="acme"} 3.0
                storetop_a{tenant="globex"} 2.5
                # HELP storetop_b_total A counter
                # TYPE storetop_b_total counter
                storetop_b_total 0

                """)
    }

    @Test func labelValuesAreEscapedByTheSpecAndNeverCarryControls() {
        var p = PrometheusText()
        p.gauge("storetop_x", "h", [("application", "st:\u{1b}]52;c;ZXZpbA==\u{07}/x\"y\\z\nw")], 1)
        let text = p.render()
        #expect(text.contains(#"storetop_x{application="st:\\x1b]52;c;ZXZpbA==\\x07/x\"y\\z\\nw"} 1.0"#))
        #expect(!text.unicodeScalars.contains { $0.value < 0x20 && $0 != "\n" })
        #expect(text.split(separator: "\n").count == 3, "a label value never splits a line")
    }

    @Test func preparedLabelsWriteWhatPairsWrite() {
        // a row's labels escaped once and extended per sample give the same lines as the pairs given each time
        let pairs = [("tenant", "a\"b"), ("consumer", "c\u{1b}d")]
        var byPairs = PrometheusText()
        var prepared = PrometheusText()
        byPairs.constantLabels = [("target", "t\\1")]
        prepared.constantLabels = [("target", "t\\1")]
        byPairs.gauge("storetop_x", "h", pairs + [("status", "OK")], 1)
        byPairs.counter("storetop_y_total", "h", pairs, 2)
        byPairs.gauge("storetop_z", "h", [], 3)
        let labels = PrometheusText.Labels(pairs)
        prepared.gauge("storetop_x", "h", labels.with("status", "OK"), 1)
        prepared.counter("storetop_y_total", "h", labels, 2)
        prepared.gauge("storetop_z", "h", .none, 3)
        #expect(prepared.render() == byPairs.render())
        #expect(prepared.render().contains(#"storetop_x{target="t\\1",tenant="a\"b",consumer="c\\x1bd",status="OK"} 1.0"#))
        #expect(prepared.render().contains(#"storetop_z{target="t\\1"} 3.0"#))
    }

    @Test func specialValues() {
        #expect(PrometheusText.format(.nan) == "NaN")
        #expect(PrometheusText.format(.infinity) == "+Inf")
        #expect(PrometheusText.format(-.infinity) == "-Inf")
        #expect(PrometheusText.format(0.25) == "0.25")
    }

    @Test func tenThousandConsumersGiveOneLinePerSeries() {
        // Speed is measured in the benchmark (scripts/bench); here: every series once, none lost or doubled.
        var p = PrometheusText()
        for i in 0..<10000 {
            for m in 0..<6 { p.gauge("storetop_consumer_m\(m)", "h", [("tenant", "t\(i % 1000)"), ("consumer", "c\(i)")], Double(i)) }
        }
        let lines = p.render().split(separator: "\n")
        #expect(lines.count == 6 * 10000 + 6 * 2)
        #expect(Set(lines).count == lines.count)
    }
}
