"""Scenario factory: transfer scenarios with measured ground truth, beyond the shared dev set.

    python -m bench.factory build --out ../scenario-factory [--families speech,tabular] [--jobs 1]
    python -m bench.factory summary --out ../scenario-factory     # counts per family and truth class
    python -m bench.factory check --out ../scenario-factory       # format checks

Writes the `contract/scenarios.md` format (writer.py) plus the raw target items
(`target_inputs.npz` / `target_inputs.jsonl`, named by meta.raw_inputs), `scratch_features.npy`
for array inputs, `extractor.onnx` where the source network is ours (float32 input, output
`features`), and `seed_labeled.npz`: every seed's labeled subset, so a bench can pose the task
once per seed beside that seed's accuracies (truth.details.per_seed, named by details.methods).
Truth is measured by one protocol for every family (truth.py: 5 seeds, class-balanced labeled
subsets, a fixed held-out test split; scratch = better of a linear model on the raw inputs
and a small network from random init; feature extraction = logistic regression on frozen
features; fine-tune = the source network end to end with a fresh head). `bench/scenarios.py`
loads a built directory placed as `<shared>/benchmarks/transfer-scenarios/<split>/`.

Builder groups (`--families` takes a group or a family label; module docstrings say more):
- speech (speech.py): espeak-ng words -> speech CNN; new voices, new words, noise, speaker id;
- signals (signals.py): synthetic 1-D series -> 1-D CNN; new shapes, ECG rhythm, frequency band,
  burst position, sensor shift, accelerometer activity, bearing faults, AR regimes;
- tabular (tabular.py): latent-factor columns or sklearn digits -> MLP; mild shift, relabelled
  latent, new generator, unrelated, new digit classes;
- natimg (natimg.py): open_nsfw ResNet-50 pooled features; photo patches, shapes, faces, 8x8 digits;
- textenc (textenc.py): all-MiniLM-L6-v2; unseen nouns/adjectives, number parity, base64 character
  class, byte encodings;
- crossmodal (crossmodal.py): speech CNN on digits, ResNet on spectrograms and signal plots,
  MiniLM on table rows as text.
Fine-tune is measured wherever the source network is ours (speech, signals, tabular, speech CNN
on digits); not for the ResNet-50 and MiniLM sources (too slow on 2 CPU cores; truth.how says so).

Needs the `factory` extra (torch first so pip never picks a CUDA build):
`pip install torch==2.13.0 && pip install -e '.[factory]'`, and Debian's espeak-ng for speech.
Data only from packages or synthesised; no model weights from a hub. Generated folders are not
committed: the script rebuilds them (intermediate arrays and source networks are cached in
OUT/.cache; finished folders are skipped unless --force). Deterministic seeds; torch and BLAS run
single-threaded. Run it under `nice`.
Built 2026-12: 139 scenarios in 26 families (transfer helps 65, negative transfer 59, within the
margin 15; fine-tune measured in 70, best in 9). Wall time ~100 min in all on 2 CPU cores shared
with other jobs at load 10-13 (2-4 builders at nice 15): speech ~29 min, natimg ~26, textenc ~14,
signals ~12, crossmodal ~12, tabular ~5 (per family in each module). Four time-series families
added later (issue 15): 159 scenarios in 30 families (helps 80, negative 62, within 17;
fine-tune measured in 90, best in 20); the four took 80 s on an idle machine. An idle machine with
--jobs 2 should need far less (CPU time was about a fifth of wall time; not measured alone).
"""

import os

# One BLAS thread: spinning BLAS threads on shared cores made builds ~50x slower. Set before
# numpy is imported by any builder.
for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")

# builder group (module) -> prefix of its family labels
GROUPS = {
    "speech": "speech-",
    "signals": "signal-",
    "tabular": "tabular-",
    "natimg": "natimg-",
    "textenc": "text-",
    "crossmodal": "cross-",
}
