"""Reference token ids from Hugging Face `tokenizers`, for the Swift tokenizer's parity tests.

Run once, in a throwaway virtual environment (never in CI):
    python3 -m venv /tmp/venv-ref && /tmp/venv-ref/bin/pip install tokenizers
    /tmp/venv-ref/bin/python scripts/reference/tokenizer_fixtures.py
Writes Tests/TransformersTests/Fixtures/tokenizer_<model>.json.
"""
import glob, json, os, random
from tokenizers import Tokenizer

MODELS = os.environ.get("W2S_MODELS", os.path.expanduser("~/.cache/w2s/models"))
DATA = os.path.join(os.path.dirname(__file__), "..", "..", "..", "shared", "datasets")
OUT = os.path.join(os.path.dirname(__file__), "..", "..", "Tests", "TransformersTests", "Fixtures")

HANDWRITTEN = [
    "", " ", "   \t\n  ", "Hello, world!", "The quick brown fox jumps over the lazy dog.",
    "naïve café résumé façade coöperate", "Ångström Æsir Øresund straße", "ÀÉÎÕÜ àéîõü ñÑ çÇ",
    "Crème brûlée à la mode", "Dvořák Łódź Kraków Ærøskøbing", "İstanbul ıi ŞşĞğ", "Ελληνικά κείμενα ΆΈΉ",
    "Русский текст, Ёлка!", "עברית שלום", "العربية مرحبا بالعالم", "हिन्दी नमस्ते", "ภาษาไทย สวัสดี",
    "中文字符测试，你好世界。", "日本語のテキスト、カタカナとひらがな。", "한국어 텍스트 안녕하세요", "混合 mixed 文本 text",
    "emoji 😀 🎉 👍🏽 👨‍👩‍👧‍👦 ❤️ 🇫🇷", "☃ ★ ♠ ♣ ♥ ♦ ✓ ✗ ∑ ∫ √ ∞ ≠ ≤ ≥", "½ ¼ ¾ ² ³ ﬁ ﬂ ℃ ™ © ®",
    "𝐀𝐁𝐂 𝒜 𝔄 𝕬", "Ｆｕｌｌｗｉｄｔｈ ＡＢＣ １２３", "tab\tseparated\tvalues", "line\nbreaks\r\nand\rreturns",
    "control\u0001chars\u0007here\u001b[0m", "zero\u200bwidth\u200djoiner\u200cnon\ufeffbom", "soft\u00adhyphen",
    "nbsp\u00a0and\u2003em\u2009thin\u3000ideographic", "replacement \ufffd char", "null\u0000byte",
    "vertical\u000btab\u000cform\u0085next", "private \ue000 use", "combining e\u0301 a\u0308 n\u0303",
    "12345 3.14159 -2.5e10 1,000,000 0x1F 007", "$100.00 €50 £30 ¥1000 ₹500", "50% off!!! ??? ...",
    "e-mail: someone@example.com", "https://www.example.com/path?query=1&other=2#frag",
    "C:\\Windows\\System32 /usr/local/bin", "def f(x): return x**2 + 1  # comment", "a+b=c; d*e/f; g^h|i~j`k",
    "\"quoted\" 'single' «guillemets» „German“ “curly” ‘apostrophes’", "it's don't won't y'all rock'n'roll",
    "hyphen-ated well-known state-of-the-art", "under_score snake_case CamelCase", "[brackets] {braces} (parens) <angles>",
    "...", "—em dash– en dash ‒ figure dash", "¿Qué? ¡Sí!", "word" * 30, "a" * 99, "b" * 100, "c" * 101,
    "antidisestablishmentarianism pneumonoultramicroscopicsilicovolcanoconiosis",
    "supercalifragilisticexpialidocious " * 3, "UPPERCASE lowercase MiXeD", "ALLCAPS SENTENCE WITH NUMBERS 123",
    "[CLS] [SEP] [MASK] [PAD] [UNK]", "x [CLS]y[SEP] z", "<s> </s> <pad> <unk> <mask>", "hi <mask> there",
    "before<mask>after", "lower [cls] [sep]", "<S> </S> <MASK>", "##hash ##tags #hashtag @mention",
    "a.b.c d,e,f g;h:i", "   leading and trailing   ", "multiple     spaces    between", "ALL\tKINDS\nOF  WHITE\u2028SPACE",
    "Unknown glyph: ⛰ 🜁 𓀀", "Math: ∀x∈ℝ, ∃y: x<y", "Arrows → ← ↑ ↓ ⇒", "Currency ₿ ₽ ₩ ₪",
    "ßtraße STRASSE", "Ǆ ǅ ǆ ǈ", "ﬀ ﬃ ﬄ", "K Å Ω (compat)", "I\u0307 dotted", "Σίσυφος ΣΊΣΥΦΟΣ",
]

PAIRS = [
    ("What is the capital of France?", "Paris is the capital and largest city of France."),
    ("A man is playing a guitar.", "Someone plays music."),
    ("", "empty first"), ("empty second", ""), ("naïve question?", "Résumé answer!"),
    ("中文问题", "日本語の答え"), ("emoji 😀", "more 🎉 emoji"), ("[CLS] inside", "<mask> inside"),
]


def dataset_sentences(n):
    rng = random.Random(0)
    texts = []
    for path in sorted(glob.glob(os.path.join(DATA, "*", "*"))):
        if os.path.basename(path) == "MANIFEST.txt" or os.path.getsize(path) > 6_000_000:
            continue
        try:
            with open(path, encoding="utf-8") as f:
                lines = [l.strip() for l in f.readlines()[:400] if 20 < len(l.strip()) < 600]
        except (UnicodeDecodeError, IsADirectoryError):
            continue
        rng.shuffle(lines)
        texts += lines[:8]
    rng.shuffle(texts)
    return texts[:n]


def main():
    sentences = dataset_sentences(140)
    for model in ["all-MiniLM-L6-v2", "all-mpnet-base-v2"]:
        tok = Tokenizer.from_file(os.path.join(MODELS, model, "tokenizer.json"))
        tok.no_padding()
        cases = []

        def add(text, pair=None, max_length=None):
            if max_length is None:
                tok.no_truncation()
            else:
                tok.enable_truncation(max_length, strategy="longest_first")
            e = tok.encode(text, pair) if pair is not None else tok.encode(text)
            cases.append({"text": text, "pair": pair, "max_length": max_length, "ids": e.ids, "type_ids": e.type_ids})

        for t in HANDWRITTEN + sentences:
            add(t)
        for a, b in PAIRS:
            add(a, b)
        long_a = " ".join(sentences[:3])
        long_b = " ".join(sentences[3:5])
        for m in [5, 8, 13, 16, 31, 64]:
            add(long_a, max_length=m)
            add(long_a, long_b, max_length=m)
            add(long_b, long_a, max_length=m)
            add("short one", long_a, max_length=m)
            add(long_a, "short two", max_length=m)
        with open(os.path.join(OUT, f"tokenizer_{model}.json"), "w", encoding="utf-8") as f:
            json.dump({"model": model, "cases": cases}, f, ensure_ascii=False, indent=0)
        print(model, len(cases), "cases")


if __name__ == "__main__":
    main()
