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
    """ 
        Attributes:
            acc_feature_extraction (float | None):
            acc_fine_tune (float | None):
            acc_scratch (float):
            assessment_id (str):
            assessment_sha256 (str): record_sha256 of the assessment it reports on.
            created_at (datetime.datetime):
            id (str):
            metric (str):
            notes (None | str):
            prev_record_sha256 (str):
            record_sha256 (str):
            seeds (int | None):
            test_size (int | None):
            transfer_gain (float): Best measured transfer accuracy minus scratch's.
     """

    acc_feature_extraction: float | None
    acc_fine_tune: float | None
    acc_scratch: float
    assessment_id: str
    assessment_sha256: str
    created_at: datetime.datetime
    id: str
    metric: str
    notes: None | str
    prev_record_sha256: str
    record_sha256: str
    seeds: int | None
    test_size: int | None
    transfer_gain: float
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        acc_feature_extraction: float | None
        acc_feature_extraction = self.acc_feature_extraction

        acc_fine_tune: float | None
        acc_fine_tune = self.acc_fine_tune

        acc_scratch = self.acc_scratch

        assessment_id = self.assessment_id

        assessment_sha256 = self.assessment_sha256

        created_at = self.created_at.isoformat()

        id = self.id

        metric = self.metric

        notes: None | str
        notes = self.notes

        prev_record_sha256 = self.prev_record_sha256

        record_sha256 = self.record_sha256

        seeds: int | None
        seeds = self.seeds

        test_size: int | None
        test_size = self.test_size

        transfer_gain = self.transfer_gain


        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
            "acc_feature_extraction": acc_feature_extraction,
            "acc_fine_tune": acc_fine_tune,
            "acc_scratch": acc_scratch,
            "assessment_id": assessment_id,
            "assessment_sha256": assessment_sha256,
            "created_at": created_at,
            "id": id,
            "metric": metric,
            "notes": notes,
            "prev_record_sha256": prev_record_sha256,
            "record_sha256": record_sha256,
            "seeds": seeds,
            "test_size": test_size,
            "transfer_gain": transfer_gain,
        })

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
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


        acc_scratch = d.pop("acc_scratch")

        assessment_id = d.pop("assessment_id")

        assessment_sha256 = d.pop("assessment_sha256")

        created_at = datetime.datetime.fromisoformat(d.pop("created_at"))




        id = d.pop("id")

        metric = d.pop("metric")

        def _parse_notes(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        notes = _parse_notes(d.pop("notes"))


        prev_record_sha256 = d.pop("prev_record_sha256")

        record_sha256 = d.pop("record_sha256")

        def _parse_seeds(data: object) -> int | None:
            if data is None:
                return data
            return cast(int | None, data)

        seeds = _parse_seeds(d.pop("seeds"))


        def _parse_test_size(data: object) -> int | None:
            if data is None:
                return data
            return cast(int | None, data)

        test_size = _parse_test_size(d.pop("test_size"))


        transfer_gain = d.pop("transfer_gain")

        outcome = cls(
            acc_feature_extraction=acc_feature_extraction,
            acc_fine_tune=acc_fine_tune,
            acc_scratch=acc_scratch,
            assessment_id=assessment_id,
            assessment_sha256=assessment_sha256,
            created_at=created_at,
            id=id,
            metric=metric,
            notes=notes,
            prev_record_sha256=prev_record_sha256,
            record_sha256=record_sha256,
            seeds=seeds,
            test_size=test_size,
            transfer_gain=transfer_gain,
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
