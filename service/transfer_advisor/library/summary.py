"""`transfer_advisor.summarize`: mergeable summaries of rows, for POST /assess or `assess`.

A summary holds the count, mean and covariance of the rows (and per-class counts and means of
the labeled ones), so it can be computed where the data lives, merged exactly across chunks or
machines, and sent instead of the rows.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import NDArray

from ..domain import summary as moments
from ..errors import InvalidInput
from .arrays import as_labels, as_matrix


@dataclass(frozen=True, eq=False)
class Summary(moments.Summary):
    """count, mean (d,), covariance (d, d); optionally class_counts (C,) and class_means (C, d).

    `a.merge(b)` is exact (Chan et al.); `to_dict()` is the JSON of a DatasetSpec `summary`.
    """

    @property
    def covariance(self) -> NDArray[np.float64]:
        """Unbiased sample covariance (divisor count − 1), as POST /assess takes it."""
        return self.cov

    def merge(self, other: moments.Summary) -> Summary:
        """The summary of both sets of rows (disjoint), exact up to round-off."""
        merged = super().merge(other)
        return Summary(merged.count, merged.mean, merged.m2, merged.class_counts,
                       merged.class_means)

    @classmethod
    def from_dict(cls, doc: Mapping[str, Any]) -> Summary:
        """The summary `to_dict` (or a client) wrote; shapes are checked, fields named."""
        missing = [k for k in ("count", "mean", "covariance") if k not in doc]
        if missing:
            raise InvalidInput.at(missing[0], "is required in a summary")
        count = doc["count"]
        if not isinstance(count, int | np.integer) or isinstance(count, bool) or count < 1:
            raise InvalidInput.at("count", "must be a positive integer")
        mean = as_matrix([doc["mean"]], "mean")[0]
        cov = as_matrix(doc["covariance"], "covariance")
        if cov.shape != (len(mean), len(mean)):
            raise InvalidInput.at("covariance", f"must be {len(mean)} × {len(mean)} to match mean")
        counts = means = None
        if (doc.get("class_counts") is None) != (doc.get("class_means") is None):
            raise InvalidInput.at("class_means", "give class_means and class_counts together")
        if doc.get("class_counts") is not None:
            counts = as_labels(doc["class_counts"], "class_counts")
            means = as_matrix(doc["class_means"], "class_means")
            if means.shape != (len(counts), len(mean)):
                raise InvalidInput.at("class_means", f"must be {len(counts)} × {len(mean)}")
            if counts.sum() > count:
                raise InvalidInput.at("class_counts", "sum exceeds count")
        return cls.from_covariance(int(count), mean, cov, counts, means)

    def __repr__(self) -> str:
        classes = "" if self.class_counts is None else f", classes={len(self.class_counts)}"
        return f"Summary(count={self.count}, dim={self.dim}{classes})"


def summarize(rows: Any, labels: Any = None, num_classes: int | None = None) -> Summary:
    """Summarise rows (n, d): a numpy array, a list of lists or a numeric pandas DataFrame.

    `labels` (k,) are the integer labels of the first k rows (k ≤ n; labeled rows first);
    they add per-class counts and means, indexed by label value (`num_classes` entries, default
    1 + the largest label). Raises `transfer_advisor.errors.InvalidInput` naming `rows` or
    `labels` when they are unusable.

        a = summarize(x_part1, labels=y_part1)     # e.g. on two machines
        b = summarize(x_part2)
        spec = a.merge(b).to_dict()                # JSON for {"summary": spec} in POST /assess
    """
    x = as_matrix(rows, "rows")
    y = None if labels is None else as_labels(labels, "labels")
    if y is not None and len(y) > len(x):
        raise InvalidInput.at("labels", f"has {len(y)} labels for {len(x)} rows")
    if num_classes is not None:
        if num_classes < 1:
            raise InvalidInput.at("num_classes", "must be at least 1")
        if y is not None and len(y) and int(y.max()) >= num_classes:
            raise InvalidInput.at("labels", f"holds label {int(y.max())}, outside "
                                            f"0..{num_classes - 1} (num_classes)")
    return Summary.from_rows(x, y if y is not None and len(y) else None, num_classes)
