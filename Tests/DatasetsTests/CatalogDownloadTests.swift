import XCTest
import Foundation
import Datasets

/// The download catalog (each definition's `source`) against the files in ../shared/datasets and their MANIFEST.txt:
/// the same repository, commit, original paths, sizes and sha256; and the files a definition lists are exactly
/// the files its converter reads.
final class CatalogDownloadTests: XCTestCase {
    func sharedDatasets() throws -> URL {
        try XCTUnwrap(DataDirectory.shared(), "../shared/datasets not found from \(FileManager.default.currentDirectoryPath)")
    }

    /// One MANIFEST.txt: repository page, commit the files were read at, and name → (original path, bytes, sha256).
    struct Manifest {
        var repository = "", commit = ""
        var files: [String: (path: String, bytes: Int64, sha256: String)] = [:]

        init(_ url: URL) throws {
            let lines = try String(contentsOf: url, encoding: .utf8).components(separatedBy: "\n")
            func value(_ line: String) -> String {
                line.split(separator: ":", maxSplits: 1).last.map { $0.trimmingCharacters(in: .whitespaces) } ?? ""
            }
            for (i, line) in lines.enumerated() {
                if line.hasPrefix("repository ") { repository = value(line) }
                if line.hasPrefix("files read at commit") { commit = String(value(line).prefix(40)) }
                if line.trimmingCharacters(in: .whitespaces).hasPrefix("original path"), i >= 1, i + 2 < lines.count {
                    let name = lines[i - 1].trimmingCharacters(in: .whitespaces)
                    files[name] = (value(line), Int64(value(lines[i + 1])) ?? -1, value(lines[i + 2]))
                }
            }
        }
    }

    func testCatalogMatchesTheManifestsAndTheSharedFiles() throws {
        let shared = try sharedDatasets()
        var checkedFiles = 0
        for definition in DatasetRegistry.standard.definitions {
            let source = definition.source
            let manifest = try Manifest(shared.appendingPathComponent(definition.folder).appendingPathComponent("MANIFEST.txt"))
            XCTAssertEqual(source.repository.page, manifest.repository, "\(definition.name): repository")
            XCTAssertEqual(source.commit, manifest.commit, "\(definition.name): commit the files were read at")
            XCTAssertEqual(source.commit.count, 40, "\(definition.name): pin the full commit")
            XCTAssertFalse(source.files.isEmpty, "\(definition.name): no files")
            for file in source.files {
                guard let entry = manifest.files[file.name] else {
                    XCTFail("\(definition.name): \(file.name) is not in \(definition.folder)/MANIFEST.txt"); continue
                }
                XCTAssertEqual(file.path, entry.path, "\(definition.name)/\(file.name): original path")
                XCTAssertEqual(file.bytes, entry.bytes, "\(definition.name)/\(file.name): bytes (MANIFEST)")
                XCTAssertEqual(file.sha256, entry.sha256, "\(definition.name)/\(file.name): sha256 (MANIFEST)")
                let url = shared.appendingPathComponent(definition.folder).appendingPathComponent(file.name)
                XCTAssertEqual(DatasetDownloader.state(of: file, at: url), .verified, "\(url.path) against the catalog")
                if case let .github(repository) = source.repository {
                    XCTAssertEqual(source.url(of: file).absoluteString,
                                   "https://raw.githubusercontent.com/\(repository)/\(source.commit)/"
                                   + file.path.addingPercentEncoding(withAllowedCharacters: .urlPathAllowed)!)
                }
                checkedFiles += 1
            }
        }
        XCTAssertGreaterThanOrEqual(checkedFiles, 37)
    }

    /// A folder holding only a definition's catalog files converts (nothing else is read), and each catalog file,
    /// replaced by a directory, makes the conversion fail on that very file (each one is read).
    func testCatalogFilesAreExactlyTheFilesEachDefinitionReads() throws {
        let shared = try sharedDatasets()
        let fm = FileManager.default
        for definition in DatasetRegistry.standard.definitions {
            let root = fm.temporaryDirectory.appendingPathComponent("w2s-catalog-\(UUID().uuidString)")
            defer { try? fm.removeItem(at: root) }
            let folder = root.appendingPathComponent(definition.folder)
            for file in definition.source.files {
                let link = folder.appendingPathComponent(file.name)
                try fm.createDirectory(at: link.deletingLastPathComponent(), withIntermediateDirectories: true)
                try fm.createSymbolicLink(at: link, withDestinationURL: shared.appendingPathComponent(definition.folder).appendingPathComponent(file.name))
            }
            XCTAssertNoThrow(try DatasetRegistry.standard.pools(definition.name, dataDirectory: root),
                             "\(definition.name) reads a file its catalog does not list")
            for file in definition.source.files {
                let link = folder.appendingPathComponent(file.name)
                try fm.removeItem(at: link)
                try fm.createDirectory(at: link, withIntermediateDirectories: false)
                XCTAssertThrowsError(try DatasetRegistry.standard.pools(definition.name, dataDirectory: root),
                                     "\(definition.name) never reads \(file.name), which its catalog lists") { error in
                    guard case let DatasetError.isDirectory(url) = error else { return XCTFail("\(definition.name): \(error)") }
                    XCTAssertEqual(url.lastPathComponent, link.lastPathComponent, "\(definition.name)")
                }
                try fm.removeItem(at: link)
                try fm.createSymbolicLink(at: link, withDestinationURL: shared.appendingPathComponent(definition.folder).appendingPathComponent(file.name))
            }
        }
    }

    func testPinnedAddresses() throws {
        let sciq = try DatasetRegistry.standard.definition("sciq").source
        XCTAssertEqual(sciq.url(of: sciq.files[0]).absoluteString,
                       "https://raw.githubusercontent.com/sjd210/Automated-Distractor-Generation/50810ad572d3f8e7501eddfb3a0f4555b307fb33/SciQ/SciQ%20dataset-2%203/valid.json")
        XCTAssertEqual(sciq.origin, "sjd210/Automated-Distractor-Generation@50810ad")
        let hub = DatasetSource.Repository.huggingFaceDataset("owner/name")
        XCTAssertEqual(hub.url(commit: String(repeating: "a", count: 40), path: "data/train part.jsonl").absoluteString,
                       "https://huggingface.co/datasets/owner/name/resolve/\(String(repeating: "a", count: 40))/data/train%20part.jsonl")
    }

    /// The licences found non-commercial (WiC's upstream one too) are flagged, and only those.
    func testNonCommercialLicencesAreFlagged() {
        let definitions = DatasetRegistry.standard.definitions
        let flagged = definitions.filter { $0.variantOf == nil && $0.source.licence.nonCommercial }.map(\.name)
        XCTAssertEqual(Set(flagged), ["sciq", "quail", "anli", "dream", "ag_news", "wic"])
        for variant in definitions where variant.variantOf != nil {  // a layout variant carries its original's licence
            XCTAssertEqual(variant.source.licence.nonCommercial, flagged.contains(variant.variantOf!), variant.name)
        }
    }
}
