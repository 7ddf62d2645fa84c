"""The words of the contract, defined once: strategies, risk levels, modalities, key scopes.

`StrEnum` members are plain strings, so they compare, hash and serialise as their values.

>>> Strategy.FINE_TUNE == "fine_tune"
True
>>> [m.value for m in Modality][:3]
['image', 'text', 'audio']
"""

from __future__ import annotations

from enum import StrEnum


class Strategy(StrEnum):
    """What to do with the source: adapt it end to end, freeze it, or leave it."""

    FINE_TUNE = "fine_tune"
    FEATURE_EXTRACTION = "feature_extraction"
    TRAIN_FROM_SCRATCH = "train_from_scratch"


class Risk(StrEnum):
    """Reporting band of P(negative transfer)."""

    LOW = "low"
    MEDIUM = "medium"
    HIGH = "high"


class Modality(StrEnum):
    """The kind of data a source model was trained on, or a target holds."""

    IMAGE = "image"
    TEXT = "text"
    AUDIO = "audio"
    TABULAR = "tabular"
    TIME_SERIES = "time_series"
    OTHER = "other"


class Scope(StrEnum):
    """What an API key may do: assess (POST), read (history, extractors), admin (audit, keys)."""

    ASSESS = "assess"
    READ = "read"
    ADMIN = "admin"
