"""Properties of the transferability estimators (no shared data needed).

Invariance to renaming classes, response to added class signal, exact agreement of the fast
paths with straightforward ones (summaries vs rows, CV identity vs refitting per fold), and
degenerate inputs refused with a reason instead of NaN.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from numpy.random import default_rng
from numpy.typing import NDArray

from transfer_advisor.domain.results import MetricNotApplicable, MetricResult
from transfer_advisor.domain.summary import Summary
from transfer_advisor.domain.transfer._common import encode_labels
from transfer_advisor.domain.transfer._knn import knn_votes, knn_votes_plain
from transfer_advisor.domain.transfer.gbc import gbc_score
from transfer_advisor.domain.transfer.hscore import h_score, h_score_from_summary, shrinkage_h_score
from transfer_advisor.domain.transfer.leep import (
    fit_source_head,
    leep_score,
    nce_score,
    pseudo_source_probs,
)
from transfer_advisor.domain.transfer.logme import (
    logme_from_moments,
    logme_from_summary,
    logme_score,
)
from transfer_advisor.domain.transfer.probe import (
    _stratified_folds,
    knn_accuracy,
    linear_probe_accuracy,
)
from transfer_advisor.domain.transfer.transrate import transrate_score

Matrix = NDArray[np.float64]
FAST = settings(max_examples=15, deadline=None)

FEATURE_METRICS: dict[str, Callable[[Any, Any], MetricResult]] = {
    "logme": logme_score,
    "hscore": h_score,
    "hscore_shrinkage": shrinkage_h_score,
    "transrate": transrate_score,
    "gbc": gbc_score,
    "gbc_pca4": lambda x, y: gbc_score(x, y, pca_dim=4),
    "linear_probe_accuracy": lambda x, y: linear_probe_accuracy(x, y, permutations=20, rng=default_rng(0)),
    "knn_accuracy": lambda x, y: knn_accuracy(x, y, k=3, permutations=20, rng=default_rng(0)),
}


def _blobs(seed: int, n: int, d: int, classes: int, signal: float) -> tuple[Matrix, NDArray[Any]]:
    rng = np.random.default_rng(seed)
    labels = np.arange(n) % classes
    rng.shuffle(labels)
    centres = rng.normal(size=(classes, d))
    x = rng.normal(size=(n, d)) + signal * centres[labels] + rng.normal(size=d)
    return x, labels


# ------------------------------------------------------------------ invariance


@pytest.mark.parametrize("name", sorted(FEATURE_METRICS))
@FAST
@given(seed=st.integers(0, 10_000), classes=st.integers(2, 4))
def test_renaming_classes_changes_nothing(name: str, seed: int, classes: int) -> None:
    x, labels = _blobs(seed, 24, 6, classes, signal=1.0)
    rng = np.random.default_rng(seed + 1)
    new_names = rng.permutation(10)[:classes] * 7 + 3  # arbitrary distinct ids, other order
    renamed = new_names[labels]
    before = FEATURE_METRICS[name](x, labels)
    after = FEATURE_METRICS[name](x, renamed)
    assert after.value == pytest.approx(before.value, rel=1e-9, abs=1e-12)
    if before.p_value is not None:
        assert after.p_value == pytest.approx(before.p_value)


@FAST
@given(seed=st.integers(0, 10_000))
def test_leep_nce_invariant_to_renaming_target_and_source_classes(seed: int) -> None:
    rng = np.random.default_rng(seed)
    labels = np.arange(30) % 3
    probs = rng.dirichlet(np.ones(5), size=30)
    probs[np.arange(30), labels] += 1.0  # informative
    probs /= probs.sum(axis=1, keepdims=True)
    columns = rng.permutation(5)
    renamed = np.array([11, 4, 7])[labels]
    for score in (leep_score, nce_score):
        base = score(probs, labels).value
        assert score(probs[:, columns], renamed).value == pytest.approx(base, rel=1e-12)


def test_hscore_is_invariant_to_invertible_linear_maps_of_the_features() -> None:
    x, labels = _blobs(3, 200, 8, 4, signal=0.7)
    mix = np.random.default_rng(4).normal(size=(8, 8)) + 3 * np.eye(8)
    assert h_score(x @ mix + 5.0, labels).value == pytest.approx(h_score(x, labels).value, rel=1e-9)


# ------------------------------------------------------------------ signal


@FAST
@given(seed=st.integers(0, 10_000))
def test_logme_and_probe_accuracy_rise_with_class_signal(seed: int) -> None:
    x0, labels = _blobs(seed, 120, 10, 3, signal=0.0)
    x1, _ = _blobs(seed, 120, 10, 3, signal=1.5)
    assert logme_score(x1, labels).value > logme_score(x0, labels).value
    probe0 = linear_probe_accuracy(x0, labels, permutations=0, rng=default_rng(0))
    probe1 = linear_probe_accuracy(x1, labels, permutations=0, rng=default_rng(0))
    assert probe1.value > probe0.value
    assert knn_accuracy(x1, labels, permutations=0, rng=default_rng(0)).value > knn_accuracy(
        x0, labels, permutations=0, rng=default_rng(0)).value


def test_probe_null_is_near_chance_and_p_value_large_without_signal() -> None:
    x, labels = _blobs(5, 200, 10, 4, signal=0.0)
    result = linear_probe_accuracy(x, labels, permutations=99, rng=default_rng(1))
    assert abs(result.details["null_mean"] - result.details["chance"]) < 0.03
    assert result.p_value is not None
    assert result.p_value > 0.01
    strong = linear_probe_accuracy(*_blobs(5, 200, 10, 4, signal=1.5), permutations=99, rng=default_rng(1))
    assert strong.p_value == pytest.approx(0.01)


# ------------------------------------------------------------------ fast paths == plain ones


@FAST
@given(seed=st.integers(0, 10_000), n=st.integers(12, 60), d=st.integers(2, 30),
       classes=st.integers(2, 5))
def test_summary_and_rows_agree_to_1e8(seed: int, n: int, d: int, classes: int) -> None:
    x, labels = _blobs(seed, n, d, classes, signal=0.8)
    summary = Summary.from_rows(x, labels)
    rows_logme = logme_score(x, labels)
    from_summary = logme_from_summary(summary)
    assert from_summary.details["exact"] is True
    assert from_summary.value == pytest.approx(rows_logme.value, rel=1e-8)
    assert h_score_from_summary(summary).value == pytest.approx(h_score(x, labels).value, rel=1e-8)


def test_summary_of_more_rows_than_labels_is_an_estimate_and_says_so() -> None:
    x, labels = _blobs(8, 400, 6, 3, signal=1.0)
    summary = Summary.from_rows(x, labels[:300])  # labels name the first 300 of 400 rows
    logme = logme_from_summary(summary)
    h = h_score_from_summary(summary)
    assert logme.details["exact"] is False
    assert h.details["exact"] is False
    assert logme.value == pytest.approx(logme_score(x[:300], labels[:300]).value, rel=0.05)
    assert h.value == pytest.approx(h_score(x[:300], labels[:300]).value, rel=0.15)


def test_logme_classification_equals_regression_on_one_hot_targets() -> None:
    x, labels = _blobs(2, 80, 12, 3, signal=1.0)
    one_hot = np.eye(3)[labels]
    assert logme_score(x, one_hot, regression=True).value == pytest.approx(
        logme_score(x, labels).value, rel=1e-12)


def test_logme_moments_match_rows_when_n_below_d() -> None:
    x, labels = _blobs(9, 20, 50, 3, signal=1.0)  # rows path uses the 20 x 20 kernel
    one_hot = np.eye(3)[labels]
    moments = logme_from_moments(x.T @ x, x.T @ one_hot, one_hot.sum(axis=0), 20)
    rows = logme_score(x, labels)
    assert rows.details["rank_deficient"] is True
    assert moments.value == pytest.approx(rows.value, rel=1e-8)


def test_logme_tridiagonal_engine_equals_eigenvector_engine_on_collinear_features() -> None:
    from transfer_advisor.domain.transfer import logme as module

    x, labels = _blobs(6, 200, 6, 3, signal=1.0)
    x = np.hstack([x, x[:, :3] * 2.0, x[:, :1] - x[:, 1:2]])  # n > d, rank 6 of 10
    one_hot = np.eye(3)[labels]
    gram, cross, sq = x.T @ x, x.T @ one_hot, one_hot.sum(axis=0)
    names = ["0", "1", "2"]
    sigma, spectral = module._spectral_from_gram(gram, cross, sq, 200)
    expected = module._evidence_result(sigma, spectral, 200, 10, names, regression=False)
    result = logme_score(x, labels)
    assert result.details["rank"] == 6
    assert result.value == pytest.approx(expected.value, rel=1e-9)


def _plain_ridge_cv(x: Matrix, labels: NDArray[Any], fold_of: NDArray[Any], lam: float) -> float:
    classes = int(labels.max()) + 1
    predicted = np.empty_like(labels)
    for fold in np.unique(fold_of):
        train, test = fold_of != fold, fold_of == fold
        design = np.hstack([np.ones((train.sum(), 1)), x[train]])
        penalty = lam * np.eye(design.shape[1])
        penalty[0, 0] = 0.0
        weights = np.linalg.solve(design.T @ design + penalty, design.T @ np.eye(classes)[labels[train]])
        predicted[test] = (np.hstack([np.ones((test.sum(), 1)), x[test]]) @ weights).argmax(axis=1)
    return float(np.mean(predicted == labels))


@FAST
@given(seed=st.integers(0, 10_000), n=st.integers(9, 40), d=st.integers(1, 50))
def test_linear_probe_equals_refitting_ridge_in_every_fold(seed: int, n: int, d: int) -> None:
    """Every split's accuracy is a plain refit per fold; the value is their mean."""
    x, labels = _blobs(seed, n, d, 3, signal=0.7)
    result = linear_probe_accuracy(x, labels, permutations=0, repeats=4, rng=default_rng(seed))
    enc, rng = encode_labels(labels, n), np.random.default_rng(seed)
    first, _ = _stratified_folds(enc, 5, rng)  # the first split, from rng as before
    further = rng.spawn(1)[0]
    splits = [first, *(_stratified_folds(enc, 5, further)[0] for _ in range(3))]
    lam = result.details["ridge_lambda"]
    expected = [_plain_ridge_cv(x, labels, fold_of, lam) for fold_of in splits]
    assert result.details["repeats"] == 4
    assert result.details["first_split_accuracy"] == pytest.approx(expected[0])
    assert result.value == pytest.approx(np.mean(expected))


