"""Text tokenisation for ONNX text extractors (HuggingFace `tokenizers`, no transformers).

Texts are tokenised once (truncated to `max_length`), sorted by token count so each batch pads
only to its own longest member (padding dominates transformer cost), run, and the embeddings
are put back in input order. With `workers` > 1 whole batches run concurrently on a
single-threaded session (onnxruntime releases the GIL; sessions are thread-safe), longest
first: no synchronisation inside the ~110 small operators of a batch, which is where two
intra-op threads lose their time on short texts, and none at all on a loaded machine.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import onnxruntime as ort
from numpy.typing import NDArray
from tokenizers import Tokenizer

from .runtime import DEFAULT_BATCH_SIZE, ProgressFn, batch_slices

DEFAULT_MAX_LENGTH = 256


@dataclass(frozen=True)
class TokenBatch:
    input_ids: NDArray[np.int64]
    attention_mask: NDArray[np.int64]
    token_type_ids: NDArray[np.int64]

    def feeds(self, names: Sequence[str]) -> dict[str, NDArray[np.int64]]:
        return {name: getattr(self, name) for name in names}


class TextTokenizer:
    """A `tokenizer.json` configured for embedding: truncation to `max_length`, no padding
    (batches are padded to their longest member by `pad`)."""

    def __init__(self, tokenizer: Tokenizer, max_length: int = DEFAULT_MAX_LENGTH) -> None:
        self.max_length = int(max_length)
        tokenizer.no_padding()
        tokenizer.enable_truncation(max_length=self.max_length)
        self._tok = tokenizer
        self.pad_id = _pad_id(tokenizer)

    @classmethod
    def from_file(cls, path: Path, max_length: int = DEFAULT_MAX_LENGTH) -> TextTokenizer:
        return cls(Tokenizer.from_file(str(path)), max_length)

    @classmethod
    def from_bytes(cls, data: bytes, max_length: int = DEFAULT_MAX_LENGTH) -> TextTokenizer:
        return cls(Tokenizer.from_str(data.decode("utf-8")), max_length)

    def encode(self, texts: Sequence[str]) -> list[list[int]]:
        return [enc.ids for enc in self._tok.encode_batch(list(texts))]

    def pad(self, ids: Sequence[Sequence[int]]) -> TokenBatch:
        return pad_batch(ids, self.pad_id)


class TokenizerCache:
    """Loaded tokenizers by file path: parsing a tokenizer.json takes milliseconds to seconds,
    so each file is loaded once per process. Thread-safe."""

    def __init__(self, max_length: int = DEFAULT_MAX_LENGTH) -> None:
        self.max_length = max_length
        self._loaded: dict[Path, TextTokenizer] = {}
        self._lock = threading.Lock()

    def get(self, path: Path) -> TextTokenizer:
        with self._lock:
            tok = self._loaded.get(path)
        if tok is None:  # load outside the lock; a racing duplicate load is harmless
            tok = TextTokenizer.from_file(path, self.max_length)
            with self._lock:
                tok = self._loaded.setdefault(path, tok)
        return tok


def pad_batch(ids: Sequence[Sequence[int]], pad_id: int) -> TokenBatch:
    """Pad to the longest sequence of this batch; token_type_ids all zeros."""
    width = max(max((len(seq) for seq in ids), default=0), 1)
    input_ids = np.full((len(ids), width), pad_id, dtype=np.int64)
    mask = np.zeros((len(ids), width), dtype=np.int64)
    for row, seq in enumerate(ids):
        input_ids[row, : len(seq)] = seq
        mask[row, : len(seq)] = 1
    return TokenBatch(input_ids, mask, np.zeros_like(input_ids))


def _pad_id(tokenizer: Tokenizer) -> int:
    padding = tokenizer.padding
    if padding and "pad_id" in padding:
        return int(padding["pad_id"])
    for token in ("[PAD]", "<pad>", "<|pad|>"):
        tid = tokenizer.token_to_id(token)
        if tid is not None:
            return int(tid)
    return 0


def text_feed_names(session: ort.InferenceSession) -> list[str]:
    return [i.name for i in session.get_inputs()]


def embed_token_ids(
    session: ort.InferenceSession,
    tokenizer: TextTokenizer,
    ids: Sequence[Sequence[int]],
    output_name: str,
    batch_size: int = DEFAULT_BATCH_SIZE,
    progress: ProgressFn | None = None,
    workers: int = 1,
) -> NDArray[np.float32]:
    """Embed pre-tokenised sequences; length-sorted batches, result in input order.

    `workers` > 1 runs that many batches at once (give it a session with one intra-op thread,
    else the threads multiply); each batch is padded and computed exactly as when sequential.
    """
    names = text_feed_names(session)
    order = np.argsort([len(seq) for seq in ids], kind="stable")
    # Longest batches first, so the last ones to finish are the cheap ones (no idle worker
    # waiting on a long tail).
    batches = [order[sl] for sl in batch_slices(len(order), batch_size)][::-1]

    def run(rows: NDArray[np.intp]) -> NDArray[np.float32]:
        batch = tokenizer.pad([ids[i] for i in rows])
        (out,) = session.run([output_name], batch.feeds(names))
        return np.asarray(out, dtype=np.float32).reshape(len(rows), -1)

    result: NDArray[np.float32] | None = None

    def place(rows: NDArray[np.intp], out: NDArray[np.float32]) -> None:
        nonlocal result
        if result is None:
            result = np.empty((len(ids), out.shape[1]), dtype=np.float32)
        result[rows] = out
        if progress is not None:
            progress(len(rows))

    n_workers = min(max(1, int(workers)), len(batches))
    if n_workers <= 1:
        for rows in batches:
            place(rows, run(rows))
    else:
        with ThreadPoolExecutor(n_workers, thread_name_prefix="embed") as pool:
            try:
                # map yields in submission order; results land in the caller's thread.
                for rows, out in zip(batches, pool.map(run, batches), strict=True):
                    place(rows, out)
            except BaseException:
                pool.shutdown(wait=True, cancel_futures=True)
                raise
    if result is None:
        return np.zeros((0, 0), dtype=np.float32)
    return result


def embed_texts(
    session: ort.InferenceSession,
    tokenizer: TextTokenizer,
    texts: Sequence[str],
    output_name: str,
    batch_size: int = DEFAULT_BATCH_SIZE,
    progress: ProgressFn | None = None,
    workers: int = 1,
) -> NDArray[np.float32]:
    return embed_token_ids(
        session, tokenizer, tokenizer.encode(texts), output_name, batch_size, progress, workers)


def synthetic_token_batch(tokenizer: TextTokenizer | None, n: int = 2) -> TokenBatch:
    """A tiny batch for dry runs: real tokens if a tokenizer is known, else ids 1..5."""
    if tokenizer is not None:
        ids = tokenizer.encode(["a short probe sentence.", "another, slightly longer probe."][:n])
    else:
        ids = [[1, 2, 3, 4, 5][: 3 + i] for i in range(n)]
    return pad_batch(ids, tokenizer.pad_id if tokenizer is not None else 0)
