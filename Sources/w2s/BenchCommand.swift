import ArgumentParser
import Foundation
import Tensors
import Transformers

struct BenchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench",
        abstract: "Measure GEMM GFLOP/s and encoder tokens/s (forward, forward+backward) on this CPU.")

    @Option(help: "Models to measure (installed names).")
    var models: [String] = ["all-MiniLM-L6-v2", "all-mpnet-base-v2"]
    @Option(help: "Sequences per batch.") var batch = 32
    @Option(help: "Tokens per sequence.") var length = 128
    @Option(help: "Timed repetitions (median reported).") var repeats = 3
    @Flag(help: "Skip forward+backward.") var forwardOnly = false
    @Flag(inversion: .prefixedNo, help: "Measure GEMM throughput first.") var gemm = true
    @Option(help: "Model directory (default $W2S_MODELS or ~/.cache/w2s/models).") var modelsDir: String?
    @Option(help: "Forward+backward of only the top K layers, from the frozen layers' cached output (top-K-layer finetuning).")
    var trainLayers: Int?
    @Option(help: "Forward+backward with rank-r LoRA adapters (pretrained weights frozen) instead of every weight.")
    var loraRank: Int?
    @Flag(help: "Print the OpenBLAS variables w2s runs with on this machine, as shell `export` lines, and exit (scripts/test.sh hands them to the test process, which loads OpenBLAS before any code of ours can set them).")
    var openblasEnvironment = false

    func validate() throws {
        try requireAtLeast(1, trainLayers, option: "--train-layers")
        try requireAtLeast(1, loraRank, option: "--lora-rank")
    }

    func run() throws {
        if openblasEnvironment {
            for name in OpenBLASEnvironment.variables {
                if let value = ProcessInfo.processInfo.environment[name] { print("export \(name)=\(value)") }
            }
            return
        }
        if gemm { print("GEMM (OpenBLAS \(OpenBLASEnvironment.coreName) kernels, \(BLAS.threads) threads):") }
        for (m, n, k) in gemm ? [(4096, 1536, 384), (4096, 3072, 768), (4096, 768, 768)] : [] {
            print(String(format: "  %5d×%-5d·%5d×%-5d  %6.1f GFLOP/s", m, k, k, n, GEMMBenchmark.gflops(m: m, n: n, k: k)))
        }
        let store = ModelStore(root: modelsDir.map { URL(fileURLWithPath: $0) } ?? ModelStore.defaultRoot())
        for name in models {
            let encoder = try TransformerEncoder.load(directory: try store.locate(ModelReference(parsing: name)))
            let result = try EncoderBenchmark.run(encoder: encoder, name: name, batch: batch, length: length,
                                                  repeats: repeats, includeBackward: !forwardOnly, trainLayers: trainLayers,
                                                  loraRank: loraRank)
            var line = String(format: "%@  batch %d × %d: forward %.0f tokens/s", name, batch, length,
                              result.forwardTokensPerSecond)
            if let t = result.trainingTokensPerSecond {
                let what = [trainLayers.map { "top \($0) layers" }, loraRank.map { "LoRA r=\($0)" }].compactMap { $0 }
                line += String(format: ", forward+backward%@ %.0f tokens/s", what.isEmpty ? "" : " (" + what.joined(separator: ", ") + ")", t)
            }
            if let rss = result.peakResidentMiB { line += String(format: ", peak RSS %.0f MiB", rss) }
            print(line)
        }
    }
}

