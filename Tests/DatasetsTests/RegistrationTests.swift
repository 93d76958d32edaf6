import XCTest
import Foundation
import Datasets

/// Defining a dataset next to its converter is the whole of registering it.
final class RegistrationTests: XCTestCase {
    static let converters = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("Sources/Datasets/Converters")

    /// Names of every `DatasetDefinition(name: "…"` written in the converter sources, file by file.
    func definedNames() throws -> [String] {
        let files = try FileManager.default.contentsOfDirectory(at: Self.converters, includingPropertiesForKeys: nil)
            .filter { $0.pathExtension == "swift" }.sorted { $0.path < $1.path }
        XCTAssertFalse(files.isEmpty, "no converter sources in \(Self.converters.path)")
        let pattern = try NSRegularExpression(pattern: #"DatasetDefinition\(\s*name:\s*"([^"]+)""#)
        return try files.flatMap { file -> [String] in
            let source = try String(contentsOf: file, encoding: .utf8)
            return pattern.matches(in: source, range: NSRange(source.startIndex..., in: source)).compactMap {
                Range($0.range(at: 1), in: source).map { String(source[$0]) }
            }
        }
    }

    func testEveryConverterDefinitionIsRegisteredExactlyOnce() throws {
        let definitions = DatasetRegistry.standard.definitions
        let registered = definitions.filter { $0.variantOf == nil }.map(\.name)
        let defined = try definedNames()
        for variant in definitions where variant.variantOf != nil {
            XCTAssertTrue(registered.contains(variant.variantOf!), "\(variant.name): a variant of an unregistered dataset")
        }
        XCTAssertEqual(Set(registered).count, registered.count,
                       "registered twice: \(Dictionary(grouping: registered) { $0 }.filter { $1.count > 1 }.keys.sorted())")
        XCTAssertEqual(Set(defined).count, defined.count,
                       "defined twice: \(Dictionary(grouping: defined) { $0 }.filter { $1.count > 1 }.keys.sorted())")
        XCTAssertEqual(Set(defined).subtracting(registered).sorted(), [], "defined in Converters/ but not registered")
        XCTAssertEqual(Set(registered).subtracting(defined).sorted(), [], "registered but not defined in Converters/")
    }

    /// `w2s datasets list` prints the registry in this order.
    func testRegistryOrder() {
        XCTAssertEqual(DatasetRegistry.standard.names(), [
            "sst2", "cola", "twitter_sentiment", "ag_news",
            "boolq", "multirc", "mc_taco",
            "sciq", "cosmos_qa", "piqa", "social_i_qa", "dream", "quail",
            "anli", "wic",
            "ethics_commonsense", "ethics_justice", "ethics_deontology", "ethics_virtue",
            "multirc_qfirst", "sciq_qfirst", "cosmos_qa_qfirst", "dream_qfirst", "quail_qfirst",
        ])
    }
}
