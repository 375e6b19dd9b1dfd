import Foundation
import PackagePlugin

/// Writes the git commit the executable is built from into a generated Swift file (`let gitCommit = "…"`), for
/// `storetop --version`. A prebuild command runs on every build, so the commit is never stale; the file is rewritten
/// only when the commit changes, so an unchanged tree recompiles nothing. Outside a git checkout (a source tarball)
/// the commit is "unknown"; uncommitted changes to tracked files add "-dirty".
@main
struct GitCommit: BuildToolPlugin {
    /// The one prebuild command: `/bin/sh` with git (both system tools, which is all a prebuild command may run).
    func createBuildCommands(context: PluginContext, target: Target) throws -> [Command] {
        let out = context.pluginWorkDirectoryURL.appending(path: "generated")
        return [
            .prebuildCommand(
                displayName: "storetop: git commit for --version",
                executable: URL(fileURLWithPath: "/bin/sh"),
                arguments: ["-c", Self.script, "git-commit", context.package.directoryURL.path, out.path],
                outputFilesDirectory: out
            )
        ]
    }

    /// $1 is the package directory, $2 the output directory. GIT_OPTIONAL_LOCKS=0: never take the index lock (a
    /// build must not disturb a git command running beside it).
    static let script = """
        export GIT_OPTIONAL_LOCKS=0
        c=$(git -C "$1" rev-parse --short=12 HEAD 2>/dev/null) || c=unknown
        if [ "$c" != unknown ] && ! git -C "$1" diff --quiet HEAD -- 2>/dev/null; then c="$c-dirty"; fi
        mkdir -p "$2"
        line="let gitCommit = \\"$c\\""
        [ "$(cat "$2/GitCommit.swift" 2>/dev/null)" = "$line" ] || printf '%s\\n' "$line" >"$2/GitCommit.swift"
        """
}