def _split_spread(x: Matrix, labels: NDArray[Any], repeats: int) -> float:
    """Standard deviation of the probe over 40 seeds (random splits of the same rows)."""
    values = [linear_probe_accuracy(x, labels, permutations=0, repeats=repeats,
                                    rng=default_rng(seed)).value for seed in range(40)]
    return float(np.std(values))


@settings(max_examples=5, deadline=None)
@given(seed=st.integers(0, 10_000))
def test_repeated_splits_shrink_the_spread_across_seeds(seed: int) -> None:
    """Averaging 10 independent splits divides the split variance by 10 (std ratio ~0.32);
    0.6 leaves room for the sampling error of two 40-seed standard deviations."""
    x, labels = _blobs(seed, 40, 30, 4, signal=0.35)  # few labels, partial signal
    one_split = _split_spread(x, labels, repeats=1)
    assert one_split > 0.0  # the splits matter on this task
    assert _split_spread(x, labels, repeats=10) < 0.6 * one_split


@FAST
@given(seed=st.integers(0, 10_000), n=st.integers(6, 60), classes=st.integers(2, 4))
def test_repeated_probe_is_a_deterministic_accuracy_with_the_first_splits_p_value(
        seed: int, n: int, classes: int) -> None:
    x, labels = _blobs(seed, n, 5, classes, signal=0.5)
    one = linear_probe_accuracy(x, labels, permutations=19, repeats=1, rng=default_rng(seed))
    many = linear_probe_accuracy(x, labels, permutations=19, rng=default_rng(seed))
    again = linear_probe_accuracy(x, labels, permutations=19, rng=default_rng(seed))
    assert 0.0 <= many.value <= 1.0
    assert (many.value, many.p_value, many.details) == (again.value, again.p_value, again.details)
    # the first split and its null are the one-split probe's, whatever the further splits
    assert many.details["first_split_accuracy"] == one.value
    assert many.p_value == one.p_value
    assert many.details["null_mean"] == one.details["null_mean"]
    assert many.details["repeats"] == (1 if many.details["scheme"] == "leave-one-out" else 10)
    assert many.details["gain_over_chance"] == pytest.approx(
        many.value - many.details["chance"])


