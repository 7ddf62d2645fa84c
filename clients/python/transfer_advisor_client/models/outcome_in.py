from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..types import UNSET, Unset
from typing import cast
from typing import Literal, cast






T = TypeVar("T", bound="OutcomeIn")



@_attrs_define
class OutcomeIn:
    """ What the team measured on held-out target data after acting on the assessment.

        Attributes:
            acc_scratch (float): Accuracy trained from scratch, in [0, 1].
            acc_feature_extraction (float | None | Unset): Accuracy with frozen source features (this or acc_fine_tune is
                required).
            acc_fine_tune (float | None | Unset): Accuracy fine-tuning the source model.
            metric (Literal['accuracy'] | Unset): What the figures measure (accuracy only). Default: 'accuracy'.
            test_size (int | None | Unset): Held-out target examples the accuracies were measured on.
            seeds (int | None | Unset): Training runs (seeds) each accuracy averages over.
            notes (None | str | Unset): Free text: models, epochs, what was trained (stored as is).
     """

    acc_scratch: float
    acc_feature_extraction: float | None | Unset = UNSET
    acc_fine_tune: float | None | Unset = UNSET
    metric: Literal['accuracy'] | Unset = 'accuracy'
    test_size: int | None | Unset = UNSET
    seeds: int | None | Unset = UNSET
    notes: None | str | Unset = UNSET





    def to_dict(self) -> dict[str, Any]:
        acc_scratch = self.acc_scratch

        acc_feature_extraction: float | None | Unset
        if isinstance(self.acc_feature_extraction, Unset):
            acc_feature_extraction = UNSET
        else:
            acc_feature_extraction = self.acc_feature_extraction

        acc_fine_tune: float | None | Unset
        if isinstance(self.acc_fine_tune, Unset):
            acc_fine_tune = UNSET
        else:
            acc_fine_tune = self.acc_fine_tune

        metric = self.metric

        test_size: int | None | Unset
        if isinstance(self.test_size, Unset):
            test_size = UNSET
        else:
            test_size = self.test_size

        seeds: int | None | Unset
        if isinstance(self.seeds, Unset):
            seeds = UNSET
        else:
            seeds = self.seeds

        notes: None | str | Unset
        if isinstance(self.notes, Unset):
            notes = UNSET
        else:
            notes = self.notes


        field_dict: dict[str, Any] = {}

        field_dict.update({
            "acc_scratch": acc_scratch,
        })
        if acc_feature_extraction is not UNSET:
            field_dict["acc_feature_extraction"] = acc_feature_extraction
        if acc_fine_tune is not UNSET:
            field_dict["acc_fine_tune"] = acc_fine_tune
        if metric is not UNSET:
            field_dict["metric"] = metric
        if test_size is not UNSET:
            field_dict["test_size"] = test_size
        if seeds is not UNSET:
            field_dict["seeds"] = seeds
        if notes is not UNSET:
            field_dict["notes"] = notes

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        acc_scratch = d.pop("acc_scratch")

        def _parse_acc_feature_extraction(data: object) -> float | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(float | None | Unset, data)

        acc_feature_extraction = _parse_acc_feature_extraction(d.pop("acc_feature_extraction", UNSET))


        def _parse_acc_fine_tune(data: object) -> float | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(float | None | Unset, data)

        acc_fine_tune = _parse_acc_fine_tune(d.pop("acc_fine_tune", UNSET))


        metric = cast(Literal['accuracy'] | Unset , d.pop("metric", UNSET))
        if metric != 'accuracy'and not isinstance(metric, Unset):
            raise ValueError(f"metric must match const 'accuracy', got '{metric}'")

        def _parse_test_size(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(int | None | Unset, data)

        test_size = _parse_test_size(d.pop("test_size", UNSET))


        def _parse_seeds(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(int | None | Unset, data)

        seeds = _parse_seeds(d.pop("seeds", UNSET))


        def _parse_notes(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        notes = _parse_notes(d.pop("notes", UNSET))


        outcome_in = cls(
            acc_scratch=acc_scratch,
            acc_feature_extraction=acc_feature_extraction,
            acc_fine_tune=acc_fine_tune,
            metric=metric,
            test_size=test_size,
            seeds=seeds,
            notes=notes,
        )

        return outcome_in

