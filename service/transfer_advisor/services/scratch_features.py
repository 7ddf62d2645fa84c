"""Scratch features derived from raw target inputs: what a plain model trained from scratch sees.

Evidence for "is the task simple enough to train from scratch?" (`scratch_probe_accuracy`) when
the client sends raw `inputs` but no `target.scratch_features`. Only the labeled rows are derived
(the probe reads no others); numpy only, deterministic.

- Images → pixels scaled to [0, 1] (uint8 ÷ 255; float32 min–max over the derived images, an
  affine map the probe is invariant to), flattened. Images over `MAX_PIXEL_VALUES` values are
  block-averaged: f × f pixel blocks (edge blocks average the pixels they hold), f the smallest
  factor with ⌈h/f⌉·⌈w/f⌉·c ≤ 1,024 — 28×28×1 → 784 values as is, 224×224×3 → 13×13 blocks,
  18×18×3 = 972 values. Over 1,024 channels are averaged in groups first.
- Texts → character 1–4-gram TF-IDF hashed into 2^12 columns: each n-gram's code points hashed
  with 64-bit FNV-1a seeded by n, then MurmurHash3's finaliser (vectorised: zlib.crc32 per
  n-gram takes ~17 s on 5 M characters; stable across runs and machines, unlike Python's
  `hash`), column = the top 12 bits; tf = 1 + ln(count) per column, idf = ln((1 + N) / (1 + df))
  + 1 over all N target texts (scikit-learn's smooth idf), rows L2-normalised (an empty text is
  a zero row). Case is kept: it can be the task.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import NDArray

from ..schemas.assess import DatasetSpec

Rows = NDArray[np.float64]

MAX_PIXEL_VALUES = 1024
TFIDF_BITS = 12
NGRAM_SIZES = (1, 2, 3, 4)
_FNV_OFFSET = np.uint64(0xCBF29CE484222325)
_FNV_PRIME = np.uint64(0x100000001B3)
_CHUNK_VALUES = 1_000_000  # pixels or characters per batch: float64 temporaries stay ~50 MB


@dataclass(frozen=True)
class ScratchFeatures:
    """Rows (one per labeled target row) and where they came from."""

    rows: Rows
    origin: str  # "pixels" | "char-ngram-tfidf"


def derive_scratch_features(spec: DatasetSpec, raw: Sequence[str] | NDArray[Any] | None,
                            max_cells: int) -> ScratchFeatures | None:
    """Scratch features of the target's labeled items, or None when the client sent its own,
    nothing is labeled, or rows × columns would exceed `max_cells`.

    `raw` is the target's decoded raw items (texts, or images [n, h, w, c] already checked
    finite by the extractor path).
    """
    n_rows = len(spec.labels or ())
    if spec.scratch_features is not None or raw is None or n_rows == 0:
        return None
    if isinstance(raw, np.ndarray):
        width = int(np.prod(_pooled_shape(raw.shape[1:])))
        if n_rows * width > max_cells:
            return None
        return ScratchFeatures(pixel_features(raw[:n_rows]), "pixels")
    if n_rows << TFIDF_BITS > max_cells:
        return None
    return ScratchFeatures(char_ngram_tfidf(raw, n_rows), "char-ngram-tfidf")


def pixel_features(images: NDArray[Any], max_values: int = MAX_PIXEL_VALUES) -> Rows:
    """Images (n, h, w, c) or (n, h, w) → (n, ≤ max_values) pixels in [0, 1], block-averaged.

    >>> pixel_features(np.full((2, 64, 64, 1), 255, dtype=np.uint8)).shape
    (2, 1024)
    >>> pixel_features(np.zeros((1, 28, 28, 1), dtype=np.uint8)).shape
    (1, 784)
    """
    x = images[..., None] if images.ndim == 3 else images
    if x.dtype == np.uint8:
        offset, scale = 0.0, 255.0
    else:
        low, high = float(x.min()), float(x.max())
        offset, scale = low, (high - low) or 1.0
    h, w, c = x.shape[1:]
    f, g = _block_factors(h, w, c, max_values)
    per_chunk = max(1, _CHUNK_VALUES // (h * w * c))
    out = []
    for start in range(0, x.shape[0], per_chunk):
        block = (x[start:start + per_chunk].astype(np.float64) - offset) / scale
        for axis, factor in ((1, f), (2, f), (3, g)):
            block = _block_mean(block, axis, factor)
        out.append(block.reshape(block.shape[0], -1))
    return np.concatenate(out)


def _block_factors(h: int, w: int, c: int, max_values: int) -> tuple[int, int]:
    """Spatial block side f and channel group g so that ⌈h/f⌉·⌈w/f⌉·⌈c/g⌉ ≤ max_values."""
    g = -(-c // max_values)
    channels = -(-c // g)
    f = 1
    while -(-h // f) * -(-w // f) * channels > max_values:
        f += 1
    return f, g


def _pooled_shape(shape: Sequence[int], max_values: int = MAX_PIXEL_VALUES) -> tuple[int, ...]:
    h, w, c = (*shape, 1) if len(shape) == 2 else shape
    f, g = _block_factors(h, w, c, max_values)
    return -(-h // f), -(-w // f), -(-c // g)


def _block_mean(x: Rows, axis: int, factor: int) -> Rows:
    if factor == 1:
        return x
    size = x.shape[axis]
    starts = np.arange(0, size, factor)
    counts = np.diff(np.append(starts, size)).astype(np.float64)
    shape = [1] * x.ndim
    shape[axis] = len(starts)
    means: Rows = np.add.reduceat(x, starts, axis=axis) / counts.reshape(shape)
    return means


def char_ngram_tfidf(texts: Sequence[str], n_rows: int | None = None,
                     bits: int = TFIDF_BITS) -> Rows:
    """Hashed character 1–4-gram TF-IDF (n_rows, 2^bits) of the first `n_rows` texts; idf from all.

    >>> x = char_ngram_tfidf(["abc", "abd", ""])
    >>> x.shape, np.round(np.linalg.norm(x, axis=1), 6).tolist()
    ((3, 4096), [1.0, 1.0, 0.0])
    """
    dim = 1 << bits
    n_rows = len(texts) if n_rows is None else n_rows
    df = np.zeros(dim, dtype=np.int64)
    kept: list[tuple[NDArray[np.int64], NDArray[np.int64]]] = []
    for first, chunk in _text_chunks(texts):
        keys, counts = _hashed_counts(chunk, bits)
        row, column = keys >> bits, keys & (dim - 1)
        df += np.bincount(column, minlength=dim)
        mine = row + first < n_rows
        kept.append((keys[mine] + (first << bits), counts[mine]))
    out = np.zeros((n_rows, dim))
    if kept:
        keys = np.concatenate([k for k, _ in kept])
        counts = np.concatenate([c for _, c in kept])
        out[keys >> bits, keys & (dim - 1)] = 1.0 + np.log(counts)
    out *= np.log((1.0 + len(texts)) / (1.0 + df)) + 1.0
    norms = np.linalg.norm(out, axis=1, keepdims=True)
    out /= np.where(norms > 0, norms, 1.0)
    return out


def _text_chunks(texts: Sequence[str]) -> Iterator[tuple[int, Sequence[str]]]:
    """(index of the first text, texts) in runs of about `_CHUNK_VALUES` characters."""
    start, size = 0, 0
    for i, text in enumerate(texts):
        size += len(text)
        if size >= _CHUNK_VALUES:
            yield start, texts[start:i + 1]
            start, size = i + 1, 0
    if start < len(texts):
        yield start, texts[start:]


def _fmix64(h: NDArray[np.uint64]) -> NDArray[np.uint64]:
    """MurmurHash3's 64-bit finaliser: FNV's top bits barely depend on a short input's last code."""
    for shift, multiplier in ((33, 0xFF51AFD7ED558CCD), (33, 0xC4CEB9FE1A85EC53)):
        h ^= h >> np.uint64(shift)
        h *= np.uint64(multiplier)
    h ^= h >> np.uint64(33)
    return h


