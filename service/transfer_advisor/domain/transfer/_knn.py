"""k-NN neighbour search and voting for `probe.knn_accuracy`.

Neighbours come from the cosine similarities of the centred rows, blockwise, outside each row's
own fold; they do not depend on the labels, so a permuted label set is only re-counted
(`knn_votes`), which is what makes the k-NN permutation null cheap.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from ._common import Labels, Matrix, max_over_last_axis

_BLOCK_ELEMENTS = 4_000_000  # similarity rows per block sized to keep temporaries ~32 MB


def cosine_neighbours(x: Matrix, fold_of: Labels, k: int) -> tuple[NDArray[np.intp], Matrix]:
    """Indices (n, k) and cosine similarities (n, k) of each row's k nearest out-of-fold rows."""
    xc = x - x.mean(axis=0)
    norms = np.linalg.norm(xc, axis=1)
    unit = xc / np.where(norms > 0, norms, 1.0)[:, None]
    n = x.shape[0]
    neighbours = np.empty((n, k), dtype=np.intp)
    similarity = np.empty((n, k))
    block = max(1, _BLOCK_ELEMENTS // n)
    for start in range(0, n, block):
        rows = slice(start, min(start + block, n))
        sims = unit[rows] @ unit.T
        sims[fold_of[rows, None] == fold_of[None, :]] = -np.inf  # own fold (incl. itself)
        top = np.argpartition(-sims, k - 1, axis=1)[:, :k]
        neighbours[rows] = top
        similarity[rows] = np.take_along_axis(sims, top, axis=1)
    return neighbours, similarity


def knn_votes_plain(voters: Labels, similarity: Matrix, num_classes: int) -> Labels:
    """The k-NN vote of each row: voters (..., k) class codes, similarity (..., k).

    Score of class c = its votes + 1e-3 · its voters' summed similarity / k (ties in votes go
    to the closer class); the first class reaching the top score wins.
    """
    k = voters.shape[-1]
    best = np.full(voters.shape[:-1], -np.inf)
    guess = np.zeros(voters.shape[:-1], dtype=np.int64)
    for c in range(num_classes):
        is_c = voters == c
        score = is_c.sum(axis=-1) + 1e-3 * (is_c * similarity).sum(axis=-1) / k
        better = score > best
        best[better], guess[better] = score[better], c
    return guess


def knn_votes(voters: Labels, similarity: Matrix, num_classes: int) -> Labels:
    """`knn_votes_plain` for voters (m, n, k), similarity (n, k), in O(m n (k + C)).

    Votes and summed similarities per class come from two bincounts instead of a pass over
    (m, n, k) per class. Their sums run in another order than the plain ones, so a row whose
    top-voted classes have summed similarities within `tolerance` of each other (where the
    plain scores could round to a tie) is re-decided by `knn_votes_plain`: the guesses are
    identical.
    """
    m, n, k = voters.shape
    size = m * n * num_classes
    slots = (voters + np.arange(0, size, num_classes, dtype=np.int64).reshape(m, n, 1)).ravel()
    votes = np.bincount(slots, minlength=size).reshape(m, n, num_classes)
    closeness = np.bincount(slots, weights=np.broadcast_to(similarity, voters.shape).ravel(),
                            minlength=size).reshape(m, n, num_classes)
    top_votes = max_over_last_axis(votes)
    # among the classes with the most votes (a vote outweighs any similarity term), the
    # closest and the runner-up
    first = np.full((m, n), -np.inf)
    second = np.full((m, n), -np.inf)
    guess = np.zeros((m, n), dtype=np.int64)
    for c in range(num_classes):
        value = np.where(votes[:, :, c] == top_votes, closeness[:, :, c], -np.inf)
        np.maximum(second, np.minimum(first, value), out=second)
        better = value > first
        guess[better] = c
        np.maximum(first, value, out=first)
    # plain: score = votes + 1e-3 · sum / k, so sums closer than ~k²·eps·1e3 may tie after rounding
    tolerance = 1e-6 + 1e3 * 64 * np.finfo(np.float64).eps * k * (k + 1)
    unsure = np.nonzero(first - second <= tolerance)
    if unsure[0].size:
        guess[unsure] = knn_votes_plain(voters[unsure], similarity[unsure[1]], num_classes)
    return guess
