from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from typing import cast
import datetime

if TYPE_CHECKING:
  from ..models.strategy_counts import StrategyCounts





T = TypeVar("T", bound="StatsBucket")



@_attrs_define
class StatsBucket:
    """ One time bucket.

        Attributes:
            start (datetime.datetime): Start of the bucket (UTC).
            counts (StrategyCounts): Records per recommended strategy.
            total (int): Records in the bucket.
            mean_transfer_score (float | None): Mean transfer score of the bucket.
     """

    start: datetime.datetime
    counts: StrategyCounts
    total: int
    mean_transfer_score: float | None
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        from ..models.strategy_counts import StrategyCounts # noqa: PLC0415
        start = self.start.isoformat()

        counts = self.counts.to_dict()

        total = self.total

        mean_transfer_score: float | None
        mean_transfer_score = self.mean_transfer_score


        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
            "start": start,
            "counts": counts,
            "total": total,
            "mean_transfer_score": mean_transfer_score,
        })

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.strategy_counts import StrategyCounts # noqa: PLC0415
        d = dict(src_dict)
        start = datetime.datetime.fromisoformat(d.pop("start"))




        counts = StrategyCounts.from_dict(d.pop("counts"))




        total = d.pop("total")

        def _parse_mean_transfer_score(data: object) -> float | None:
            if data is None:
                return data
            return cast(float | None, data)

        mean_transfer_score = _parse_mean_transfer_score(d.pop("mean_transfer_score"))


        stats_bucket = cls(
            start=start,
            counts=counts,
            total=total,
            mean_transfer_score=mean_transfer_score,
        )


        stats_bucket.additional_properties = d
        return stats_bucket

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
