"""Decisions scored against measured outcomes, as the contract's `scenarios.md` defines it.

One definition for GET /calibration (a tenant's decisions against its outcomes) and for
`bench/decision_quality.py` (the policy against the scenario files' truth):

- decision accuracy: transfer (fine_tune or feature_extraction) vs scratch, against
  `transfer_helps`; decisions on a gain within the margin count as right either way;
- negative-transfer recall: of the negative-transfer cases, the share where the decision was
  `train_from_scratch` or the risk `high`;
- Spearman rank correlation of `transfer_score` with the measured gain;
- three-way accuracy: the strategy against the best measured one, where fine-tuning was measured;
- expected-gain MAE: mean |expected gain − measured gain| where the decision had an estimate;
- reliability: equal-width bins of `transfer_score`, with the mean score and the observed share
  of cases where transfer beat scratch (gain > 0).

A figure with nothing to score (no negative case, a constant score) is None, never NaN.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from scipy.stats import rankdata

RELIABILITY_BINS = 5
SCRATCH = "train_from_scratch"


@dataclass(frozen=True)
class Decision:
    """What was recommended: the fields the scores read."""

    strategy: str
    transfer_score: float
    negative_transfer_risk: str
    expected_gain: float | None = None


@dataclass(frozen=True)
class Measured:
    """What was measured, as `truth.json` states it (see `outcome.OutcomeTruth.measured`)."""

    gain: float
    helps: bool
    negative: bool
    best_strategy: str
    fine_tune_measured: bool

    @property
    def within_margin(self) -> bool:
        """Neither helps nor hurts beyond the margin."""
        return not (self.helps or self.negative)


@dataclass(frozen=True)
class ReliabilityBin:
    """One transfer-score bin: [low, high) (the last one closed)."""

    low: float
    high: float
    n: int
    mean_score: float | None
    observed_rate: float | None


@dataclass(frozen=True)
class Scores:
    """The calibration figures of a set of decisions; None where undefined."""

    n: int
    decision_accuracy: float | None
    negative_transfer_recall: float | None
    spearman_score_vs_gain: float | None
    three_way_accuracy: float | None
    expected_gain_mae: float | None
    reliability: tuple[ReliabilityBin, ...]


def _mean(values: Sequence[bool] | Sequence[float]) -> float | None:
    return float(np.mean(np.asarray(values, dtype=np.float64))) if len(values) else None


def spearman(x: Sequence[float], y: Sequence[float]) -> float | None:
    """Spearman's rho (average ranks for ties); None with < 2 pairs or a constant side.

    >>> spearman([0.1, 0.4, 0.3], [1.0, 3.0, 2.0])
    1.0
    """
    if len(x) < 2:
        return None
    rx = rankdata(np.asarray(x, dtype=np.float64))
    ry = rankdata(np.asarray(y, dtype=np.float64))
    if np.ptp(rx) == 0 or np.ptp(ry) == 0:
        return None
    rho = float(np.corrcoef(rx, ry)[0, 1])
    return rho if math.isfinite(rho) else None


def reliability(decisions: Sequence[Decision], measured: Sequence[Measured],
                bins: int = RELIABILITY_BINS) -> tuple[ReliabilityBin, ...]:
    """Per equal-width score bin: count, mean score, observed share of gain > 0."""
    out = []
    edges = [i / bins for i in range(bins + 1)]
    for lo, hi in itertools.pairwise(edges):
        inside = [(d, m) for d, m in zip(decisions, measured, strict=True)
                  if lo <= d.transfer_score < hi or (hi == 1.0 and d.transfer_score == 1.0)]
        out.append(ReliabilityBin(lo, hi, len(inside),
                                  _mean([d.transfer_score for d, _ in inside]),
                                  _mean([m.gain > 0 for _, m in inside])))
    return tuple(out)


def score(decisions: Sequence[Decision], measured: Sequence[Measured],
          bins: int = RELIABILITY_BINS) -> Scores:
    """Every figure of `scenarios.md` for paired decisions and measurements."""
    if len(decisions) != len(measured):
        raise ValueError("one measurement per decision")
    pairs = list(zip(decisions, measured, strict=True))
    accuracy = _mean([m.within_margin or ((d.strategy != SCRATCH) == m.helps) for d, m in pairs])
    recall = _mean([d.strategy == SCRATCH or d.negative_transfer_risk == "high"
                    for d, m in pairs if m.negative])
    rho = spearman([d.transfer_score for d in decisions], [m.gain for m in measured])
    three_way = _mean([d.strategy == m.best_strategy for d, m in pairs if m.fine_tune_measured])
    mae = _mean([abs(d.expected_gain - m.gain) for d, m in pairs if d.expected_gain is not None])
    return Scores(len(pairs), accuracy, recall, rho, three_way, mae,
                  reliability(decisions, measured, bins))
