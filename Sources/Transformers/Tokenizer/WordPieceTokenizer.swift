import Foundation

public enum TokenizerError: Error, CustomStringConvertible {
    case unreadable(URL, String)
    case unsupported(URL, String)
    case missingToken(URL, String)

    public var description: String {
        switch self {
        case let .unreadable(url, why):
            return "Cannot read tokenizer \(url.path): \(why). Reinstall with `w2s models install`."
        case let .unsupported(url, what): return "\(url.path): \(what) is not supported (BERT-style WordPiece only)."
        case let .missingToken(url, token): return "\(url.path): special token '\(token)' is not in the vocabulary."
        }
    }
}

/// A WordPiece tokenizer that reproduces Hugging Face `tokenizers` for BERT-family models, read from
/// `tokenizer.json`: added tokens, BERT normalizer, BERT pre-tokenizer, greedy longest-match WordPiece,
/// the model's post-processor (BERT template or RoBERTa-style), longest-first truncation.
public final class WordPieceTokenizer: Sendable {
    struct AddedToken: Sendable {
        let content: String
        let id: Int32
        let normalized: Bool
        let leftStrip: Bool
        let rightStrip: Bool
    }

    enum PostProcessor: Sendable {
        /// [CLS] A [SEP] (B [SEP]) with type ids 0 for A, 1 for B.
        case bert(cls: Int32, sep: Int32)
        /// <s> A </s> (</s> B </s>), type ids all 0.
        case roberta(cls: Int32, sep: Int32)
    }

    let vocabulary: [String: Int32]
    let unknownID: Int32
    let continuationPrefix: String
    let maxCharactersPerWord: Int
    let normalizer: BertNormalizer
    let addedTokens: [AddedToken]
    let postProcessor: PostProcessor
    public let padID: Int32
    public var vocabularySize: Int { vocabulary.count }

    public static func load(modelDirectory: URL) throws -> WordPieceTokenizer {
        try WordPieceTokenizer(tokenizerJSON: modelDirectory.appendingPathComponent("tokenizer.json"))
    }

    public init(tokenizerJSON url: URL) throws {
        let root: [String: Any]
        do {
            guard let object = try JSONSerialization.jsonObject(with: Data(contentsOf: url)) as? [String: Any] else {
                throw TokenizerError.unreadable(url, "not a JSON object")
            }
            root = object
        } catch let error as TokenizerError { throw error } catch {
            throw TokenizerError.unreadable(url, error.localizedDescription)
        }
        guard let model = root["model"] as? [String: Any], model["type"] as? String == "WordPiece",
              let vocab = model["vocab"] as? [String: NSNumber] else {
            throw TokenizerError.unsupported(url, "a model other than WordPiece")
        }
        let vocabulary = vocab.mapValues { Int32($0.intValue) }
        self.vocabulary = vocabulary
        let unk = model["unk_token"] as? String ?? "[UNK]"
        guard let unkID = vocabulary[unk] else { throw TokenizerError.missingToken(url, unk) }
        unknownID = unkID
        continuationPrefix = model["continuing_subword_prefix"] as? String ?? "##"
        maxCharactersPerWord = (model["max_input_chars_per_word"] as? NSNumber)?.intValue ?? 100

        var normalizer = BertNormalizer()
        if let n = root["normalizer"] as? [String: Any] {
            guard n["type"] as? String == "BertNormalizer" else {
                throw TokenizerError.unsupported(url, "normalizer \(n["type"] ?? "?")")
            }
            normalizer.cleanText = n["clean_text"] as? Bool ?? true
            normalizer.handleChineseCharacters = n["handle_chinese_chars"] as? Bool ?? true
            normalizer.lowercase = n["lowercase"] as? Bool ?? true
            normalizer.stripAccents = n["strip_accents"] as? Bool ?? normalizer.lowercase
        }
        self.normalizer = normalizer
        if let pre = root["pre_tokenizer"] as? [String: Any], pre["type"] as? String != "BertPreTokenizer" {
            throw TokenizerError.unsupported(url, "pre-tokenizer \(pre["type"] ?? "?")")
        }

        let addedTokens = ((root["added_tokens"] as? [[String: Any]]) ?? []).compactMap { (t: [String: Any]) -> AddedToken? in
            guard let content = t["content"] as? String, let id = (t["id"] as? NSNumber)?.intValue else { return nil }
            return AddedToken(content: content, id: Int32(id), normalized: t["normalized"] as? Bool ?? false,
                              leftStrip: t["lstrip"] as? Bool ?? false, rightStrip: t["rstrip"] as? Bool ?? false)
        }.sorted { $0.content.unicodeScalars.count > $1.content.unicodeScalars.count }
        self.addedTokens = addedTokens

        let post = root["post_processor"] as? [String: Any] ?? [:]
        func tokenID(_ token: String) throws -> Int32 {
            if let id = vocabulary[token] ?? addedTokens.first(where: { $0.content == token })?.id { return id }
            throw TokenizerError.missingToken(url, token)
        }
        switch post["type"] as? String {
        case "RobertaProcessing":
            guard let cls = post["cls"] as? [Any], let sep = post["sep"] as? [Any],
                  let clsToken = cls.first as? String, let sepToken = sep.first as? String else {
                throw TokenizerError.unsupported(url, "a RobertaProcessing without cls/sep")
            }
            postProcessor = .roberta(cls: try tokenID(clsToken), sep: try tokenID(sepToken))
        case "TemplateProcessing", "BertProcessing", nil:
            postProcessor = .bert(cls: try tokenID("[CLS]"), sep: try tokenID("[SEP]"))
        case let other?:
            throw TokenizerError.unsupported(url, "post-processor \(other)")
        }
        if let padding = root["padding"] as? [String: Any], let pad = (padding["pad_id"] as? NSNumber)?.intValue {
            padID = Int32(pad)
        } else {
            padID = vocabulary["[PAD]"] ?? vocabulary["<pad>"] ?? 0
        }
    }

