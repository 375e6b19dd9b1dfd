import Foundation
import StoreTestSupport
import Testing

@testable import storetop

/// `storetop --version` (issue 24): the version from its one place, the git commit the binary was built from and
/// the libpq it runs with, each checked against what a packager or a DBA would look at; and the completion scripts
/// the Debian package ships.
@Suite struct VersionTests {
    /// Runs a system command in the checkout.
    func run(_ args: [String]) throws -> String {
        let r = try runProcess("/usr/bin/env", ["-C", TestServer.repoRoot] + args)
        #expect(r.status == 0, "\(args): \(r.err)")
        return r.out.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// The lines of `storetop --version`, by their first word.
    func versionLines() throws -> [String: String] {
        let r = try storetop(["--version"])
        #expect(r.status == 0, "\(r.err)")
        let lines = r.out.split(separator: "\n").map(String.init)
        #expect(lines.map { $0.split(separator: " ").first.map(String.init) ?? "" } == ["storetop", "commit", "libpq"], "\(r.out)")
        return Dictionary(lines.map { l in (String(l.prefix { $0 != " " }), String(l.drop { $0 != " " }.dropFirst())) }) { a, _ in a }
    }

    @Test func theVersionIsTheOneScriptsPackageReads() throws {
        let printed = try versionLines()["storetop"]
        // the line scripts/package reads, with its own sed expression
        let source = TestServer.repoRoot + "/Sources/storetop/StoreTopVersion.swift"
        let read = try run(["sed", "-n", #"s/^ *static let number = "\([^"]*\)"$/\1/p"#, source])
        #expect(printed == read)
        #expect(printed == StoreTopVersion.number)
        #expect(read.wholeMatch(of: /[0-9]+\.[0-9]+\.[0-9]+/) != nil, "not a Debian-friendly version: \(read)")
    }

    @Test func theCommitIsOneOfThisCheckoutsHistory() throws {
        let commit = try #require(try versionLines()["commit"])
        let hash = commit.hasSuffix("-dirty") ? String(commit.dropLast(6)) : commit
        #expect(hash.wholeMatch(of: /[0-9a-f]{12}/) != nil, "\(commit)")
        // built before the latest commit or at it: the build's commit is HEAD or one of its ancestors
        let r = try runProcess("/usr/bin/env", ["-C", TestServer.repoRoot, "git", "merge-base", "--is-ancestor", hash, "HEAD"])
        #expect(r.status == 0, "\(hash) is not in HEAD's history: \(r.err)")
    }

    @Test func theLibpqIsTheSharedLibraryTheBinaryLoads() throws {
        let printed = try #require(try versionLines()["libpq"])
        // what a DBA checks: the libpq.so.5 ldd resolves, its package, that package's version (15.18-0+deb12u1)
        let ldd = try run(["ldd", TestServer.builtProduct("storetop")])
        let line = try #require(ldd.split(separator: "\n").first { $0.contains("libpq.so") }, "\(ldd)")
        let path = try #require(line.split(separator: " ").first { $0.hasPrefix("/") })
        let real = try run(["readlink", "-f", String(path)])
        let owner = try run(["dpkg", "-S", real])
        let package = String(owner.prefix { $0 != ":" })
        let packaged = try run(["dpkg-query", "-W", "-f", "${Version}", package])
        #expect(packaged == printed || packaged.hasPrefix(printed + "-"), "--version: \(printed); \(package): \(packaged)")
    }

    @Test func completionScriptsParseAndNameTheCommands() throws {
        let script = try storetop(["--generate-completion-script", "bash"])
        #expect(script.status == 0, "\(script.err)")
        let path = NSTemporaryDirectory() + "storetop-completion-\(UUID().uuidString).bash"
        try script.out.write(toFile: path, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(atPath: path) }
        let check = try runProcess("/bin/bash", ["-n", path])
        #expect(check.status == 0, "bash -n: \(check.err)")
        for command in ["snapshot", "metrics", "record", "prune", "--version"] { #expect(script.out.contains(command), "\(command)") }
    }
}