def _hashed_counts(texts: Sequence[str], bits: int) -> tuple[NDArray[np.int64], NDArray[np.int64]]:
    """Distinct keys row · 2^bits + column of the texts' n-grams, and how often each occurs."""
    lengths = np.array([len(t) for t in texts], dtype=np.int64)
    joined = "".join(texts).encode("utf-32-le", "surrogatepass")
    codes = np.frombuffer(joined, dtype="<u4").astype(np.uint64)
    owner = np.repeat(np.arange(len(texts), dtype=np.int64), lengths)
    ends = np.cumsum(lengths)
    keys = []
    for n in NGRAM_SIZES:
        m = codes.shape[0] - n + 1
        if m <= 0:
            continue
        h = np.full(m, _FNV_OFFSET ^ np.uint64(n), dtype=np.uint64)
        for k in range(n):
            h ^= codes[k:k + m]
            h *= _FNV_PRIME
        column = (_fmix64(h) >> np.uint64(64 - bits)).astype(np.int64)
        whole = np.arange(m) + n <= ends[owner[:m]]  # the n-gram stays inside its text
        keys.append((owner[:m][whole] << bits) + column[whole])
    if not keys:
        return np.empty(0, dtype=np.int64), np.empty(0, dtype=np.int64)
    distinct, counts = np.unique(np.concatenate(keys), return_counts=True)
    return distinct, counts.astype(np.int64)

