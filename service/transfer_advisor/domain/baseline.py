"""Finite-sample bias of a same-distribution baseline, shared by the metrics and the policy.

A two-sample discrepancy between n_a and n_b rows of one distribution is biased upwards by about
c·(1/n_a + 1/n_b). The same-distribution baseline compares two halves of the target, so a
metric's baseline is rescaled by the ratio of these terms to stand for other sample sizes.
"""

from __future__ import annotations


def half_split_bias(n: float) -> float:
    """1/n_a + 1/n_b for n rows split into halves of n // 2 and n − n // 2 rows (n ≥ 2)."""
    half = n // 2
    return 1.0 / half + 1.0 / (n - half)


def baseline_size_factor(n_source: float, n_target: float) -> float:
    """Factor taking a two-halves-of-the-target baseline to source vs whole target.

    (1/n_source + 1/n_target) / half_split_bias(n_target); n_source ≠ 0, n_target ≥ 2.
    """
    return (1.0 / n_source + 1.0 / n_target) / half_split_bias(n_target)
