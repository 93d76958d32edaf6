"""Reference sentence embeddings from upstream sentence-transformers, for the Swift encoders' parity tests.

Run once, in a throwaway virtual environment (never in CI); torch comes from the local CPU wheel:
    python3 -m venv /tmp/venv-ref && /tmp/venv-ref/bin/pip install torch==2.13.0 sentence-transformers
    HF_HUB_OFFLINE=1 /tmp/venv-ref/bin/python scripts/reference/embedding_fixtures.py
Writes Tests/TransformersTests/Fixtures/embeddings_<model>.json.
"""
import json, os
import torch
from sentence_transformers import SentenceTransformer

MODELS = os.environ.get("W2S_MODELS", os.path.expanduser("~/.cache/w2s/models"))
OUT = os.path.join(os.path.dirname(__file__), "..", "..", "Tests", "TransformersTests", "Fixtures")

SENTENCES = [
    "The quick brown fox jumps over the lazy dog.",
    "A man is playing a guitar on stage.",
    "Weak-to-strong generalization asks whether a strong student can exceed its weak supervisor.",
    "Is the Eiffel Tower taller than the Statue of Liberty?",
    "I absolutely loved this movie; the acting was superb!",
    "This was the worst meal I have ever had. Never again.",
    "Photosynthesis converts light energy into chemical energy stored in glucose.",
    "naïve café résumé — Crème brûlée à la mode.",
    "中文句子测试，你好世界。",
    "日本語の文章です。",
    "Emoji are fun 😀🎉👍🏽",
    "Numbers: 3.14159, 1,000,000 and -42.",
    "short",
    "",
    "Q: Which gas do plants absorb? A: carbon dioxide",
    "The premise entails the hypothesis when the hypothesis must be true if the premise is.",
    "UPPERCASE TEXT SHOULD BE LOWERCASED BY THE TOKENIZER",
    "https://example.com/some/path?query=1 and an e-mail@example.org",
    "He said, \"Don't stop believing,\" and left.",
    "Tabs\tand\nnewlines\r\nare whitespace.",
    # Longer than either model's max_seq_length, to exercise truncation.
    " ".join(["The committee reviewed every proposal in detail before deciding."] * 60),
    " ".join(["Long passages of reading comprehension datasets exceed the window."] * 45),
    "Social IQa asks about people's motivations and reactions in everyday situations.",
    "The student model was finetuned on soft labels produced by the supervisor.",
]


def main():
    torch.set_num_threads(2)
    for name in ["all-MiniLM-L6-v2", "all-mpnet-base-v2"]:
        model = SentenceTransformer(os.path.join(MODELS, name), device="cpu")
        tokenizer = model.tokenizer
        features = tokenizer(SENTENCES, padding=True, truncation=True, max_length=model.max_seq_length,
                             return_tensors="pt")
        with torch.no_grad():
            token_embeddings = model[0].auto_model(input_ids=features["input_ids"],
                                                   attention_mask=features["attention_mask"]).last_hidden_state
        mask = features["attention_mask"].unsqueeze(-1).float()
        pooled = (token_embeddings * mask).sum(1) / mask.sum(1).clamp(min=1e-9)
        final = model.encode(SENTENCES, convert_to_numpy=True, batch_size=8)
        ids = [[int(i) for i, m in zip(row, mrow) if m] for row, mrow in zip(features["input_ids"], features["attention_mask"])]
        data = {
            "model": name,
            "max_seq_length": model.max_seq_length,
            "modules": [type(m).__name__ for m in model],
            "sentences": SENTENCES,
            "ids": ids,
            "mean_pooled": [[float(f"{v:.7g}") for v in row] for row in pooled.tolist()],
            "sentence_embedding": [[float(f"{v:.7g}") for v in row] for row in final.tolist()],
        }
        with open(os.path.join(OUT, f"embeddings_{name}.json"), "w") as f:
            json.dump(data, f)
        print(name, model.max_seq_length, data["modules"])


if __name__ == "__main__":
    main()
