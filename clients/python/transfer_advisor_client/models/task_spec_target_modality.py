from typing import Literal

TaskSpecTargetModality = Literal['audio', 'image', 'other', 'tabular', 'text', 'time_series']

TASK_SPEC_TARGET_MODALITY_VALUES: set[TaskSpecTargetModality] = { 'audio', 'image', 'other', 'tabular', 'text', 'time_series',  }

def check_task_spec_target_modality(value: str) -> TaskSpecTargetModality:
    if value in TASK_SPEC_TARGET_MODALITY_VALUES:
        return value
    raise TypeError(f"Unexpected value {value!r}. Expected one of {TASK_SPEC_TARGET_MODALITY_VALUES!r}")
