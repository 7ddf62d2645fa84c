"""Ranking zoo: targets × candidate extractors with measured transfer accuracy (issue 16).

    python -m bench.rank_zoo build [--out ../rank-zoo] [--only images,texts,<target>] [--no-fine-tune]
    python -m bench.rank_zoo summary [--out ../rank-zoo]

Each target is one classification task at one labeled-examples count; each candidate is an
extractor of the target's modality (images: the bundled digits CNN, small CNNs trained here on
other source sets, open_nsfw's ResNet-50 pooled layer, a random-init CNN; texts: MiniLM fp32 and
int8 as the service builds them, MiniLM cut to 2 and 0 layers, MiniLM from random init, a
random projection of hashed character n-grams). For every (target, candidate) pair the
accuracy is measured by the scenario factory's protocol (`bench.factory.truth.measure`: 5 seeds,
class-balanced labeled subsets, a fixed held-out test split; scratch learners run once per
target), fine-tuning where the candidate is a small CNN of ours.

Layout (`zoo.py`): OUT/zoo.json lists the targets; OUT/<target>/target.json describes the target
and its candidates' accuracies, with the target's labels, raw inputs (target_inputs.npz or
.jsonl, rows in target order) and the scratch features the service would derive from those raw
inputs (labeled rows); OUT/<target>/<candidate>/ is a scenario folder in the factory's format
(meta.json, truth.json, source_embeddings.npy, source_labels.npy, target_embeddings.npy,
target_labels.npy). Intermediate arrays, trained networks and built encoders are cached in
OUT/.cache. Deterministic seeds; torch, onnxruntime and BLAS single-threaded; run under nice.
Generated data is not committed. `bench/rank_quality.py --zoo OUT` ranks the candidates.
Built 2026-12 in 26 min wall (2 cores shared with other jobs at load 9-14, nice 15, one
thread); 100 MB of zoo folders + 635 MB of cache (344 MB of it the five ONNX text encoders).
"""

import os

# One BLAS thread (set before numpy loads), as bench.factory does.
for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS", "RAYON_NUM_THREADS"):
    os.environ.setdefault(_var, "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
