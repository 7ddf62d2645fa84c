"""CSV and Parquet files as arrays, through pandas (and pyarrow for Parquet): the optional
`tables` extra, imported only when such a file is read."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import NDArray

from .common import InputFileError

TABLE_SUFFIXES = (".csv", ".parquet")
EXTRA = "pip install 'transfer-advisor[tables]'"
LABEL_COLUMN = "label"
TEXT_COLUMN = "text"


def read_table(path: Path) -> Any:
    """The file as a pandas DataFrame; a clear message when the extra is not installed."""
    try:
        import pandas as pd
    except ImportError:
        raise InputFileError(f"{path}: reading {path.suffix} files needs pandas: {EXTRA}") from None
    try:
        if path.suffix.lower() == ".parquet":
            return pd.read_parquet(path)
        return pd.read_csv(path)
    except ImportError:
        raise InputFileError(f"{path}: reading Parquet needs pyarrow: {EXTRA}") from None
    except (ValueError, OSError, UnicodeDecodeError) as exc:  # pandas' parser errors are ValueErrors
        raise InputFileError(f"{path}: not a readable {path.suffix} table ({exc})") from None


def numeric_matrix(frame: Any, path: Path, what: str) -> NDArray[np.float64]:
    """Every column as float64 (n, d); a non-numeric column is refused by name."""
    other = [str(c) for c, t in zip(frame.columns, frame.dtypes, strict=True)
             if getattr(t, "kind", "O") not in "iufb"]
    if other:
        raise InputFileError(f"{path}: columns {other[:5]} are not numeric; {what}")
    if frame.shape[0] == 0 or frame.shape[1] == 0:
        raise InputFileError(f"{path}: no rows or no columns")
    return np.asarray(frame.to_numpy(dtype=np.float64, na_value=np.nan), dtype=np.float64)


def table_embeddings(path: Path) -> tuple[NDArray[np.float64], list[int] | None]:
    """Embeddings (every column but `label`) and the labels of the leading rows, if any."""
    frame = read_table(path)
    labels = None
    if LABEL_COLUMN in frame.columns:
        column = frame[LABEL_COLUMN]
        if getattr(column.dtype, "kind", "O") not in "iuf":
            raise InputFileError(f"{path}: '{LABEL_COLUMN}' must hold non-negative integers "
                                 f"(got {column.dtype})")
        labels = leading_labels(column.to_numpy(dtype=np.float64, na_value=np.nan), path)
        frame = frame.drop(columns=[LABEL_COLUMN])
    x = numeric_matrix(frame, path, f"expected embedding columns (and an optional "
                                    f"'{LABEL_COLUMN}' column)")
    return x, labels


def leading_labels(values: NDArray[np.float64], path: Path) -> list[int] | None:
    """Labels of the first rows; empty cells after them mark the unlabeled rows."""
    present = ~np.isnan(values)
    k = int(present.sum())
    if not present[:k].all():
        row = int(np.argmin(present[:k])) + 2  # 1-based, after the header line
        raise InputFileError(f"{path}: '{LABEL_COLUMN}' is empty on row {row} before labeled "
                             "rows; put the labeled rows first")
    y = values[:k]
    if (y < 0).any() or not np.array_equal(y, np.round(y)):
        raise InputFileError(f"{path}: '{LABEL_COLUMN}' must hold non-negative integers")
    return [int(v) for v in y] or None


def table_texts(path: Path) -> list[str]:
    """The `text` column (or the only column) as strings."""
    frame = read_table(path)
    if TEXT_COLUMN in frame.columns:
        column = frame[TEXT_COLUMN]
    elif frame.shape[1] == 1:
        column = frame.iloc[:, 0]
    else:
        raise InputFileError(f"{path}: expected a '{TEXT_COLUMN}' column (found "
                             f"{[str(c) for c in frame.columns][:5]})")
    missing = column.isna().to_numpy()
    if missing.any():
        raise InputFileError(f"{path}: row {int(np.argmax(missing)) + 2} has no text")
    return [str(v) for v in column.tolist()]


def table_images(path: Path, shape: tuple[int | None, ...]) -> NDArray[np.float64]:
    """One flattened image per row, reshaped to the extractor's declared [n, h, w, c]."""
    if any(d is None for d in shape[1:]):
        raise InputFileError(f"{path}: the extractor takes images of free size; give a .npy "
                             "(n, h, w, c) instead of a table")
    dims = [int(d) for d in shape[1:] if d is not None]
    x = numeric_matrix(read_table(path), path, "expected one flattened image per row")
    if x.shape[1] != int(np.prod(dims)):
        raise InputFileError(f"{path}: {x.shape[1]} columns per row; the extractor takes "
                             f"{'×'.join(map(str, dims))} = {int(np.prod(dims))} values per image")
    return x.reshape((x.shape[0], *dims))
