from typing import Literal

TaskSpecSourceModality = Literal['audio', 'image', 'other', 'tabular', 'text', 'time_series']

TASK_SPEC_SOURCE_MODALITY_VALUES: set[TaskSpecSourceModality] = { 'audio', 'image', 'other', 'tabular', 'text', 'time_series',  }

def check_task_spec_source_modality(value: str) -> TaskSpecSourceModality:
    if value in TASK_SPEC_SOURCE_MODALITY_VALUES:
        return value
    raise TypeError(f"Unexpected value {value!r}. Expected one of {TASK_SPEC_SOURCE_MODALITY_VALUES!r}")
