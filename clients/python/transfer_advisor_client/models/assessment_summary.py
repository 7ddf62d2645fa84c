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
    """ One line of the history.

        Attributes:
            id (str): Record id.
            created_at (datetime.datetime): When it was stored (UTC).
            source_name (str): Source dataset name.
            target_name (str): Target dataset name.
            strategy (Strategy): What to do with the source: adapt it end to end, freeze it, or leave it.
            transfer_score (float): Transfer score (0..1).
            negative_transfer_risk (Risk): Reporting band of P(negative transfer).
            confidence (float): Confidence (0..1).
            policy_version (str): The decision policy that decided.
            extractor (None | str | Unset): Extractor of raw inputs, if any.
     """

    id: str
    created_at: datetime.datetime
    source_name: str
    target_name: str
    strategy: Strategy
    transfer_score: float
    negative_transfer_risk: Risk
    confidence: float
    policy_version: str
    extractor: None | str | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        id = self.id

        created_at = self.created_at.isoformat()

        source_name = self.source_name

        target_name = self.target_name

        strategy: str = self.strategy

        transfer_score = self.transfer_score

        negative_transfer_risk: str = self.negative_transfer_risk

        confidence = self.confidence

        policy_version = self.policy_version

        extractor: None | str | Unset
        if isinstance(self.extractor, Unset):
            extractor = UNSET
        else:
            extractor = self.extractor


        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
            "id": id,
            "created_at": created_at,
            "source_name": source_name,
            "target_name": target_name,
            "strategy": strategy,
            "transfer_score": transfer_score,
            "negative_transfer_risk": negative_transfer_risk,
            "confidence": confidence,
            "policy_version": policy_version,
        })
        if extractor is not UNSET:
            field_dict["extractor"] = extractor

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        id = d.pop("id")

        created_at = datetime.datetime.fromisoformat(d.pop("created_at"))




        source_name = d.pop("source_name")

        target_name = d.pop("target_name")

        strategy = check_strategy(d.pop("strategy"))




        transfer_score = d.pop("transfer_score")

        negative_transfer_risk = check_risk(d.pop("negative_transfer_risk"))




        confidence = d.pop("confidence")

        policy_version = d.pop("policy_version")

        def _parse_extractor(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        extractor = _parse_extractor(d.pop("extractor", UNSET))


        assessment_summary = cls(
            id=id,
            created_at=created_at,
            source_name=source_name,
            target_name=target_name,
            strategy=strategy,
            transfer_score=transfer_score,
            negative_transfer_risk=negative_transfer_risk,
            confidence=confidence,
            policy_version=policy_version,
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
