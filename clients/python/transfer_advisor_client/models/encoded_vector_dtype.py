from typing import Literal

EncodedVectorDtype = Literal['float32', 'float64']

ENCODED_VECTOR_DTYPE_VALUES: set[EncodedVectorDtype] = { 'float32', 'float64',  }

def check_encoded_vector_dtype(value: str) -> EncodedVectorDtype:
    if value in ENCODED_VECTOR_DTYPE_VALUES:
        return value
    raise TypeError(f"Unexpected value {value!r}. Expected one of {ENCODED_VECTOR_DTYPE_VALUES!r}")
