"""Summaries of data too large for one machine: a Dask reduction over row blocks.

Each block of rows is summarised where it lives (`Summary.from_rows`), and the block summaries
are merged in a tree (`Summary.merge`, exact: Chan, Golub & LeVeque), so the result equals the
one-pass summary up to round-off while only (d, d) moments travel between workers. Dask is an
optional extra (`pip install 'transfer-advisor[dask]'`), imported only when these functions run.

    import dask.array as da
    from dask.distributed import Client
    from transfer_advisor.distributed import summarize_dask_array, summary_to_wire

    with Client():                                   # or Client("tcp://scheduler:8786")
        x = da.from_zarr("embeddings.zarr")          # (n, d), chunked by rows
        spec = summary_to_wire(summarize_dask_array(x))
    # POST /assess with {"target": {"name": "…", "summary": spec}, …}
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import numpy as np
from numpy.typing import NDArray

from .domain.summary import Summary

if TYPE_CHECKING:
    from dask.delayed import Delayed

# Block summaries merged per task in the reduction tree; larger = fewer, wider merge tasks.
SPLIT_EVERY = 8


def summarize_block(x: NDArray[Any], labels: NDArray[Any] | None = None,
                    num_classes: int | None = None) -> Summary | None:
    """One block's summary; labels (same rows, −1 = unlabeled) give class moments. None if empty."""
    x = np.asarray(x, dtype=np.float64)
    if x.shape[0] == 0:
        return None
    if labels is None:
        return Summary.from_rows(x)
    labels = np.asarray(labels).reshape(-1)
    labeled = labels >= 0
    # from_rows takes labels for the leading rows; moments do not depend on row order.
    rows = np.concatenate([x[labeled], x[~labeled]])
    return Summary.from_rows(rows, labels[labeled].astype(np.int64), num_classes)


def merge_summaries(*parts: Summary | None) -> Summary | None:
    """Exact merge of any number of block summaries (None for empty blocks is skipped)."""
    present = [p for p in parts if p is not None]
    if not present:
        return None
    return functools.reduce(lambda a, b: a.merge(b), present)


def tree_merge(parts: Sequence[Delayed], split_every: int = SPLIT_EVERY) -> Delayed:
    """A Dask graph merging delayed block summaries `split_every` at a time, level by level."""
    from dask.delayed import delayed

    if split_every < 2:
        raise ValueError("split_every must be at least 2")
    level = list(parts)
    if not level:
        raise ValueError("nothing to summarise")
    merge = delayed(merge_summaries, pure=True)
    while len(level) > 1:
        level = [merge(*level[i:i + split_every]) for i in range(0, len(level), split_every)]
    return level[0]


def summarize_dask_array(x: Any, labels: Any = None, num_classes: int | None = None,
                         split_every: int = SPLIT_EVERY) -> Summary:
    """Summary of an (n, d) dask array, computed on the current Dask scheduler or Client.

    `labels`: optional (n,) dask or numpy array of class ids, −1 for unlabeled rows; with it the
    summary carries class counts and means (pass `num_classes` so every block agrees on C).
    """
    import dask.array as da
    from dask.delayed import delayed

    x = da.asarray(x)  # type: ignore[no-untyped-call]
    if x.ndim != 2:
        raise ValueError(f"expected an (n, d) array, got {x.ndim} dimensions")
    x = x.rechunk({1: -1})  # whole rows per block: a block's moments need every column
    summarize = delayed(summarize_block, pure=True)
    blocks = x.to_delayed().ravel()
    if labels is None:
        parts = [summarize(b) for b in blocks]
    else:
        y = da.asarray(labels)  # type: ignore[no-untyped-call]
        y = y.rechunk((x.chunks[0],))
        parts = [summarize(b, lb, num_classes) for b, lb in zip(blocks, y.to_delayed().ravel(),
                                                                 strict=True)]
    result = tree_merge(parts, split_every).compute()  # type: ignore[no-untyped-call]
    if result is None:
        raise ValueError("the array has no rows")
    summary: Summary = result
    return summary


def summary_to_wire(summary: Summary) -> dict[str, Any]:
    """The `summary` form of a DatasetSpec for POST /assess (unbiased covariance), with mean,
    covariance and class means encoded (base64 float64)."""
    from .library.assess import encode_summary

    if summary.count < 2:
        raise ValueError("a summary needs at least 2 rows")
    return encode_summary(summary.to_dict())
