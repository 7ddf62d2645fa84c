from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..types import UNSET, Unset
from typing import cast
import datetime

if TYPE_CHECKING:
  from ..models.ranked_item import RankedItem
  from ..models.ranking_evidence import RankingEvidence





T = TypeVar("T", bound="Ranking")



@_attrs_define
class Ranking:
    """ 
        Attributes:
            created_at (datetime.datetime):
            id (str):
            input_sha256 (str):
            items (list[RankedItem]): Best first: by expected gain, ties by transfer score (then probe lift, LogME)
            policy_version (str):
            prev_record_sha256 (None | str):
            record_sha256 (str):
            service_version (str):
            target_name (str):
            tenant (str):
            evidence (RankingEvidence | Unset):
            reasons (list[str] | Unset): Why the first ranks above the second
            separated_by (None | str | Unset): The evidence (a policy feature, e.g. probe_lift, or 'model') that separated
                the top two; null when they tie
     """

    created_at: datetime.datetime
    id: str
    input_sha256: str
    items: list[RankedItem]
    policy_version: str
    prev_record_sha256: None | str
    record_sha256: str
    service_version: str
    target_name: str
    tenant: str
    evidence: RankingEvidence | Unset = UNSET
    reasons: list[str] | Unset = UNSET
    separated_by: None | str | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        from ..models.ranked_item import RankedItem # noqa: PLC0415
        from ..models.ranking_evidence import RankingEvidence # noqa: PLC0415
        created_at = self.created_at.isoformat()

        id = self.id

        input_sha256 = self.input_sha256

        items = []
        for items_item_data in self.items:
            items_item = items_item_data.to_dict()
            items.append(items_item)



        policy_version = self.policy_version

        prev_record_sha256: None | str
        prev_record_sha256 = self.prev_record_sha256

        record_sha256 = self.record_sha256

        service_version = self.service_version

        target_name = self.target_name

        tenant = self.tenant

        evidence: dict[str, Any] | Unset = UNSET
        if not isinstance(self.evidence, Unset):
            evidence = self.evidence.to_dict()

        reasons: list[str] | Unset = UNSET
        if not isinstance(self.reasons, Unset):
            reasons = self.reasons



        separated_by: None | str | Unset
        if isinstance(self.separated_by, Unset):
            separated_by = UNSET
        else:
            separated_by = self.separated_by


        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
            "created_at": created_at,
            "id": id,
            "input_sha256": input_sha256,
            "items": items,
            "policy_version": policy_version,
            "prev_record_sha256": prev_record_sha256,
            "record_sha256": record_sha256,
            "service_version": service_version,
            "target_name": target_name,
            "tenant": tenant,
        })
        if evidence is not UNSET:
            field_dict["evidence"] = evidence
        if reasons is not UNSET:
            field_dict["reasons"] = reasons
        if separated_by is not UNSET:
            field_dict["separated_by"] = separated_by

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.ranked_item import RankedItem # noqa: PLC0415
        from ..models.ranking_evidence import RankingEvidence # noqa: PLC0415
        d = dict(src_dict)
        created_at = datetime.datetime.fromisoformat(d.pop("created_at"))




        id = d.pop("id")

        input_sha256 = d.pop("input_sha256")

        items = []
        _items = d.pop("items")
        for items_item_data in (_items):
            items_item = RankedItem.from_dict(items_item_data)



            items.append(items_item)


        policy_version = d.pop("policy_version")

        def _parse_prev_record_sha256(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        prev_record_sha256 = _parse_prev_record_sha256(d.pop("prev_record_sha256"))


        record_sha256 = d.pop("record_sha256")

        service_version = d.pop("service_version")

        target_name = d.pop("target_name")

        tenant = d.pop("tenant")

        _evidence = d.pop("evidence", UNSET)
        evidence: RankingEvidence | Unset
        if isinstance(_evidence,  Unset):
            evidence = UNSET
        else:
            evidence = RankingEvidence.from_dict(_evidence)




        reasons = cast(list[str], d.pop("reasons", UNSET))


        def _parse_separated_by(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        separated_by = _parse_separated_by(d.pop("separated_by", UNSET))


        ranking = cls(
            created_at=created_at,
            id=id,
            input_sha256=input_sha256,
            items=items,
            policy_version=policy_version,
            prev_record_sha256=prev_record_sha256,
            record_sha256=record_sha256,
            service_version=service_version,
            target_name=target_name,
            tenant=tenant,
            evidence=evidence,
            reasons=reasons,
            separated_by=separated_by,
        )


        ranking.additional_properties = d
        return ranking

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
