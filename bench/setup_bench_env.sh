#!/usr/bin/env bash
# Create .venv-bench with the peer libraries the shift benchmark compares against.
#
# alibi-detect 0.13 pins numpy < 2, so the peers cannot share the service's environment:
# this venv holds numpy 1.26, the CPU torch wheel, alibi-detect (PyTorch backend), pytorch-fid
# and this project (editable). Usage, from the repository root:
#     bash bench/setup_bench_env.sh
#     .venv-bench/bin/python bench/shift_tests.py            # full run (several minutes)
#     .venv-bench/bin/python bench/shift_tests.py --quick    # smaller sizes, fewer repeats
set -euo pipefail
cd "$(dirname "$0")/.."
VENV="${BENCH_VENV:-.venv-bench}"
PY="${PYTHON:-python3.11}"

if [ ! -x "$VENV/bin/python" ]; then
    "$PY" -m venv "$VENV"
fi
PIP=("$VENV/bin/python" -m pip install --disable-pip-version-check -q)
# torch first and pinned: an unpinned torch (asked for by alibi-detect[torch]) pulls a CUDA build
"${PIP[@]}" "torch==2.13.0"
"${PIP[@]}" "numpy<2" "torch==2.13.0" "alibi-detect[torch]==0.13.0"
# pytorch-fid without torchvision: PyPI's torchvision does not load against this torch build,
# and the benchmark needs only calculate_frechet_distance (numpy/scipy); bench/shift_tests.py
# registers a placeholder torchvision module just to import it.
"${PIP[@]}" --no-deps "pytorch-fid==0.3.0"
"${PIP[@]}" "numpy<2" "torch==2.13.0" pillow scipy
"${PIP[@]}" --no-deps -e .
"${PIP[@]}" "numpy<2" "torch==2.13.0" -e .
"$VENV/bin/python" - <<'PY'
import numpy, torch, alibi_detect
print(f"bench venv ready: numpy {numpy.__version__}, torch {torch.__version__}, "
      f"alibi-detect {alibi_detect.__version__}")
PY