def test_repeats_are_capped_by_the_work_budget_on_large_inputs() -> None:
    x, labels = _blobs(2, 2000, 384, 10, signal=0.1)
    result = linear_probe_accuracy(x, labels, permutations=0, rng=default_rng(0))
    assert 1 <= result.details["repeats"] < result.details["repeats_requested"] == 10
    with pytest.raises(ValueError, match="repeats"):
        linear_probe_accuracy(x[:20], labels[:20], repeats=0, rng=default_rng(0))


@FAST
@given(seed=st.integers(0, 10_000), k=st.integers(1, 12), classes=st.integers(2, 6),
       ties=st.sampled_from(["none", "few values", "rounding"]))
def test_knn_votes_equal_the_per_class_loop(seed: int, k: int, classes: int, ties: str) -> None:
    """The bincount vote decides every row as the per-class loop does, ties included."""
    rng = np.random.default_rng(seed)
    m, n = 7, 40
    voters = rng.integers(0, classes, size=(m, n, k))
    if ties == "none":
        similarity = rng.uniform(-1.0, 1.0, size=(n, k))
    elif ties == "few values":  # duplicate rows: equal summed similarities in several classes
        similarity = rng.choice([0.1, 1 / 3, 0.7], size=(n, k))
    else:  # sums equal up to round-off, in another order
        similarity = 0.1 + rng.integers(0, 3, size=(n, k)) * 1e-17
    fast = knn_votes(voters, similarity, classes)
    np.testing.assert_array_equal(fast, knn_votes_plain(voters, similarity, classes))


