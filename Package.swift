// swift-tools-version: 6.1
import Foundation
import PackageDescription

/// `scripts/sanitize` sets STORETOP_SANITIZE_SCOPE: the sanitized suites (StoreAccessTests, StoreMetricsTests) need
/// only the library targets and two small packages, and `swift build --build-tests` otherwise builds every test
/// target and the whole dependency graph (NIO, GRDB, swift-configuration, the executable) twice more, instrumented,
/// in CI. The scoped graph is the full one with targets and packages removed, never a different definition.
let sanitizeScope = ProcessInfo.processInfo.environment["STORETOP_SANITIZE_SCOPE"] != nil
let sanitizedTargets: Set<String> = [
    "CLibPQ", "SafeText", "StoreAccess", "StoreMetrics", "StoreTestSupport", "FuzzChecks", "StoreAccessTests", "StoreMetricsTests",
]

let package = Package(
    name: "storetop",
    // Linux is the platform this builds and is tested on (libpq and ncursesw as system libraries, Glibc);
    // no Apple platform is claimed until one is built and tested.
    products: [
        .library(name: "StoreAccess", targets: ["StoreAccess"]),
        .library(name: "StoreMetrics", targets: ["StoreMetrics"]),
        .library(name: "StoreTopUI", targets: ["StoreTopUI"]),
        .executable(name: "storetop", targets: ["storetop"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.0"),
        .package(url: "https://github.com/HdrHistogram/hdrhistogram-swift", from: "0.1.0"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.80.0"),
        // The fleet's config file (issue 19): layered reading (environment over file) with the YAML provider;
        // Yams (which that provider is built on) directly for the file's node positions, so every error names
        // its line.
        .package(url: "https://github.com/apple/swift-configuration", from: "1.4.0", traits: [.defaults, "YAML"]),
        .package(url: "https://github.com/jpsim/Yams", "5.4.0"..<"7.0.0"),
        // Recordings (issue 20): one SQLite file per recording, through GRDB, kept out of StoreMetrics.
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.0.0"),
    ],
    targets: [
        .systemLibrary(name: "CLibPQ", path: "Sources/CLibPQ"),
        .systemLibrary(name: "CNCurses", path: "Sources/CNCurses"),
        // zlib, for recordings' compressed snapshot bodies (SQLite's sqlar convention; docs/recording.md)
        .systemLibrary(name: "CZlib", path: "Sources/CZlib"),
        // The one function that makes text from the database safe to show (no dependencies, used by every layer).
        .target(name: "SafeText"),
        .target(
            name: "StoreAccess",
            dependencies: [
                "CLibPQ", "SafeText",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Histogram", package: "hdrhistogram-swift"),
            ]
        ),
        .target(
            name: "StoreMetrics",
            dependencies: [
                "StoreAccess", "SafeText",
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .target(
            name: "MetricsServer",
            dependencies: [
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
            ]
        ),
        // Recordings of snapshots in SQLite (issue 20); the only target that links SQLite.
        .target(name: "StoreRecording", dependencies: ["StoreMetrics", "SafeText", "CZlib", .product(name: "GRDB", package: "GRDB.swift")]),
        // Everything of the dashboard that needs no terminal; never imports StoreAccess.
        .target(name: "StoreTopUI", dependencies: ["StoreMetrics", "SafeText"]),
        .executableTarget(
            name: "storetop",
            dependencies: [
                "StoreAccess", "StoreMetrics", "StoreTopUI", "SafeText", "CNCurses", "StoreRecording",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                "MetricsServer",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Configuration", package: "swift-configuration"),
                .product(name: "Yams", package: "Yams"),
            ],
            // the git commit for `storetop --version` (Plugins/GitCommit; the version itself is StoreTopVersion.number)
            plugins: ["GitCommit"]
        ),
        .plugin(name: "GitCommit", capability: .buildTool(), path: "Plugins/GitCommit"),
        .executableTarget(
            name: "storeaccess-testproc",
            dependencies: ["StoreAccess"],
            path: "Tests/TestProcess"
        ),
        .executableTarget(
            name: "storeaccess-bench",
            dependencies: ["StoreAccess", "CLibPQ", .product(name: "Histogram", package: "hdrhistogram-swift")],
            path: "Benchmarks/StoreBench"
        ),
        .target(name: "StoreTestSupport", dependencies: ["StoreAccess"], path: "Tests/Support"),
        // Fuzzing (scripts/fuzz): the properties, libFuzzer's driver declaration, and the harness executable.
        .target(name: "FuzzChecks", dependencies: ["StoreAccess", "SafeText", "StoreMetrics"], path: "Tests/Fuzz/Checks"),
        .target(name: "CFuzzDriver", path: "Tests/Fuzz/CFuzzDriver"),
        .executableTarget(name: "storeaccess-fuzz", dependencies: ["FuzzChecks", "CFuzzDriver"], path: "Tests/Fuzz/Harness"),
        .testTarget(name: "StoreAccessTests", dependencies: ["StoreAccess", "SafeText", "StoreTestSupport", "FuzzChecks"]),
        .testTarget(name: "MetricsServerTests", dependencies: ["MetricsServer"]),
        .testTarget(name: "ConformanceTests", dependencies: ["StoreAccess", "StoreTestSupport"]),
        .testTarget(name: "StoreMetricsTests", dependencies: ["StoreMetrics", "StoreAccess", "StoreTestSupport"]),
        .testTarget(name: "StoreRecordingTests", dependencies: ["StoreRecording", "StoreMetrics", "StoreAccess", "StoreTestSupport"]),
        .testTarget(name: "StoreTopUITests", dependencies: ["StoreTopUI", "StoreMetrics"]),
        .testTarget(
            name: "storetopTests", dependencies: ["storetop", "StoreTopUI", "StoreMetrics", "StoreAccess", "StoreTestSupport", "StoreRecording"],
            exclude: ["Screens", "Scripts"]),
    ],
    swiftLanguageModes: [.v6]
)

if sanitizeScope {
    package.targets.removeAll { !sanitizedTargets.contains($0.name) }
    package.products.removeAll { !["StoreAccess", "StoreMetrics"].contains($0.name) }
    package.dependencies.removeAll { d in
        guard case .sourceControl(_, let location, _) = d.kind else { return false }
        return !(location.hasSuffix("/swift-log") || location.hasSuffix("/hdrhistogram-swift"))
    }
}
