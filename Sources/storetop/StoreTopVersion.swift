import StoreAccess

/// The one place storetop's version is written: `storetop --version` prints it and `scripts/package` reads the
/// `number` line below for the .deb's version (keep it a plain string literal on one line).
enum StoreTopVersion {
    /// storetop's version (semantic versioning).
    static let number = "0.1.0"

    /// What `storetop --version` prints: the version, the git commit the binary was built from (`gitCommit`, a file
    /// generated at build time by `Plugins/GitCommit`) and the libpq it runs with (the shared library, read at run
    /// time).
    static var text: String {
        "storetop \(number)\ncommit \(gitCommit)\nlibpq \(ClientLibrary.libpqVersion)"
    }
}