    // MARK: Encoding

    /// Tokens of one text as WordPiece strings (no special tokens): for inspection.
    public func tokens(_ text: String) -> [String] {
        let inverse = Dictionary(vocabulary.map { ($1, $0) }, uniquingKeysWith: { a, _ in a })
        let added = Dictionary(addedTokens.map { ($0.id, $0.content) }, uniquingKeysWith: { a, _ in a })
        return sequenceIDs(text).map { inverse[$0] ?? added[$0] ?? "?" }
    }

    /// Ids with the model's special tokens; `maxLength` counts them (longest-first for pairs).
    public func encode(_ text: String, pair: String? = nil, maxLength: Int? = nil) -> TokenizedText {
        var first = sequenceIDs(text)
        var second = pair.map(sequenceIDs)
        let specials: Int
        switch postProcessor {
        case .bert: specials = second == nil ? 2 : 3
        case .roberta: specials = second == nil ? 2 : 4
        }
        if let maxLength {
            let target = max(0, maxLength - specials)
            if var b = second {
                Self.truncateLongestFirst(&first, &b, target: target)
                second = b
            } else if first.count > target {
                first.removeLast(first.count - target)
            }
        }
        switch postProcessor {
        case let .bert(cls, sep):
            var ids = [cls] + first + [sep]
            var types = [Int32](repeating: 0, count: ids.count)
            if let second {
                ids += second + [sep]
                types += [Int32](repeating: 1, count: second.count + 1)
            }
            return TokenizedText(ids: ids, typeIds: types)
        case let .roberta(cls, sep):
            var ids = [cls] + first + [sep]
            if let second { ids += [sep] + second + [sep] }
            return TokenizedText(ids: ids, typeIds: [Int32](repeating: 0, count: ids.count))
        }
    }

    /// Pads a batch with this tokenizer's pad id.
    public func batch(_ items: [TokenizedText], padTo fixedLength: Int? = nil) -> TokenBatch {
        TokenBatch(items, padID: padID, fixedLength: fixedLength)
    }

