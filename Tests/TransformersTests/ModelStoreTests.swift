import XCTest
import Foundation
import Transformers

final class ModelStoreTests: XCTestCase {
    func testReferenceParsing() throws {
        XCTAssertEqual(try ModelReference(parsing: "all-mpnet-base-v2"), ModelReference(name: "all-mpnet-base-v2"))
        XCTAssertEqual(try ModelReference(parsing: "all-mpnet-base-v2@6").layers, 6)
        for bad in ["", "@3", "x@0", "x@-1", "x@two", "a@1@2"] {
            XCTAssertThrowsError(try ModelReference(parsing: bad), bad)
        }
    }

    func testMissingModelSaysHowToInstall() throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("models-\(UUID())")
        try FileManager.default.createDirectory(at: root.appendingPathComponent("all-MiniLM-L6-v2"), withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: root) }
        let store = ModelStore(root: root)
        XCTAssertThrowsError(try store.locate(ModelReference(name: "all-MiniLM-L6-v2"))) { error in
            XCTAssertTrue("\(error)".contains("w2s models install"), "\(error)")
        }
        XCTAssertThrowsError(try store.locate(ModelReference(name: "gpt-17"))) { error in
            XCTAssertTrue("\(error)".contains("unknown model"), "\(error)")
        }
    }

    func testVerifyDetectsACorruptFile() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("verify-\(UUID())")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        try Data("not the real weights".utf8).write(to: directory.appendingPathComponent("model.safetensors"))
        try Data("{}".utf8).write(to: directory.appendingPathComponent("tokenizer.json"))
        let installer = ModelInstaller(store: ModelStore(root: directory), log: { _ in })
        XCTAssertThrowsError(try installer.verify(ModelCatalog.entry("all-MiniLM-L6-v2")!, in: directory)) { error in
            XCTAssertTrue("\(error)".contains("corrupt"), "\(error)")
        }
    }

    func testInstalledModelsVerify() throws {
        let store = ModelStore()
        for entry in ModelCatalog.entries {
            _ = try installedModel(entry.name)
            XCTAssertNoThrow(try ModelInstaller(store: store, log: { _ in }).verify(entry, in: store.directory(entry.name)))
        }
    }
}
