// swift-tools-version:6.0
import PackageDescription

// Hot loops must vectorize with FMA: without a CPU target, SIMD FMA lowers to one libm call per lane.
let fast: [SwiftSetting] = [.unsafeFlags(["-target-cpu", "haswell", "-Ounchecked"])]

let package = Package(
    name: "WeakToStrong",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "w2s", targets: ["w2s"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.0.0"),
    ],
    targets: [
        .systemLibrary(name: "COpenBLAS", pkgConfig: "openblas",
                       providers: [.apt(["libopenblas-dev"])]),
        .target(name: "Determinism"),
        .target(name: "Tensors", dependencies: ["COpenBLAS", "Determinism"], swiftSettings: fast),
        .target(name: "Transformers", dependencies: ["Tensors", "Determinism"], swiftSettings: fast),
        .target(name: "Datasets", dependencies: ["Determinism"]),
        .target(name: "Training", dependencies: ["Tensors", "Analysis"], swiftSettings: fast),
        .target(name: "Probes", dependencies: ["Tensors", "COpenBLAS"], swiftSettings: fast),
        .target(name: "Analysis", dependencies: ["Determinism"]),
        .target(name: "Experiments", dependencies: [
            "Determinism", "Tensors", "Transformers", "Datasets", "Training", "Probes", "Analysis",
            .product(name: "GRDB", package: "GRDB.swift"),
        ]),
        .executableTarget(name: "w2s", dependencies: [
            "Experiments", "Transformers", "Datasets", "Training", "Analysis", "Tensors",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
        ]),
        .testTarget(name: "TensorsTests", dependencies: ["Tensors"]),
        .testTarget(name: "TransformersTests", dependencies: ["Transformers", "Tensors"],
                    resources: [.copy("Fixtures")]),
        .testTarget(name: "DatasetsTests", dependencies: ["Datasets"]),
        .testTarget(name: "TrainingTests", dependencies: ["Training", "Tensors"]),
        .testTarget(name: "ProbesTests", dependencies: ["Probes", "Tensors"]),
        .testTarget(name: "AnalysisTests", dependencies: ["Analysis"]),
        .testTarget(name: "ExperimentsTests", dependencies: ["Experiments"]),
    ]
)
