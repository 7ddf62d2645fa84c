from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from typing import cast
import datetime






T = TypeVar("T", bound="Outcome")



@_attrs_define
class Outcome:
    """ What the team measured after acting on an assessment (append-only, hash-chained).

        Attributes:
            id (str): Id of this outcome entry (32 hex characters).
            assessment_id (str): The assessment it reports on.
            created_at (datetime.datetime): When it was stored (UTC).
            acc_scratch (float): Accuracy trained from scratch, in [0, 1].
            acc_feature_extraction (float | None): Accuracy with frozen source features (null: not measured).
            acc_fine_tune (float | None): Accuracy fine-tuning the source model (null: not measured).
            metric (str): What the figures measure (`accuracy`).
            test_size (int | None): Held-out target examples measured on.
            seeds (int | None): Training runs each accuracy averages over.
            notes (None | str): The team's free-text notes.
            transfer_gain (float): Best measured transfer accuracy minus scratch's.
            assessment_sha256 (str): record_sha256 of the assessment it reports on.
            record_sha256 (str): sha256 of this entry (audit chain).
            prev_record_sha256 (str): record_sha256 of the tenant's previous entry in the chain.
     """

    id: str
    assessment_id: str
    created_at: datetime.datetime
    acc_scratch: float
    acc_feature_extraction: float | None
    acc_fine_tune: float | None
    metric: str
    test_size: int | None
    seeds: int | None
    notes: None | str
    transfer_gain: float
    assessment_sha256: str
    record_sha256: str
    prev_record_sha256: str
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        id = self.id

        assessment_id = self.assessment_id

        created_at = self.created_at.isoformat()

        acc_scratch = self.acc_scratch

        acc_feature_extraction: float | None
        acc_feature_extraction = self.acc_feature_extraction

        acc_fine_tune: float | None
        acc_fine_tune = self.acc_fine_tune

        metric = self.metric

        test_size: int | None
        test_size = self.test_size

        seeds: int | None
        seeds = self.seeds

        notes: None | str
        notes = self.notes

        transfer_gain = self.transfer_gain

        assessment_sha256 = self.assessment_sha256

        record_sha256 = self.record_sha256

        prev_record_sha256 = self.prev_record_sha256


        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
            "id": id,
            "assessment_id": assessment_id,
            "created_at": created_at,
            "acc_scratch": acc_scratch,
            "acc_feature_extraction": acc_feature_extraction,
            "acc_fine_tune": acc_fine_tune,
            "metric": metric,
            "test_size": test_size,
            "seeds": seeds,
            "notes": notes,
            "transfer_gain": transfer_gain,
            "assessment_sha256": assessment_sha256,
            "record_sha256": record_sha256,
            "prev_record_sha256": prev_record_sha256,
        })

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        id = d.pop("id")

        assessment_id = d.pop("assessment_id")

        created_at = datetime.datetime.fromisoformat(d.pop("created_at"))




        acc_scratch = d.pop("acc_scratch")

        def _parse_acc_feature_extraction(data: object) -> float | None:
            if data is None:
                return data
            return cast(float | None, data)

        acc_feature_extraction = _parse_acc_feature_extraction(d.pop("acc_feature_extraction"))


        def _parse_acc_fine_tune(data: object) -> float | None:
            if data is None:
                return data
            return cast(float | None, data)

        acc_fine_tune = _parse_acc_fine_tune(d.pop("acc_fine_tune"))


        metric = d.pop("metric")

        def _parse_test_size(data: object) -> int | None:
            if data is None:
                return data
            return cast(int | None, data)

        test_size = _parse_test_size(d.pop("test_size"))


        def _parse_seeds(data: object) -> int | None:
            if data is None:
                return data
            return cast(int | None, data)

        seeds = _parse_seeds(d.pop("seeds"))


        def _parse_notes(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        notes = _parse_notes(d.pop("notes"))


        transfer_gain = d.pop("transfer_gain")

        assessment_sha256 = d.pop("assessment_sha256")

        record_sha256 = d.pop("record_sha256")

        prev_record_sha256 = d.pop("prev_record_sha256")

        outcome = cls(
            id=id,
            assessment_id=assessment_id,
            created_at=created_at,
            acc_scratch=acc_scratch,
            acc_feature_extraction=acc_feature_extraction,
            acc_fine_tune=acc_fine_tune,
            metric=metric,
            test_size=test_size,
            seeds=seeds,
            notes=notes,
            transfer_gain=transfer_gain,
            assessment_sha256=assessment_sha256,
            record_sha256=record_sha256,
            prev_record_sha256=prev_record_sha256,
        )


        outcome.additional_properties = d
        return outcome

    @property
    def additional_keys(self) -> list[str]:
        return list(self.additional_properties.keys())

    def __getitem__(self, key: str) -> Any:
        return self.additional_properties[key]

    def __setitem__(self, key: str, value: Any) -> None:
        self.additional_properties[key] = value

    def __delitem__(self, key: str) -> None:
        del self.additional_properties[key]

    def __contains__(self, key: str) -> bool:
        return key in self.additional_properties
