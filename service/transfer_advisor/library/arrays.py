"""Users' arrays, lists and DataFrames as checked numpy arrays; every refusal names the field."""

from __future__ import annotations

from typing import Any

import numpy as np
from numpy.typing import NDArray

from ..domain.arrays import check_finite
from ..errors import InvalidInput


def is_dataframe(value: Any) -> bool:
    """A pandas (or pandas-like) DataFrame, recognised without importing pandas."""
    return hasattr(value, "columns") and hasattr(value, "dtypes") and hasattr(value, "to_numpy")


def dataframe_matrix(frame: Any, field: str) -> NDArray[np.float64]:
    """Numeric columns as float64 (n, d); any other column is refused by name (pick the
    embedding columns yourself: a stray id or text column is not a feature)."""
    other = [str(c) for c, t in zip(frame.columns, frame.dtypes, strict=True)
             if getattr(t, "kind", "O") not in "iuf"]
    if other:
        raise InvalidInput.at(field, f"DataFrame columns {other[:5]} are not numeric; "
                                     "select the embedding columns")
    return np.asarray(frame.to_numpy(dtype=np.float64, na_value=np.nan), dtype=np.float64)


def as_matrix(value: Any, field: str) -> NDArray[np.float64]:
    """An (n, d) matrix of finite reals, n ≥ 1, d ≥ 1, as float64."""
    if is_dataframe(value):
        x = dataframe_matrix(value, field)
    else:
        try:
            x = np.asarray(value)
        except ValueError:
            raise InvalidInput.at(field, "rows are not all of the same length") from None
        if x.dtype == object or not (np.issubdtype(x.dtype, np.number) or x.dtype == bool):
            raise InvalidInput.at(field, f"must hold real numbers, got dtype {x.dtype}")
        if np.issubdtype(x.dtype, np.complexfloating):
            raise InvalidInput.at(field, "must hold real numbers, got complex values")
    if x.ndim != 2:
        raise InvalidInput.at(field, f"must be an (n, d) matrix, got shape {list(x.shape)}")
    if x.shape[0] < 1 or x.shape[1] < 1:
        raise InvalidInput.at(field, f"must hold at least one row and one column, got shape "
                                     f"{list(x.shape)}")
    return check_finite(np.asarray(x, dtype=np.float64), field)


def as_labels(value: Any, field: str) -> NDArray[np.int64]:
    """A flat sequence of non-negative integers (integral floats pass, 1.5 does not)."""
    try:
        y = np.asarray(value.to_numpy() if hasattr(value, "to_numpy") else value)
    except ValueError:
        raise InvalidInput.at(field, "must be a flat sequence of integers") from None
    if y.ndim != 1:
        raise InvalidInput.at(field, f"must be a flat sequence of integers, got shape "
                                     f"{list(y.shape)}")
    if y.dtype.kind == "f":
        if not np.isfinite(y).all() or not np.array_equal(y, np.round(y)):
            raise InvalidInput.at(field, "must be integers (got fractional, NaN or Inf values)")
    elif y.dtype.kind not in "iu" and len(y):  # booleans, strings, objects
        raise InvalidInput.at(field, f"must be integers, got dtype {y.dtype}")
    if len(y) and y.min() < 0:
        raise InvalidInput.at(field, f"holds a negative label ({int(y.min())})")
    if len(y) and y.max() > 2**31 - 1:
        raise InvalidInput.at(field, f"holds label {y.max():g}, above 2**31 - 1")
    return y.astype(np.int64)
