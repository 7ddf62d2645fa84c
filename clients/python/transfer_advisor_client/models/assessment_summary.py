from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..models.risk import check_risk
from ..models.risk import Risk
from ..models.strategy import check_strategy
from ..models.strategy import Strategy
from ..types import UNSET, Unset
from typing import cast
import datetime






T = TypeVar("T", bound="AssessmentSummary")



@_attrs_define
class AssessmentSummary:
    """ 
        Attributes:
            confidence (float):
            created_at (datetime.datetime):
            id (str):
            negative_transfer_risk (Risk): Reporting band of P(negative transfer).
            policy_version (str):
            source_name (str):
            strategy (Strategy): What to do with the source: adapt it end to end, freeze it, or leave it.
            target_name (str):
            transfer_score (float):
            extractor (None | str | Unset):
     """

    confidence: float
    created_at: datetime.datetime
    id: str
    negative_transfer_risk: Risk
    policy_version: str
    source_name: str
    strategy: Strategy
    target_name: str
    transfer_score: float
    extractor: None | str | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        confidence = self.confidence

        created_at = self.created_at.isoformat()

        id = self.id

        negative_transfer_risk: str = self.negative_transfer_risk

        policy_version = self.policy_version

        source_name = self.source_name

        strategy: str = self.strategy

        target_name = self.target_name

        transfer_score = self.transfer_score

        extractor: None | str | Unset
        if isinstance(self.extractor, Unset):
            extractor = UNSET
        else:
            extractor = self.extractor


        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
            "confidence": confidence,
            "created_at": created_at,
            "id": id,
            "negative_transfer_risk": negative_transfer_risk,
            "policy_version": policy_version,
            "source_name": source_name,
            "strategy": strategy,
            "target_name": target_name,
            "transfer_score": transfer_score,
        })
        if extractor is not UNSET:
            field_dict["extractor"] = extractor

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        confidence = d.pop("confidence")

        created_at = datetime.datetime.fromisoformat(d.pop("created_at"))




        id = d.pop("id")

        negative_transfer_risk = check_risk(d.pop("negative_transfer_risk"))




        policy_version = d.pop("policy_version")

        source_name = d.pop("source_name")

        strategy = check_strategy(d.pop("strategy"))




        target_name = d.pop("target_name")

        transfer_score = d.pop("transfer_score")

        def _parse_extractor(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        extractor = _parse_extractor(d.pop("extractor", UNSET))


        assessment_summary = cls(
            confidence=confidence,
            created_at=created_at,
            id=id,
            negative_transfer_risk=negative_transfer_risk,
            policy_version=policy_version,
            source_name=source_name,
            strategy=strategy,
            target_name=target_name,
            transfer_score=transfer_score,
            extractor=extractor,
        )


        assessment_summary.additional_properties = d
        return assessment_summary

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
