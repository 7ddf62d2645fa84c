from typing import Literal

EncodedMatrixDtype = Literal['float32', 'float64']

ENCODED_MATRIX_DTYPE_VALUES: set[EncodedMatrixDtype] = { 'float32', 'float64',  }

def check_encoded_matrix_dtype(value: str) -> EncodedMatrixDtype:
    if value in ENCODED_MATRIX_DTYPE_VALUES:
        return value
    raise TypeError(f"Unexpected value {value!r}. Expected one of {ENCODED_MATRIX_DTYPE_VALUES!r}")
