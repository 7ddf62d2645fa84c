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

if TYPE_CHECKING:
  from ..models.expected_gain_out import ExpectedGainOut
  from ..models.extractor_ref import ExtractorRef
  from ..models.ranked_item_evidence import RankedItemEvidence
  from ..models.ranked_item_metrics import RankedItemMetrics
  from ..models.ranked_item_omitted import RankedItemOmitted





T = TypeVar("T", bound="RankedItem")



@_attrs_define
class RankedItem:
    """ One candidate's assessment, as POST /assess would have answered it, and its rank.

        Attributes:
            name (str): `candidates[].name` of the request.
            rank (int): 1 = best.
            strategy (Strategy): What to do with the source: adapt it end to end, freeze it, or leave it.
            transfer_score (float): Estimated probability that transfer beats training from scratch.
            negative_transfer_risk (Risk): Reporting band of P(negative transfer).
            confidence (float): How sure the policy is (lower when evidence is missing).
            reasons (list[str]): Human-readable reasons naming each metric, its value and the threshold that mattered.
            metrics (RankedItemMetrics): Results by metric name.
            expected_gain (ExpectedGainOut | None | Unset): Accuracy gain of the best transfer strategy over scratch, with
                an 80 % interval, as POST /assess estimates it (the ranking reads the same model on the features as measured;
                the last reason gives that value).
            omitted (RankedItemOmitted | Unset): Metric → why it could not run for this candidate.
            source_name (None | str | Unset): `source.name` of the candidate (null without source data).
            extractor (ExtractorRef | None | Unset): The extractor that embedded the raw inputs, if any.
            evidence (RankedItemEvidence | Unset): What was assessed for this candidate: shapes, summary fingerprints, task,
                options.
     """

    name: str
    rank: int
    strategy: Strategy
    transfer_score: float
    negative_transfer_risk: Risk
    confidence: float
    reasons: list[str]
    metrics: RankedItemMetrics
    expected_gain: ExpectedGainOut | None | Unset = UNSET
    omitted: RankedItemOmitted | Unset = UNSET
    source_name: None | str | Unset = UNSET
    extractor: ExtractorRef | None | Unset = UNSET
    evidence: RankedItemEvidence | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        from ..models.expected_gain_out import ExpectedGainOut # noqa: PLC0415
        from ..models.extractor_ref import ExtractorRef # noqa: PLC0415
        from ..models.ranked_item_evidence import RankedItemEvidence # noqa: PLC0415
        from ..models.ranked_item_metrics import RankedItemMetrics # noqa: PLC0415
        from ..models.ranked_item_omitted import RankedItemOmitted # noqa: PLC0415
        name = self.name

        rank = self.rank

        strategy: str = self.strategy

        transfer_score = self.transfer_score

        negative_transfer_risk: str = self.negative_transfer_risk

        confidence = self.confidence

        reasons = self.reasons



        metrics = self.metrics.to_dict()

        expected_gain: dict[str, Any] | None | Unset
        if isinstance(self.expected_gain, Unset):
            expected_gain = UNSET
        elif isinstance(self.expected_gain, ExpectedGainOut):
            expected_gain = self.expected_gain.to_dict()
        else:
            expected_gain = self.expected_gain

        omitted: dict[str, Any] | Unset = UNSET
        if not isinstance(self.omitted, Unset):
            omitted = self.omitted.to_dict()

        source_name: None | str | Unset
        if isinstance(self.source_name, Unset):
            source_name = UNSET
        else:
            source_name = self.source_name

        extractor: dict[str, Any] | None | Unset
        if isinstance(self.extractor, Unset):
            extractor = UNSET
        elif isinstance(self.extractor, ExtractorRef):
            extractor = self.extractor.to_dict()
        else:
            extractor = self.extractor

        evidence: dict[str, Any] | Unset = UNSET
        if not isinstance(self.evidence, Unset):
            evidence = self.evidence.to_dict()


        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
            "name": name,
            "rank": rank,
            "strategy": strategy,
            "transfer_score": transfer_score,
            "negative_transfer_risk": negative_transfer_risk,
            "confidence": confidence,
            "reasons": reasons,
            "metrics": metrics,
        })
        if expected_gain is not UNSET:
            field_dict["expected_gain"] = expected_gain
        if omitted is not UNSET:
            field_dict["omitted"] = omitted
        if source_name is not UNSET:
            field_dict["source_name"] = source_name
        if extractor is not UNSET:
            field_dict["extractor"] = extractor
        if evidence is not UNSET:
            field_dict["evidence"] = evidence

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.expected_gain_out import ExpectedGainOut # noqa: PLC0415
        from ..models.extractor_ref import ExtractorRef # noqa: PLC0415
        from ..models.ranked_item_evidence import RankedItemEvidence # noqa: PLC0415
        from ..models.ranked_item_metrics import RankedItemMetrics # noqa: PLC0415
        from ..models.ranked_item_omitted import RankedItemOmitted # noqa: PLC0415
        d = dict(src_dict)
        name = d.pop("name")

        rank = d.pop("rank")

        strategy = check_strategy(d.pop("strategy"))




        transfer_score = d.pop("transfer_score")

        negative_transfer_risk = check_risk(d.pop("negative_transfer_risk"))




        confidence = d.pop("confidence")

        reasons = cast(list[str], d.pop("reasons"))


        metrics = RankedItemMetrics.from_dict(d.pop("metrics"))




        def _parse_expected_gain(data: object) -> ExpectedGainOut | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                expected_gain_type_0 = ExpectedGainOut.from_dict(data)



                return expected_gain_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(ExpectedGainOut | None | Unset, data)

        expected_gain = _parse_expected_gain(d.pop("expected_gain", UNSET))


        _omitted = d.pop("omitted", UNSET)
        omitted: RankedItemOmitted | Unset
        if isinstance(_omitted,  Unset):
            omitted = UNSET
        else:
            omitted = RankedItemOmitted.from_dict(_omitted)




        def _parse_source_name(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        source_name = _parse_source_name(d.pop("source_name", UNSET))


        def _parse_extractor(data: object) -> ExtractorRef | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                extractor_type_0 = ExtractorRef.from_dict(data)



                return extractor_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(ExtractorRef | None | Unset, data)

        extractor = _parse_extractor(d.pop("extractor", UNSET))


        _evidence = d.pop("evidence", UNSET)
        evidence: RankedItemEvidence | Unset
        if isinstance(_evidence,  Unset):
            evidence = UNSET
        else:
            evidence = RankedItemEvidence.from_dict(_evidence)




        ranked_item = cls(
            name=name,
            rank=rank,
            strategy=strategy,
            transfer_score=transfer_score,
            negative_transfer_risk=negative_transfer_risk,
            confidence=confidence,
            reasons=reasons,
            metrics=metrics,
            expected_gain=expected_gain,
            omitted=omitted,
            source_name=source_name,
            extractor=extractor,
            evidence=evidence,
        )


        ranked_item.additional_properties = d
        return ranked_item

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