    /// `tokenizers`' longest-first rule: if one side fits in half the budget it is kept whole and the
    /// other gets the rest; otherwise the first gets ⌊target/2⌋ (the second the rest) when the second
    /// is at least as long, and the reverse when the first is longer.
    static func truncateLongestFirst(_ a: inout [Int32], _ b: inout [Int32], target: Int) {
        guard a.count + b.count > target else { return }
        let half = target / 2
        var keepA: Int, keepB: Int
        if a.count <= half { keepA = a.count; keepB = target - a.count }
        else if b.count <= half { keepB = b.count; keepA = target - b.count }
        else if a.count > b.count { keepA = target - half; keepB = half }
        else { keepA = half; keepB = target - half }
        keepA = min(keepA, a.count); keepB = min(keepB, b.count)
        a.removeLast(a.count - keepA); b.removeLast(b.count - keepB)
    }

    /// Ids of one sequence: added tokens split out first, the rest normalized, pre-tokenized, WordPieced.
    func sequenceIDs(_ text: String) -> [Int32] {
        var ids: [Int32] = []
        for segment in splitOnAddedTokens(text, normalizedPass: false) {
            switch segment {
            case let .token(id): ids.append(id)
            case let .text(raw):
                let normalized = normalizer.normalize(raw)
                for inner in splitOnAddedTokens(normalized, normalizedPass: true) {
                    switch inner {
                    case let .token(id): ids.append(id)
                    case let .text(piece): for word in preTokenize(piece) { wordPiece(word, into: &ids) }
                    }
                }
            }
        }
        return ids
    }

    enum Segment { case text(String), token(Int32) }

    /// Splits out literal occurrences of added tokens (longest first), honouring lstrip/rstrip.
    func splitOnAddedTokens(_ text: String, normalizedPass: Bool) -> [Segment] {
        let candidates = addedTokens.filter { $0.normalized == normalizedPass }
        guard !candidates.isEmpty else { return [.text(text)] }
        let scalars = Array(text.unicodeScalars)
        let patterns = candidates.map { Array($0.content.unicodeScalars) }
        var segments: [Segment] = []
        var pending = String.UnicodeScalarView()
        var i = 0
        func flush(_ stripTrailingWhitespace: Bool) {
            if stripTrailingWhitespace {
                while let last = pending.last, CharacterClasses.isWhitespace(last) { pending.removeLast() }
            }
            if !pending.isEmpty { segments.append(.text(String(pending))) }
            pending = String.UnicodeScalarView()
        }
        outer: while i < scalars.count {
            for (k, pattern) in patterns.enumerated() where pattern.first == scalars[i] {
                if i + pattern.count <= scalars.count && Array(scalars[i..<(i + pattern.count)]) == pattern {
                    flush(candidates[k].leftStrip)
                    segments.append(.token(candidates[k].id))
                    i += pattern.count
                    if candidates[k].rightStrip {
                        while i < scalars.count && CharacterClasses.isWhitespace(scalars[i]) { i += 1 }
                    }
                    continue outer
                }
            }
            pending.append(scalars[i])
            i += 1
        }
        flush(false)
        return segments
    }

    /// BERT pre-tokenization: split on whitespace; every punctuation character is its own word.
    func preTokenize(_ text: String) -> [String] {
        var words: [String] = []
        var current = String.UnicodeScalarView()
        for s in text.unicodeScalars {
            if CharacterClasses.isWhitespace(s) {
                if !current.isEmpty { words.append(String(current)); current = String.UnicodeScalarView() }
            } else if CharacterClasses.isPunctuation(s) {
                if !current.isEmpty { words.append(String(current)); current = String.UnicodeScalarView() }
                words.append(String(s))
            } else {
                current.append(s)
            }
        }
        if !current.isEmpty { words.append(String(current)) }
        return words
    }

    /// Greedy longest-match-first WordPiece; a word with any unmatched piece becomes [UNK].
    func wordPiece(_ word: String, into ids: inout [Int32]) {
        let scalars = Array(word.unicodeScalars)
        if scalars.count > maxCharactersPerWord { ids.append(unknownID); return }
        var pieces: [Int32] = []
        var start = 0
        while start < scalars.count {
            var end = scalars.count
            var found: Int32?
            while start < end {
                var piece = String(String.UnicodeScalarView(scalars[start..<end]))
                if start > 0 { piece = continuationPrefix + piece }
                if let id = vocabulary[piece] { found = id; break }
                end -= 1
            }
            guard let id = found else { ids.append(unknownID); return }
            pieces.append(id)
            start = end
        }
        ids.append(contentsOf: pieces)
    }
}
