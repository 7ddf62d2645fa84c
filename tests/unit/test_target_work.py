"""TargetWork: target-only work computed once across runs over one target, with results equal to
separate runs."""

from __future__ import annotations

import numpy as np
import pytest

from transfer_advisor.domain.metrics import REGISTRY, MetricInputs, TargetWork, compute_metrics
from transfer_advisor.domain.summary import Summary


def inputs(x_source: np.ndarray | None, x_target: np.ndarray, y: np.ndarray,
           scratch: np.ndarray, target: Summary | None = None) -> MetricInputs:
    return MetricInputs(
        source=None if x_source is None else Summary.from_rows(x_source),
        target=target or Summary.from_rows(x_target, y, 3), x_source=x_source,
        x_target=x_target, y_target=y, permutations=20, seed=1, x_scratch=scratch,
        scratch_from="client")


def test_shared_runs_equal_separate_runs_and_skip_target_work() -> None:
    rng = np.random.default_rng(0)
    y = np.arange(45) % 3
    x_target = rng.normal(size=(60, 5))
    x_target[:45, :3] += np.eye(3)[y]
    scratch = rng.normal(size=(45, 4))
    target = Summary.from_rows(x_target)
    sources = [rng.normal(size=(40, 5)), rng.normal(size=(40, 5)) + 1.0, None]
    work = TargetWork()
    target_only = {n for n, s in REGISTRY.items() if s.scope != "pair"}
    for i, x_source in enumerate(sources):
        shared = compute_metrics(inputs(x_source, x_target, y, scratch, target), work=work)
        alone = compute_metrics(inputs(x_source, x_target, y, scratch, target))
        assert shared.results == alone.results
        assert shared.omitted == alone.omitted
        timed = set(shared.seconds) & target_only
        assert timed == (target_only & set(alone.results) if i == 0 else set())
    assert "frechet_distance" in shared.omitted  # the last candidate came without a source


def test_work_refuses_another_target() -> None:
    rng = np.random.default_rng(1)
    y = np.arange(20) % 3
    work = TargetWork()
    compute_metrics(inputs(None, rng.normal(size=(30, 4)), y, rng.normal(size=(20, 2))),
                    ["logme"], work=work)
    with pytest.raises(ValueError, match="different target"):
        compute_metrics(inputs(None, rng.normal(size=(30, 4)), y, rng.normal(size=(20, 2))),
                        ["logme"], work=work)
