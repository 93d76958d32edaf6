import XCTest
import Foundation
import Datasets

/// Converted pools and default splits of every registered dataset, pinned by digest: a refactor of a
/// converter or reader must not change an example (id, group, text, pair, label) or a split.
final class SnapshotTests: XCTestCase {
    /// name → (digest of both pools, digest of the default splits with seed 0). Regenerate only for a
    /// deliberate change of a conversion, and say so in the commit: every cached run of it goes stale.
    static let expected: [String: (pools: String, splits: String)] = [
        "sst2": ("3e9b09d48ab7ef9a", "f19b90afd9f49f30"),
        "cola": ("f2f14bbe3ace7c65", "423cc1ac8c007b8e"),
        "twitter_sentiment": ("9105b1910575c2ee", "f968131e165d9899"),
        "ag_news": ("f6b688e551405166", "4b3a573932f3c7cf"),
        "boolq": ("87ee0bed07daac00", "33088939b8911a50"),
        "multirc": ("6ec4551be124c561", "e9ca14f96e64815b"),
        "mc_taco": ("b2dc4e18270620a0", "a23e722d76c81ec4"),
        "sciq": ("5f5ad302e1f2520e", "64dafba5d0e6b21d"),
        "cosmos_qa": ("af7f607455ddbcec", "1c029c84bfc44d79"),
        "piqa": ("df3e1cd4a92e6cbd", "359a611c8a9d52b1"),
        "social_i_qa": ("b2f55600fac4fea8", "c7d94d1de7560eea"),
        "dream": ("56daa4bd213c74dd", "24f32c6b81929a51"),
        "quail": ("c5dc9e471f9516c8", "dbfb25245aeb6836"),
        "anli": ("3cde03d06c9b5a0c", "618161553644df67"),
        "wic": ("a597cc4b7d5c8f63", "e65cc6ac08d0f388"),
        "ethics_commonsense": ("f7fc705c0edc2a62", "c477045642d85226"),
        "ethics_justice": ("3a4abd6736774184", "d0e24d6eb3b22ae4"),
        "ethics_deontology": ("ea312ae2d8d1ed60", "162d63739a9f60f9"),
        "ethics_virtue": ("8036aab4485557d2", "2adb76cb60290dd1"),
        "multirc_qfirst": ("5a08274e5b53f313", "1080d4c6bb90c1e9"),
        "sciq_qfirst": ("985e972029dabc78", "e1fc2f0131a2853d"),
        "cosmos_qa_qfirst": ("fbebd6e7add7544d", "9a467fc882cbe27a"),
        "dream_qfirst": ("62368812192bfff4", "2fafc4ca2c4d5ce3"),
        "quail_qfirst": ("2d4e85338cb98b44", "65204d605ffcb7fb"),
    ]

    func testPoolsAndSplitsUnchanged() throws {
        let directory = try XCTUnwrap(try? DataDirectory.resolve(nil), "../shared/datasets not found")
        var lines: [String] = []
        for name in DatasetRegistry.standard.names() where DatasetRegistry.standard.isPresent(name, dataDirectory: directory) {
            let pools = try DatasetRegistry.standard.pools(name, dataDirectory: directory)
            var poolDigest = Digest()
            for e in (pools.train ?? []) + [Example(id: "|", groupID: "", text: "", pairText: nil, label: 0)] + pools.evaluation {
                poolDigest.add(e)
            }
            let splits = DatasetRegistry.split(dataset: name, pools: pools, sizes: .cpuDefault, seed: 0)
            var splitDigest = Digest()
            for (split, examples) in splits.all {
                splitDigest.add(split.rawValue)
                for e in examples { splitDigest.add(e.id) }
            }
            lines.append("\"\(name)\": (\"\(poolDigest.hex)\", \"\(splitDigest.hex)\"),")
            if let want = Self.expected[name] {
                XCTAssertEqual(poolDigest.hex, want.pools, "\(name): converted examples changed")
                XCTAssertEqual(splitDigest.hex, want.splits, "\(name): splits changed")
            } else {
                XCTFail("\(name): no pinned digest")
            }
        }
        if Self.expected.isEmpty || lines.count != Self.expected.count { print(lines.joined(separator: "\n")) }
        XCTAssertEqual(lines.count, Self.expected.count, "every pinned dataset is present and converted")
    }
}

/// FNV-1a, 64 bits, over length-prefixed UTF-8 strings.
struct Digest {
    var state: UInt64 = 0xcbf2_9ce4_8422_2325

    mutating func add(_ string: String) {
        let bytes = Array(string.utf8)
        for b in withUnsafeBytes(of: UInt64(bytes.count).littleEndian, Array.init) + bytes {
            state = (state ^ UInt64(b)) &* 0x100_0000_01b3
        }
    }

    mutating func add(_ e: Example) {
        add(e.id); add(e.groupID); add(e.text); add(e.pairText ?? "\u{0}nil"); add(String(e.label))
    }

    var hex: String { String(state, radix: 16) }
}