def test_tiny_label_sets_use_fewer_folds_or_leave_one_out() -> None:
    x, labels = _blobs(1, 8, 4, 2, signal=2.0)
    result = linear_probe_accuracy(x, labels, folds=5, permutations=50, rng=default_rng(0))
    assert result.details["folds"] == 4
    assert result.details["scheme"] == "stratified k-fold"
    assert 0.0 < result.p_value <= 1.0
    singleton = np.array([0, 0, 0, 0, 0, 0, 1, 1])
    singleton[0] = 2  # class 2 has a single example
    loo = linear_probe_accuracy(x, singleton, permutations=20, rng=default_rng(0))
    assert loo.details["scheme"] == "leave-one-out"
    assert loo.details["folds"] == 8
    knn_loo = knn_accuracy(x, singleton, permutations=20, rng=default_rng(0))
    assert knn_loo.details["scheme"] == "leave-one-out"


def test_large_label_sets_are_subsampled_per_class_and_reported() -> None:
    x, labels = _blobs(4, 300, 5, 3, signal=1.0)
    labels[:3] = 3  # a rare class must survive subsampling
    full = linear_probe_accuracy(x, labels, permutations=0, rng=default_rng(0))
    capped = linear_probe_accuracy(x, labels, permutations=0, max_rows=60, rng=default_rng(0))
    assert full.details["n"] == 300
    assert capped.details["n_labeled"] == 300
    assert 55 <= capped.details["n"] <= 64
    assert capped.details["num_classes"] == 4
    knn = knn_accuracy(x, labels, permutations=0, max_rows=60, rng=default_rng(0))
    assert knn.details["n"] == capped.details["n"]


# ------------------------------------------------------------------ LEEP with a pseudo source head


