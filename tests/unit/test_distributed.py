"""Summary as a Dask reduction on a LocalCluster equals the one-pass summary to 1e-10."""

from __future__ import annotations

import base64
import os
from collections.abc import Iterator
from typing import Any

import numpy as np
import pytest

from transfer_advisor.domain.summary import Summary


def _dask_or_skip() -> None:
    try:
        import dask.array  # noqa: F401
        import distributed  # noqa: F401
    except ImportError:
        if os.environ.get("CI") == "true":
            pytest.fail("dask[distributed] missing in CI (.ci/run installs the 'dask' extra)")
        pytest.skip("dask[distributed] not installed (pip install -e '.[dask]')")


@pytest.fixture(scope="module")
def cluster_client() -> Iterator[Any]:
    _dask_or_skip()
    from distributed import Client, LocalCluster

    # Threads, not processes: several real workers and a scheduler, without forking on 2 cores.
    with LocalCluster(n_workers=3, threads_per_worker=1, processes=False,
                      dashboard_address=None) as cluster, Client(cluster) as client:
        yield client


def assert_same(a: Summary, b: Summary) -> None:
    assert a.count == b.count
    np.testing.assert_allclose(a.mean, b.mean, rtol=1e-10, atol=1e-10)
    np.testing.assert_allclose(a.cov, b.cov, rtol=1e-10, atol=1e-10)


def test_cluster_reduction_equals_one_pass(cluster_client: Any) -> None:
    import dask.array as da

    from transfer_advisor.distributed import summarize_dask_array

    rng = np.random.default_rng(11)
    # Offset and anisotropic: a naive sum-of-squares merge would lose digits here.
    x = rng.normal(size=(6007, 7)) * np.arange(1, 8) + 1e3
    dx = da.from_array(x, chunks=(500, 3))  # uneven last block, columns split too
    assert dx.numblocks[0] == 13
    merged = summarize_dask_array(dx, split_every=3)
    assert len(cluster_client.scheduler_info()["workers"]) == 3
    assert_same(merged, Summary.from_rows(x))


def test_labels_give_class_moments(cluster_client: Any) -> None:
    import dask.array as da

    from transfer_advisor.distributed import summarize_dask_array, summary_to_wire

    rng = np.random.default_rng(5)
    x = rng.normal(size=(900, 4))
    y = rng.integers(0, 3, size=900)
    y[600:] = -1  # only the first 600 rows are labeled, as in the contract
    merged = summarize_dask_array(da.from_array(x, chunks=128), da.from_array(y, chunks=128),
                                  num_classes=3)
    whole = Summary.from_rows(x, y[:600], 3)
    assert_same(merged, whole)
    assert merged.class_counts is not None
    assert whole.class_counts is not None
    np.testing.assert_array_equal(merged.class_counts, whole.class_counts)
    np.testing.assert_allclose(merged.class_means, whole.class_means, rtol=1e-10, atol=1e-12)
    wire = summary_to_wire(merged)
    assert wire["count"] == 900
    assert wire["class_counts"] == whole.class_counts.tolist()
    assert wire["covariance"]["shape"] == [4, 4]  # sent encoded, float64
    covariance = np.frombuffer(base64.b64decode(wire["covariance"]["data"]), "<f8").reshape(4, 4)
    np.testing.assert_allclose(covariance, np.cov(x, rowvar=False), rtol=1e-10)


def test_empty_blocks_and_bad_input() -> None:
    _dask_or_skip()
    import dask

    from transfer_advisor.distributed import merge_summaries, summarize_block, tree_merge

    x = np.random.default_rng(1).normal(size=(10, 2))
    parts = [summarize_block(x[:0]), summarize_block(x[:4]), summarize_block(x[4:])]
    assert parts[0] is None
    assert_same(merge_summaries(*parts), Summary.from_rows(x))  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="split_every"):
        tree_merge([dask.delayed(parts[1])], split_every=1)
