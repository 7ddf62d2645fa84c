from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..types import UNSET, Unset
from typing import cast

if TYPE_CHECKING:
  from ..models.reliability_bin import ReliabilityBin





T = TypeVar("T", bound="Calibration")



@_attrs_define
class Calibration:
    """ A tenant's decisions scored against their outcomes (contract `scenarios.md`); a figure
    is null when nothing can score it (e.g. no negative-transfer case).

        Attributes:
            n (int): Decisions scored: each with the latest outcome reported on it.
            decision_accuracy (float | None): Share of decisions right on transfer (fine_tune or feature_extraction) vs
                train_from_scratch, against the measured gain; a gain within ±0.02 counts as right either way.
            negative_transfer_recall (float | None): Of the outcomes with negative transfer (gain < −0.02), the share where
                the decision was train_from_scratch or the risk high.
            spearman_score_vs_gain (float | None): Spearman rank correlation of transfer_score with the measured gain.
            three_way_accuracy (float | None): Share where the strategy is the best measured one, over outcomes that
                measured fine-tuning.
            expected_gain_mae (float | None): Mean |expected_gain.value − measured gain| (accuracy) over decisions with an
                estimate.
            reliability (list[ReliabilityBin]): Five equal-width transfer_score bins: mean score vs observed share of gain >
                0.
            policy_version (None | str | Unset): The policy version scored (null: the decisions as made, replays left out).
     """

    n: int
    decision_accuracy: float | None
    negative_transfer_recall: float | None
    spearman_score_vs_gain: float | None
    three_way_accuracy: float | None
    expected_gain_mae: float | None
    reliability: list[ReliabilityBin]
    policy_version: None | str | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        from ..models.reliability_bin import ReliabilityBin # noqa: PLC0415
        n = self.n

        decision_accuracy: float | None
        decision_accuracy = self.decision_accuracy

        negative_transfer_recall: float | None
        negative_transfer_recall = self.negative_transfer_recall

        spearman_score_vs_gain: float | None
        spearman_score_vs_gain = self.spearman_score_vs_gain

        three_way_accuracy: float | None
        three_way_accuracy = self.three_way_accuracy

        expected_gain_mae: float | None
        expected_gain_mae = self.expected_gain_mae

        reliability = []
        for reliability_item_data in self.reliability:
            reliability_item = reliability_item_data.to_dict()
            reliability.append(reliability_item)



        policy_version: None | str | Unset
        if isinstance(self.policy_version, Unset):
            policy_version = UNSET
        else:
            policy_version = self.policy_version


        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
            "n": n,
            "decision_accuracy": decision_accuracy,
            "negative_transfer_recall": negative_transfer_recall,
            "spearman_score_vs_gain": spearman_score_vs_gain,
            "three_way_accuracy": three_way_accuracy,
            "expected_gain_mae": expected_gain_mae,
            "reliability": reliability,
        })
        if policy_version is not UNSET:
            field_dict["policy_version"] = policy_version

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.reliability_bin import ReliabilityBin # noqa: PLC0415
        d = dict(src_dict)
        n = d.pop("n")

        def _parse_decision_accuracy(data: object) -> float | None:
            if data is None:
                return data
            return cast(float | None, data)

        decision_accuracy = _parse_decision_accuracy(d.pop("decision_accuracy"))


        def _parse_negative_transfer_recall(data: object) -> float | None:
            if data is None:
                return data
            return cast(float | None, data)

        negative_transfer_recall = _parse_negative_transfer_recall(d.pop("negative_transfer_recall"))


        def _parse_spearman_score_vs_gain(data: object) -> float | None:
            if data is None:
                return data
            return cast(float | None, data)

        spearman_score_vs_gain = _parse_spearman_score_vs_gain(d.pop("spearman_score_vs_gain"))


        def _parse_three_way_accuracy(data: object) -> float | None:
            if data is None:
                return data
            return cast(float | None, data)

        three_way_accuracy = _parse_three_way_accuracy(d.pop("three_way_accuracy"))


        def _parse_expected_gain_mae(data: object) -> float | None:
            if data is None:
                return data
            return cast(float | None, data)

        expected_gain_mae = _parse_expected_gain_mae(d.pop("expected_gain_mae"))


        reliability = []
        _reliability = d.pop("reliability")
        for reliability_item_data in (_reliability):
            reliability_item = ReliabilityBin.from_dict(reliability_item_data)



            reliability.append(reliability_item)


        def _parse_policy_version(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        policy_version = _parse_policy_version(d.pop("policy_version", UNSET))


        calibration = cls(
            n=n,
            decision_accuracy=decision_accuracy,
            negative_transfer_recall=negative_transfer_recall,
            spearman_score_vs_gain=spearman_score_vs_gain,
            three_way_accuracy=three_way_accuracy,
            expected_gain_mae=expected_gain_mae,
            reliability=reliability,
            policy_version=policy_version,
        )


        calibration.additional_properties = d
        return calibration

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
