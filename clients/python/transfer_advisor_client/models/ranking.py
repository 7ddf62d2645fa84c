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
    """ A stored ranking (append-only, in the tenant's hash chain beside assessments).

        Attributes:
            id (str): Record id (32 hex characters).
            created_at (datetime.datetime): When it was stored (UTC).
            tenant (str): The tenant of the API key that stored it.
            target_name (str): `target.name` of the request.
            items (list[RankedItem]): Best first: by expected gain, ties by transfer score (then probe lift, LogME), both on
                the features as measured, not clipped to the calibrated range, and the source shift held equal in the gain when
                the target's labels measured the features; each item's last reason says what placed it
            policy_version (str): The decision policy (the tenant's active one) that decided every candidate.
            service_version (str): The service version that computed it.
            input_sha256 (str): sha256 of the canonical request (Idempotency-Key replays compare it).
            record_sha256 (str): sha256 of this record (audit chain).
            prev_record_sha256 (None | str): record_sha256 of the tenant's previous entry (null for the first).
            separated_by (None | str | Unset): The evidence (a policy feature, e.g. probe_lift, or 'model') that separated
                the top two; null when they tie
            reasons (list[str] | Unset): Why the first ranks above the second
            evidence (RankingEvidence | Unset): What was ranked: task, options, target items, labels and form, shared target
                groups.
     """

    id: str
    created_at: datetime.datetime
    tenant: str
    target_name: str
    items: list[RankedItem]
    policy_version: str
    service_version: str
    input_sha256: str
    record_sha256: str
    prev_record_sha256: None | str
    separated_by: None | str | Unset = UNSET
    reasons: list[str] | Unset = UNSET
    evidence: RankingEvidence | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        from ..models.ranked_item import RankedItem # noqa: PLC0415
        from ..models.ranking_evidence import RankingEvidence # noqa: PLC0415
        id = self.id

        created_at = self.created_at.isoformat()

        tenant = self.tenant

        target_name = self.target_name

        items = []
        for items_item_data in self.items:
            items_item = items_item_data.to_dict()
            items.append(items_item)



        policy_version = self.policy_version

        service_version = self.service_version

        input_sha256 = self.input_sha256

        record_sha256 = self.record_sha256

        prev_record_sha256: None | str
        prev_record_sha256 = self.prev_record_sha256

        separated_by: None | str | Unset
        if isinstance(self.separated_by, Unset):
            separated_by = UNSET
        else:
            separated_by = self.separated_by

        reasons: list[str] | Unset = UNSET
        if not isinstance(self.reasons, Unset):
            reasons = self.reasons



        evidence: dict[str, Any] | Unset = UNSET
        if not isinstance(self.evidence, Unset):
            evidence = self.evidence.to_dict()


        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
            "id": id,
            "created_at": created_at,
            "tenant": tenant,
            "target_name": target_name,
            "items": items,
            "policy_version": policy_version,
            "service_version": service_version,
            "input_sha256": input_sha256,
            "record_sha256": record_sha256,
            "prev_record_sha256": prev_record_sha256,
        })
        if separated_by is not UNSET:
            field_dict["separated_by"] = separated_by
        if reasons is not UNSET:
            field_dict["reasons"] = reasons
        if evidence is not UNSET:
            field_dict["evidence"] = evidence

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.ranked_item import RankedItem # noqa: PLC0415
        from ..models.ranking_evidence import RankingEvidence # noqa: PLC0415
        d = dict(src_dict)
        id = d.pop("id")

        created_at = datetime.datetime.fromisoformat(d.pop("created_at"))




        tenant = d.pop("tenant")

        target_name = d.pop("target_name")

        items = []
        _items = d.pop("items")
        for items_item_data in (_items):
            items_item = RankedItem.from_dict(items_item_data)



            items.append(items_item)


        policy_version = d.pop("policy_version")

        service_version = d.pop("service_version")

        input_sha256 = d.pop("input_sha256")

        record_sha256 = d.pop("record_sha256")

        def _parse_prev_record_sha256(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        prev_record_sha256 = _parse_prev_record_sha256(d.pop("prev_record_sha256"))


        def _parse_separated_by(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        separated_by = _parse_separated_by(d.pop("separated_by", UNSET))


        reasons = cast(list[str], d.pop("reasons", UNSET))


        _evidence = d.pop("evidence", UNSET)
        evidence: RankingEvidence | Unset
        if isinstance(_evidence,  Unset):
            evidence = UNSET
        else:
            evidence = RankingEvidence.from_dict(_evidence)




        ranking = cls(
            id=id,
            created_at=created_at,
            tenant=tenant,
            target_name=target_name,
            items=items,
            policy_version=policy_version,
            service_version=service_version,
            input_sha256=input_sha256,
            record_sha256=record_sha256,
            prev_record_sha256=prev_record_sha256,
            separated_by=separated_by,
            reasons=reasons,
            evidence=evidence,
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
