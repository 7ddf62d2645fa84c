from typing import Literal

EncodedImagesDtype = Literal['float32', 'uint8']

ENCODED_IMAGES_DTYPE_VALUES: set[EncodedImagesDtype] = { 'float32', 'uint8',  }

def check_encoded_images_dtype(value: str) -> EncodedImagesDtype:
    if value in ENCODED_IMAGES_DTYPE_VALUES:
        return value
    raise TypeError(f"Unexpected value {value!r}. Expected one of {ENCODED_IMAGES_DTYPE_VALUES!r}")