def test_pseudo_source_head_gives_probabilities_that_carry_shared_signal() -> None:
    rng = np.random.default_rng(0)
    centres = rng.normal(size=(4, 8)) * 2
    y_source = np.arange(400) % 4
    x_source = centres[y_source] + rng.normal(size=(400, 8))
    y_target = np.arange(120) % 4 // 2  # target classes merge source classes {0,1} and {2,3}
    x_target = centres[np.arange(120) % 4] + rng.normal(size=(120, 8))
    probs = pseudo_source_probs(x_source, y_source, x_target, rng=default_rng(0))
    assert probs.shape == (120, 4)
    np.testing.assert_allclose(probs.sum(axis=1), 1.0, rtol=1e-12)
    informative = leep_score(probs, y_target)
    shuffled = leep_score(probs, rng.permutation(y_target))
    assert informative.value > shuffled.value
    assert informative.details["gain_over_prior"] > 0.3
    assert fit_source_head(x_source, y_source, rng=default_rng(0)).info["source_train_accuracy"] > 0.9


# ------------------------------------------------------------------ degenerate inputs


ALL_METRICS: dict[str, Callable[[Any, Any], MetricResult]] = {
    **FEATURE_METRICS,
    "leep": leep_score,
    "nce": nce_score,
}

_x, _y = _blobs(0, 12, 3, 2, signal=1.0)
DEGENERATE = {
    "one class": (_x, np.zeros(12, dtype=int)),
    "fewer rows than classes": (_x[:3], np.array([0, 1, 2])),
    "constant features": (np.ones((12, 3)), _y),
    "NaN features": (np.where(np.eye(12, 3) > 0, np.nan, _x), _y),
    "label count mismatch": (_x, _y[:-1]),
    "non-integer labels": (_x, _y + 0.5),
}


@pytest.mark.parametrize("case", sorted(DEGENERATE))
@pytest.mark.parametrize("name", sorted(ALL_METRICS))
def test_degenerate_inputs_raise_not_applicable_with_a_reason(name: str, case: str) -> None:
    x, labels = DEGENERATE[case]
    if name in ("leep", "nce"):
        if case == "constant features":
            pytest.skip("source probabilities may legitimately be constant")
        x = np.abs(x) / np.abs(x).sum(axis=1, keepdims=True) if np.isfinite(x).all() else x
    with pytest.raises(MetricNotApplicable) as raised:
        ALL_METRICS[name](x, labels)
    assert len(str(raised.value)) > 10


def test_summary_without_classes_or_with_one_class_is_refused() -> None:
    x, _labels = _blobs(0, 30, 4, 2, signal=1.0)
    for fn in (logme_from_summary, h_score_from_summary):
        with pytest.raises(MetricNotApplicable, match="class"):
            fn(Summary.from_rows(x))
        with pytest.raises(MetricNotApplicable, match="2 classes"):
            fn(Summary.from_rows(x, np.zeros(30, dtype=int)))


def test_source_probs_must_be_probabilities() -> None:
    labels = np.arange(10) % 2
    logits = np.random.default_rng(0).normal(size=(10, 3))
    with pytest.raises(MetricNotApplicable, match=r"non-negative|sum to 1"):
        leep_score(logits, labels)
    with pytest.raises(MetricNotApplicable, match="sum to 1"):
        nce_score(np.abs(logits), labels)


@pytest.mark.parametrize("name", sorted(FEATURE_METRICS))
@settings(max_examples=25, deadline=None)
@given(data=st.data())
def test_never_nan_on_awkward_inputs(name: str, data: st.DataObject) -> None:
    n = data.draw(st.integers(3, 14))
    d = data.draw(st.integers(1, 6))
    scale = data.draw(st.sampled_from([1e-6, 1.0, 1e6]))
    values = data.draw(st.lists(st.sampled_from([0.0, 1.0, -1.0, 0.5, 2.0]),
                                min_size=n * d, max_size=n * d))
    x = np.asarray(values, dtype=np.float64).reshape(n, d) * scale
    labels = np.asarray(data.draw(st.lists(st.integers(0, 2), min_size=n, max_size=n)))
    reason = ""
    try:
        result = FEATURE_METRICS[name](x, labels)
    except MetricNotApplicable as exc:
        reason = str(exc) or "(empty reason)"
    if reason:
        assert reason != "(empty reason)"
        return
    assert math.isfinite(result.value)
    for value in result.details.values():
        if isinstance(value, float):
            assert math.isfinite(value)
