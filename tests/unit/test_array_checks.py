"""The finiteness and magnitude checks (max and min first) refuse exactly what an elementwise
look refuses, naming the same first index, for float32 (checked as sent) and float64."""

from __future__ import annotations

import re

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from numpy.typing import NDArray

from transfer_advisor.domain import arrays
from transfer_advisor.errors import InvalidInput

LIMIT = arrays.MAX_ABS_VALUE
SPECIAL = [np.nan, np.inf, -np.inf, 2 * LIMIT, -2 * LIMIT, LIMIT, -LIMIT, 0.0]


def elementwise_refusal(values: NDArray[np.floating], limit: float, finite: bool) -> str | None:
    """What the check should say, from an elementwise look (the previous implementation)."""
    if finite:
        bad = ~np.isfinite(values)
        if bad.any():
            return f"non-finite number (NaN or Inf) at index {[int(i) for i in np.argwhere(bad)[0]]}"
    big = np.abs(values) > limit
    if big.any():
        return f"at index {[int(i) for i in np.argwhere(big)[0]]}; magnitudes above"
    return None


@st.composite
def matrices(draw: st.DrawFn) -> NDArray[np.floating]:
    n, d = draw(st.integers(1, 6)), draw(st.integers(1, 6))
    dtype = draw(st.sampled_from([np.float32, np.float64]))
    values = np.random.default_rng(draw(st.integers(0, 2**32 - 1))).standard_normal((n, d))
    for _ in range(draw(st.integers(0, 3))):
        values[draw(st.integers(0, n - 1)), draw(st.integers(0, d - 1))] = draw(
            st.sampled_from(SPECIAL))
    return values.astype(dtype)


@given(values=matrices(), finite=st.booleans())
@settings(max_examples=200, deadline=None)
def test_refuses_what_an_elementwise_look_refuses(values: NDArray[np.floating],
                                                  finite: bool) -> None:
    expected = elementwise_refusal(values, LIMIT, finite)
    check = arrays.check_finite if finite else arrays.check_magnitude
    if expected is None:
        assert check(values, "source.embeddings") is values
        return
    with pytest.raises(InvalidInput, match=re.escape(expected)):
        check(values, "source.embeddings")


def test_a_nan_passes_the_magnitude_check_alone() -> None:
    values = np.array([[1.0, np.nan], [3.0 * LIMIT, 0.0]])
    with pytest.raises(InvalidInput, match=r"at index \[1, 0\]"):
        arrays.check_magnitude(values, "x")
    assert arrays.check_magnitude(np.array([np.nan, 1.0]), "x") is not None


def test_float32_wire_bytes_are_checked_as_sent() -> None:
    raw = np.array([[1.0, np.inf], [2.0, 3.0]], "<f4").tobytes()
    with pytest.raises(InvalidInput, match=r"source.embeddings.data: .*non-finite.*\[0, 1\]"):
        arrays.matrix_from_bytes(raw, [2, 2], "float32", "source.embeddings")
    ok = arrays.matrix_from_bytes(np.ones((2, 2), "<f4").tobytes(), [2, 2], "float32", "x")
    assert ok.dtype == np.float64
