/// The libpq this process runs with: the shared library loaded at run time, which a package upgrade can change
/// under a binary built against other headers.
public enum ClientLibrary {
    /// libpq's version number as `PQlibVersion` returns it: major × 10000 + minor from 10 on (150018 is 15.18),
    /// major × 10000 + minor × 100 + patch before (90624 is 9.6.24).
    public static var libpqVersionNumber: Int { Int(LibPQ.libraryVersion()) }

    /// The version as PostgreSQL writes it: "15.18" (or "9.6.24" before 10).
    public static var libpqVersion: String { versionText(libpqVersionNumber) }

    /// The text of a `PQlibVersion` number.
    static func versionText(_ n: Int) -> String {
        n >= 100_000 ? "\(n / 10_000).\(n % 10_000)" : "\(n / 10_000).\(n / 100 % 100).\(n % 100)"
    }
}
