"""PyTorch reference for `w2s bench`: the same measurement (batch 32 × 128 random token ids, full attention
mask, median of 3 timed repetitions after one warm-up; forward = no-grad forward of the encoder, forward+backward
= forward with autograd + backward of the mean of the last hidden state through every weight), 2 threads.

Run in a throwaway virtual environment, never in CI:
    python3 -m venv /tmp/venv-ref && /tmp/venv-ref/bin/pip install torch transformers --index-url ...
    /tmp/venv-ref/bin/python scripts/reference/bench_pytorch.py [--forward-only]
Reads the models that `w2s models install` placed in $W2S_MODELS (default ~/.cache/w2s/models).
"""
import os, resource, sys, time, statistics

import torch
from transformers import AutoModel

torch.set_num_threads(int(os.environ.get("THREADS", "2")))
root = os.environ.get("W2S_MODELS", os.path.expanduser("~/.cache/w2s/models"))
batch, length, repeats = 32, 128, 3
forward_only = "--forward-only" in sys.argv
names = [a for a in sys.argv[1:] if not a.startswith("--")] or ["all-MiniLM-L6-v2", "all-mpnet-base-v2"]

print(f"torch {torch.__version__}, {torch.get_num_threads()} threads")
for name in names:
    model = AutoModel.from_pretrained(os.path.join(root, name)).eval()
    g = torch.Generator().manual_seed(0)
    ids = torch.randint(5, model.config.vocab_size, (batch, length), generator=g)
    mask = torch.ones_like(ids)

    def median(body):
        body()
        times = []
        for _ in range(repeats):
            start = time.perf_counter(); body(); times.append(time.perf_counter() - start)
        return statistics.median(times)

    def forward():
        with torch.no_grad():
            model(input_ids=ids, attention_mask=mask)

    def train_step():
        model.zero_grad(set_to_none=True)
        model(input_ids=ids, attention_mask=mask).last_hidden_state.mean().backward()

    line = f"{name}  batch {batch} × {length}: forward {batch * length / median(forward):.0f} tokens/s"
    if not forward_only:
        line += f", forward+backward {batch * length / median(train_step):.0f} tokens/s"
    line += f", peak RSS {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MiB"
    print(line, flush=True)
