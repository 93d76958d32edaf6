import Foundation

/// The BERT normalizer of Hugging Face `tokenizers`: drop control characters, map whitespace to
/// spaces, space out CJK ideographs, strip accents (NFD, then drop non-spacing marks), lowercase.
struct BertNormalizer: Sendable {
    var cleanText = true
    var handleChineseCharacters = true
    var stripAccents = true
    var lowercase = true

    func normalize(_ text: String) -> String {
        var scalars = String.UnicodeScalarView()
        for s in text.unicodeScalars {
            if cleanText {
                if s.value == 0 || s.value == 0xFFFD || CharacterClasses.isControl(s) { continue }
                if CharacterClasses.isWhitespace(s) { scalars.append(" "); continue }
            }
            if handleChineseCharacters && CharacterClasses.isChineseCharacter(s) {
                scalars.append(" "); scalars.append(s); scalars.append(" ")
            } else {
                scalars.append(s)
            }
        }
        var result = String(scalars)
        if stripAccents {
            var kept = String.UnicodeScalarView()
            for s in result.decomposedStringWithCanonicalMapping.unicodeScalars
            where s.properties.generalCategory != .nonspacingMark { kept.append(s) }
            result = String(kept)
        }
        if lowercase {
            var lowered = String.UnicodeScalarView()
            for s in result.unicodeScalars {
                if s.isASCII { lowered.append(Unicode.Scalar(UInt8(ascii: s) | (s.properties.isUppercase ? 0x20 : 0))) }
                else { lowered.append(contentsOf: s.properties.lowercaseMapping.unicodeScalars) }
            }
            result = String(lowered)
        }
        return result
    }
}

/// Character classes exactly as `tokenizers` defines them for BERT (Rust `char` semantics).
enum CharacterClasses {
    /// Rust's `char::is_whitespace` (the Unicode White_Space property), plus tab, newline, return.
    static func isWhitespace(_ s: Unicode.Scalar) -> Bool {
        s.properties.isWhitespace
    }

    /// Any "Other" category (Cc, Cf, Cn, Co, Cs) except tab, newline and carriage return.
    static func isControl(_ s: Unicode.Scalar) -> Bool {
        if s == "\t" || s == "\n" || s == "\r" { return false }
        switch s.properties.generalCategory {
        case .control, .format, .unassigned, .privateUse, .surrogate: return true
        default: return false
        }
    }

    /// ASCII punctuation (which includes symbols like $, +, <, ^, `, |, ~) or any Unicode P* category.
    static func isPunctuation(_ s: Unicode.Scalar) -> Bool {
        let v = s.value
        if (33...47).contains(v) || (58...64).contains(v) || (91...96).contains(v) || (123...126).contains(v) {
            return true
        }
        switch s.properties.generalCategory {
        case .connectorPunctuation, .dashPunctuation, .openPunctuation, .closePunctuation,
             .initialPunctuation, .finalPunctuation, .otherPunctuation: return true
        default: return false
        }
    }

    /// The CJK Unified Ideograph blocks BERT treats as single-character words.
    static func isChineseCharacter(_ s: Unicode.Scalar) -> Bool {
        switch s.value {
        case 0x4E00...0x9FFF, 0x3400...0x4DBF, 0x20000...0x2A6DF, 0x2A700...0x2B73F, 0x2B740...0x2B81F,
             0x2B820...0x2CEAF, 0xF900...0xFAFF, 0x2F800...0x2FA1F: return true
        default: return false
        }
    }
}
