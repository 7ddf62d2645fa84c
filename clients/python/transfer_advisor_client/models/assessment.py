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
  from ..models.assessment_evidence import AssessmentEvidence
  from ..models.assessment_metrics import AssessmentMetrics
  from ..models.assessment_omitted import AssessmentOmitted
  from ..models.extractor_ref import ExtractorRef
  from ..models.outcome import Outcome
  from ..models.recommendation_out import RecommendationOut





T = TypeVar("T", bound="Assessment")



@_attrs_define
class Assessment:
    """ 
        Attributes:
            created_at (datetime.datetime):
            id (str):
            input_sha256 (str):
            metrics (AssessmentMetrics):
            policy_version (str):
            prev_record_sha256 (None | str):
            recommendation (RecommendationOut):
            record_sha256 (str):
            service_version (str):
            source_name (str):
            target_name (str):
            tenant (str):
            evidence (AssessmentEvidence | Unset): What was assessed: names, shapes, summary fingerprints, task, options.
            extractor (ExtractorRef | None | Unset):
            omitted (AssessmentOmitted | Unset): Metric → why it could not run on this input (contract v1.1).
            outcomes (list[Outcome] | Unset): What was measured after acting on it, oldest first; the latest counts
                (contract v1.1; on GET /assessments/{id}).
            replay_of (None | str | Unset):
     """

    created_at: datetime.datetime
    id: str
    input_sha256: str
    metrics: AssessmentMetrics
    policy_version: str
    prev_record_sha256: None | str
    recommendation: RecommendationOut
    record_sha256: str
    service_version: str
    source_name: str
    target_name: str
    tenant: str
    evidence: AssessmentEvidence | Unset = UNSET
    extractor: ExtractorRef | None | Unset = UNSET
    omitted: AssessmentOmitted | Unset = UNSET
    outcomes: list[Outcome] | Unset = UNSET
    replay_of: None | str | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        from ..models.assessment_evidence import AssessmentEvidence # noqa: PLC0415
        from ..models.assessment_metrics import AssessmentMetrics # noqa: PLC0415
        from ..models.assessment_omitted import AssessmentOmitted # noqa: PLC0415
        from ..models.extractor_ref import ExtractorRef # noqa: PLC0415
        from ..models.outcome import Outcome # noqa: PLC0415
        from ..models.recommendation_out import RecommendationOut # noqa: PLC0415
        created_at = self.created_at.isoformat()

        id = self.id

        input_sha256 = self.input_sha256

        metrics = self.metrics.to_dict()

        policy_version = self.policy_version

        prev_record_sha256: None | str
        prev_record_sha256 = self.prev_record_sha256

        recommendation = self.recommendation.to_dict()

        record_sha256 = self.record_sha256

        service_version = self.service_version

        source_name = self.source_name

        target_name = self.target_name

        tenant = self.tenant

        evidence: dict[str, Any] | Unset = UNSET
        if not isinstance(self.evidence, Unset):
            evidence = self.evidence.to_dict()

        extractor: dict[str, Any] | None | Unset
        if isinstance(self.extractor, Unset):
            extractor = UNSET
        elif isinstance(self.extractor, ExtractorRef):
            extractor = self.extractor.to_dict()
        else:
            extractor = self.extractor

        omitted: dict[str, Any] | Unset = UNSET
        if not isinstance(self.omitted, Unset):
            omitted = self.omitted.to_dict()

        outcomes: list[dict[str, Any]] | Unset = UNSET
        if not isinstance(self.outcomes, Unset):
            outcomes = []
            for outcomes_item_data in self.outcomes:
                outcomes_item = outcomes_item_data.to_dict()
                outcomes.append(outcomes_item)



        replay_of: None | str | Unset
        if isinstance(self.replay_of, Unset):
            replay_of = UNSET
        else:
            replay_of = self.replay_of


        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
            "created_at": created_at,
            "id": id,
            "input_sha256": input_sha256,
            "metrics": metrics,
            "policy_version": policy_version,
            "prev_record_sha256": prev_record_sha256,
            "recommendation": recommendation,
            "record_sha256": record_sha256,
            "service_version": service_version,
            "source_name": source_name,
            "target_name": target_name,
            "tenant": tenant,
        })
        if evidence is not UNSET:
            field_dict["evidence"] = evidence
        if extractor is not UNSET:
            field_dict["extractor"] = extractor
        if omitted is not UNSET:
            field_dict["omitted"] = omitted
        if outcomes is not UNSET:
            field_dict["outcomes"] = outcomes
        if replay_of is not UNSET:
            field_dict["replay_of"] = replay_of

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.assessment_evidence import AssessmentEvidence # noqa: PLC0415
        from ..models.assessment_metrics import AssessmentMetrics # noqa: PLC0415
        from ..models.assessment_omitted import AssessmentOmitted # noqa: PLC0415
        from ..models.extractor_ref import ExtractorRef # noqa: PLC0415
        from ..models.outcome import Outcome # noqa: PLC0415
        from ..models.recommendation_out import RecommendationOut # noqa: PLC0415
        d = dict(src_dict)
        created_at = datetime.datetime.fromisoformat(d.pop("created_at"))




        id = d.pop("id")

        input_sha256 = d.pop("input_sha256")

        metrics = AssessmentMetrics.from_dict(d.pop("metrics"))




        policy_version = d.pop("policy_version")

        def _parse_prev_record_sha256(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        prev_record_sha256 = _parse_prev_record_sha256(d.pop("prev_record_sha256"))


        recommendation = RecommendationOut.from_dict(d.pop("recommendation"))




        record_sha256 = d.pop("record_sha256")

        service_version = d.pop("service_version")

        source_name = d.pop("source_name")

        target_name = d.pop("target_name")

        tenant = d.pop("tenant")

        _evidence = d.pop("evidence", UNSET)
        evidence: AssessmentEvidence | Unset
        if isinstance(_evidence,  Unset):
            evidence = UNSET
        else:
            evidence = AssessmentEvidence.from_dict(_evidence)




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


        _omitted = d.pop("omitted", UNSET)
        omitted: AssessmentOmitted | Unset
        if isinstance(_omitted,  Unset):
            omitted = UNSET
        else:
            omitted = AssessmentOmitted.from_dict(_omitted)




        _outcomes = d.pop("outcomes", UNSET)
        outcomes: list[Outcome] | Unset = UNSET
        if _outcomes is not UNSET:
            outcomes = []
            for outcomes_item_data in _outcomes:
                outcomes_item = Outcome.from_dict(outcomes_item_data)



                outcomes.append(outcomes_item)


        def _parse_replay_of(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        replay_of = _parse_replay_of(d.pop("replay_of", UNSET))


        assessment = cls(
            created_at=created_at,
            id=id,
            input_sha256=input_sha256,
            metrics=metrics,
            policy_version=policy_version,
            prev_record_sha256=prev_record_sha256,
            recommendation=recommendation,
            record_sha256=record_sha256,
            service_version=service_version,
            source_name=source_name,
            target_name=target_name,
            tenant=tenant,
            evidence=evidence,
            extractor=extractor,
            omitted=omitted,
            outcomes=outcomes,
            replay_of=replay_of,
        )


        assessment.additional_properties = d
        return assessment

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
