from typing import Literal

PolicyEventEvent = Literal['activation', 'fit']

POLICY_EVENT_EVENT_VALUES: set[PolicyEventEvent] = { 'activation', 'fit',  }

def check_policy_event_event(value: str) -> PolicyEventEvent:
    if value in POLICY_EVENT_EVENT_VALUES:
        return value
    raise TypeError(f"Unexpected value {value!r}. Expected one of {POLICY_EVENT_EVENT_VALUES!r}")
