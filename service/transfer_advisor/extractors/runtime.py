"""onnxruntime sessions: one cached session per model file, fed in fixed-size batches.

Sessions are keyed by the model's sha256 (content address), so re-registering the same bytes
under another name shares the session. Creating a session is the expensive part (graph
optimisation); running one is thread-safe in onnxruntime, so a single session serves all
request threads.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path
from typing import Any

import numpy as np
import onnxruntime as ort
from numpy.typing import NDArray

DEFAULT_BATCH_SIZE = 32


def session_options(intra_op_threads: int) -> ort.SessionOptions:
    """Sequential execution, `intra_op_threads` threads inside each operator (0 = ORT default)."""
    opts = ort.SessionOptions()
    opts.intra_op_num_threads = max(0, int(intra_op_threads))
    opts.inter_op_num_threads = 1
    opts.execution_mode = ort.ExecutionMode.ORT_SEQUENTIAL
    opts.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
    opts.log_severity_level = 3  # errors only; validation reports problems itself
    return opts


def open_session(model: Path | bytes, intra_op_threads: int = 1) -> ort.InferenceSession:
    source: str | bytes = str(model) if isinstance(model, Path) else model
    return ort.InferenceSession(
        source, sess_options=session_options(intra_op_threads),
        providers=["CPUExecutionProvider"])


class SessionCache:
    """Least-recently-used cache of InferenceSessions keyed by sha256.

    `get(key, path)` opens the model on first use; at most `max_sessions` stay open.
    """

    def __init__(self, intra_op_threads: int = 1, max_sessions: int = 8) -> None:
        self.intra_op_threads = intra_op_threads
        self.max_sessions = max(1, max_sessions)
        self._sessions: OrderedDict[str, ort.InferenceSession] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: str, path: Path) -> ort.InferenceSession:
        with self._lock:
            session = self._sessions.get(key)
            if session is not None:
                self._sessions.move_to_end(key)
                return session
        # Open outside the lock: loading a large model must not block other extractors.
        session = open_session(path, self.intra_op_threads)
        with self._lock:
            existing = self._sessions.get(key)
            if existing is not None:
                return existing
            self._sessions[key] = session
            while len(self._sessions) > self.max_sessions:
                self._sessions.popitem(last=False)
        return session


def short_error(exc: BaseException, limit: int = 300) -> str:
    """onnxruntime's messages run to pages; one line of `limit` characters for a problem."""
    text = " ".join(str(exc).split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def batch_slices(n: int, batch_size: int) -> Iterator[slice]:
    step = max(1, int(batch_size))
    for start in range(0, n, step):
        yield slice(start, min(start + step, n))


ProgressFn = Callable[[int], None]


def run_batched(
    session: ort.InferenceSession,
    feeds: Mapping[str, NDArray[Any]],
    output_name: str,
    batch_size: int = DEFAULT_BATCH_SIZE,
    progress: ProgressFn | None = None,
) -> NDArray[np.float32]:
    """Run `session` over the leading axis of every feed in batches; stack `output_name`.

    All feeds share the leading (batch) axis. Output is float32 (n, d).
    """
    lengths = {len(v) for v in feeds.values()}
    if len(lengths) != 1:
        raise ValueError(f"feeds disagree on the batch axis: {sorted(lengths)}")
    n = lengths.pop()
    parts: list[NDArray[np.float32]] = []
    for sl in batch_slices(n, batch_size):
        (out,) = session.run([output_name], {k: v[sl] for k, v in feeds.items()})
        parts.append(np.asarray(out, dtype=np.float32).reshape(sl.stop - sl.start, -1))
        if progress is not None:
            progress(sl.stop - sl.start)
    if not parts:
        return np.zeros((0, 0), dtype=np.float32)
    return np.concatenate(parts, axis=0)
