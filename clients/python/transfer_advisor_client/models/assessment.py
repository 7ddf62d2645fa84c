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
    """ A stored assessment record (append-only, hash-chained).

        Attributes:
            id (str): Record id (32 hex characters).
            created_at (datetime.datetime): When it was stored (UTC).
            tenant (str): The tenant of the API key that stored it.
            source_name (str): `source.name` of the request.
            target_name (str): `target.name` of the request.
            recommendation (RecommendationOut): The decision and why.
            metrics (AssessmentMetrics): Results by metric name.
            policy_version (str): The decision policy that decided.
            service_version (str): The service version that computed it.
            input_sha256 (str): sha256 of the canonical request.
            record_sha256 (str): sha256 of this record (audit chain).
            prev_record_sha256 (None | str): record_sha256 of the tenant's previous record (null for the first).
            extractor (ExtractorRef | None | Unset): Extractor of raw inputs, if any.
            evidence (AssessmentEvidence | Unset): What was assessed: names, shapes, summary fingerprints, task, options.
            omitted (AssessmentOmitted | Unset): Metric → why it could not run on this input (contract v1.1).
            replay_of (None | str | Unset): For a replay: the id of the record replayed.
            outcomes (list[Outcome] | Unset): What was measured after acting on it, oldest first; the latest counts
                (contract v1.1; on GET /assessments/{id}).
     """

    id: str
    created_at: datetime.datetime
    tenant: str
    source_name: str
    target_name: str
    recommendation: RecommendationOut
    metrics: AssessmentMetrics
    policy_version: str
    service_version: str
    input_sha256: str
    record_sha256: str
    prev_record_sha256: None | str
    extractor: ExtractorRef | None | Unset = UNSET
    evidence: AssessmentEvidence | Unset = UNSET
    omitted: AssessmentOmitted | Unset = UNSET
    replay_of: None | str | Unset = UNSET
    outcomes: list[Outcome] | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        from ..models.assessment_evidence import AssessmentEvidence # noqa: PLC0415
        from ..models.assessment_metrics import AssessmentMetrics # noqa: PLC0415
        from ..models.assessment_omitted import AssessmentOmitted # noqa: PLC0415
        from ..models.extractor_ref import ExtractorRef # noqa: PLC0415
        from ..models.outcome import Outcome # noqa: PLC0415
        from ..models.recommendation_out import RecommendationOut # noqa: PLC0415
        id = self.id

        created_at = self.created_at.isoformat()

        tenant = self.tenant

        source_name = self.source_name

        target_name = self.target_name

        recommendation = self.recommendation.to_dict()

        metrics = self.metrics.to_dict()

        policy_version = self.policy_version

        service_version = self.service_version

        input_sha256 = self.input_sha256

        record_sha256 = self.record_sha256

        prev_record_sha256: None | str
        prev_record_sha256 = self.prev_record_sha256

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

        omitted: dict[str, Any] | Unset = UNSET
        if not isinstance(self.omitted, Unset):
            omitted = self.omitted.to_dict()

        replay_of: None | str | Unset
        if isinstance(self.replay_of, Unset):
            replay_of = UNSET
        else:
            replay_of = self.replay_of

        outcomes: list[dict[str, Any]] | Unset = UNSET
        if not isinstance(self.outcomes, Unset):
            outcomes = []
            for outcomes_item_data in self.outcomes:
                outcomes_item = outcomes_item_data.to_dict()
                outcomes.append(outcomes_item)




        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
            "id": id,
            "created_at": created_at,
            "tenant": tenant,
            "source_name": source_name,
            "target_name": target_name,
            "recommendation": recommendation,
            "metrics": metrics,
            "policy_version": policy_version,
            "service_version": service_version,
            "input_sha256": input_sha256,
            "record_sha256": record_sha256,
            "prev_record_sha256": prev_record_sha256,
        })
        if extractor is not UNSET:
            field_dict["extractor"] = extractor
        if evidence is not UNSET:
            field_dict["evidence"] = evidence
        if omitted is not UNSET:
            field_dict["omitted"] = omitted
        if replay_of is not UNSET:
            field_dict["replay_of"] = replay_of
        if outcomes is not UNSET:
            field_dict["outcomes"] = outcomes

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
        id = d.pop("id")

        created_at = datetime.datetime.fromisoformat(d.pop("created_at"))




        tenant = d.pop("tenant")

        source_name = d.pop("source_name")

        target_name = d.pop("target_name")

        recommendation = RecommendationOut.from_dict(d.pop("recommendation"))




        metrics = AssessmentMetrics.from_dict(d.pop("metrics"))




        policy_version = d.pop("policy_version")

        service_version = d.pop("service_version")

        input_sha256 = d.pop("input_sha256")

        record_sha256 = d.pop("record_sha256")

        def _parse_prev_record_sha256(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        prev_record_sha256 = _parse_prev_record_sha256(d.pop("prev_record_sha256"))


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
        evidence: AssessmentEvidence | Unset
        if isinstance(_evidence,  Unset):
            evidence = UNSET
        else:
            evidence = AssessmentEvidence.from_dict(_evidence)




        _omitted = d.pop("omitted", UNSET)
        omitted: AssessmentOmitted | Unset
        if isinstance(_omitted,  Unset):
            omitted = UNSET
        else:
            omitted = AssessmentOmitted.from_dict(_omitted)




        def _parse_replay_of(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        replay_of = _parse_replay_of(d.pop("replay_of", UNSET))


        _outcomes = d.pop("outcomes", UNSET)
        outcomes: list[Outcome] | Unset = UNSET
        if _outcomes is not UNSET:
            outcomes = []
            for outcomes_item_data in _outcomes:
                outcomes_item = Outcome.from_dict(outcomes_item_data)



                outcomes.append(outcomes_item)


        assessment = cls(
            id=id,
            created_at=created_at,
            tenant=tenant,
            source_name=source_name,
            target_name=target_name,
            recommendation=recommendation,
            metrics=metrics,
            policy_version=policy_version,
            service_version=service_version,
            input_sha256=input_sha256,
            record_sha256=record_sha256,
            prev_record_sha256=prev_record_sha256,
            extractor=extractor,
            evidence=evidence,
            omitted=omitted,
            replay_of=replay_of,
            outcomes=outcomes,
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
