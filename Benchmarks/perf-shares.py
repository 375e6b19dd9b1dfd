#!/usr/bin/env python3
# Shares of a `perf record -g` profile by frame, for Benchmarks/results/scale.md ("Session 14: the refresh thread").
# Usage: perf script -i FILE.perf.data -F comm,tid,ip,sym | swift demangle --simplified > FILE.txt
#        Benchmarks/perf-shares.py FILE.txt CPU_MS_PER_REFRESH
# Writes to stdout one Markdown table row per part: the share of samples whose stack holds any of the part's frame
# names (inclusive), and that share of CPU_MS_PER_REFRESH (Benchmarks/refresh-period.sh's figure of the same run).
import sys

PARTS = [
    ("refresh thread (`RefreshLoop.refreshOnce`)", ["RefreshLoop.refreshOnce"]),
    ("collector (`Collector.collect`)", ["Collector.collect("]),
    ("handing the carried rows over (`CursorsPanel.read`)", ["CursorsPanel.read(_:_:version"]),
    ("keeping 5,000 of 50,750", ["shownConsumers", "keptConsumers"]),
    ("lag, probes, assembly (`collectConsumers`)", ["Collector.collectConsumers"]),
    ("history write (`RecordingTee.note`)", ["RecordingTee.note"]),
    ("`History.add`", ["History.add(_:)"]),
    ("`TenantSummary.build`, every caller", ["TenantSummary.build"]),
    ("UI thread: `Screen.render`", ["Screen.render"]),
    ("first frame's Overview table (`OverviewView.table`)", ["OverviewView.table"]),
    ("`DisplayText.sanitize`", ["DisplayText.sanitize"]),
    ("tenant picker (`Screen.tenants`)", ["Screen.tenants"]),
]


def main() -> None:
    path, cpu = sys.argv[1], float(sys.argv[2])
    stacks = []
    for sample in open(path).read().split("\n\n"):
        lines = [line.strip() for line in sample.strip().split("\n") if line.strip()]
        if len(lines) > 1:
            stacks.append(" ;; ".join(lines[1:]))
    n = len(stacks)
    for name, frames in PARTS:
        hits = sum(1 for s in stacks if any(f in s for f in frames))
        print(f"| {name} | {100 * hits / n:.1f} % | {cpu * hits / n:.0f} |")
    print(f"({n} samples)")


main()
