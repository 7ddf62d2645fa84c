from typing import Literal

Modality = Literal['audio', 'image', 'other', 'tabular', 'text', 'time_series']

MODALITY_VALUES: set[Modality] = { 'audio', 'image', 'other', 'tabular', 'text', 'time_series',  }

def check_modality(value: str) -> Modality:
    if value in MODALITY_VALUES:
        return value
    raise TypeError(f"Unexpected value {value!r}. Expected one of {MODALITY_VALUES!r}")
