from typing import Literal

TaskSpecType = Literal['classification', 'regression']

TASK_SPEC_TYPE_VALUES: set[TaskSpecType] = { 'classification', 'regression',  }

def check_task_spec_type(value: str) -> TaskSpecType:
    if value in TASK_SPEC_TYPE_VALUES:
        return value
    raise TypeError(f"Unexpected value {value!r}. Expected one of {TASK_SPEC_TYPE_VALUES!r}")
