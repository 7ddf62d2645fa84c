from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..models.assessment_stats_bucket import AssessmentStatsBucket
from ..models.assessment_stats_bucket import check_assessment_stats_bucket
from typing import cast

if TYPE_CHECKING:
  from ..models.stats_bucket import StatsBucket
  from ..models.strategy_counts import StrategyCounts





T = TypeVar("T", bound="AssessmentStats")



@_attrs_define
class AssessmentStats:
    """ Counts per strategy per time bucket, with the history filters applied.

        Attributes:
            bucket (AssessmentStatsBucket): Bucket width.
            buckets (list[StatsBucket]): Non-empty buckets only, oldest first; starts are UTC (weeks start Monday).
            totals (StrategyCounts): Records per recommended strategy.
            total (int): Records over all buckets.
     """

    bucket: AssessmentStatsBucket
    buckets: list[StatsBucket]
    totals: StrategyCounts
    total: int
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        from ..models.stats_bucket import StatsBucket # noqa: PLC0415
        from ..models.strategy_counts import StrategyCounts # noqa: PLC0415
        bucket: str = self.bucket

        buckets = []
        for buckets_item_data in self.buckets:
            buckets_item = buckets_item_data.to_dict()
            buckets.append(buckets_item)



        totals = self.totals.to_dict()

        total = self.total


        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
            "bucket": bucket,
            "buckets": buckets,
            "totals": totals,
            "total": total,
        })

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.stats_bucket import StatsBucket # noqa: PLC0415
        from ..models.strategy_counts import StrategyCounts # noqa: PLC0415
        d = dict(src_dict)
        bucket = check_assessment_stats_bucket(d.pop("bucket"))




        buckets = []
        _buckets = d.pop("buckets")
        for buckets_item_data in (_buckets):
            buckets_item = StatsBucket.from_dict(buckets_item_data)



            buckets.append(buckets_item)


        totals = StrategyCounts.from_dict(d.pop("totals"))




        total = d.pop("total")

        assessment_stats = cls(
            bucket=bucket,
            buckets=buckets,
            totals=totals,
            total=total,
        )


        assessment_stats.additional_properties = d
        return assessment_stats

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
