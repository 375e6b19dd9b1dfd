import Foundation
import FuzzChecks

#if FUZZING
    import CFuzzDriver
#endif

// storeaccess-fuzz TARGET [libFuzzer options and corpus directories]
//   built by scripts/fuzz with coverage, AddressSanitizer and libFuzzer: fuzzes TARGET;
//   built normally: runs every file of the given corpus directories through TARGET's checks.
let args = CommandLine.arguments
guard args.count >= 2, let check = FuzzChecks.targets[args[1]] else {
    FileHandle.standardError.write(
        Data("usage: storeaccess-fuzz {\(FuzzChecks.targets.keys.sorted().joined(separator: "|"))} [options] [corpus...]\n".utf8))
    exit(2)
}
nonisolated(unsafe) var current: @Sendable ([UInt8]) -> Void = check
#if FUZZING
    var argv: [UnsafeMutablePointer<CChar>?] = ([args[0]] + args.dropFirst(2)).map { strdup($0) } + [nil]
    var argc = Int32(argv.count - 1)
    let status = argv.withUnsafeMutableBufferPointer { buf -> Int32 in
        var p: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? = buf.baseAddress
        return LLVMFuzzerRunDriver(&argc, &p) { data, size in
            current(size == 0 || data == nil ? [] : Array(UnsafeBufferPointer(start: data, count: size)))
            return 0
        }
    }
    exit(status)
#else
    var n = 0
    for dir in args.dropFirst(2) where !dir.hasPrefix("-") {
        for f in (try? FileManager.default.contentsOfDirectory(atPath: dir)) ?? [] {
            guard let d = FileManager.default.contents(atPath: dir + "/" + f) else { continue }
            current([UInt8](d))
            n += 1
        }
    }
    print("storeaccess-fuzz \(args[1]): \(n) inputs checked")
#endif
