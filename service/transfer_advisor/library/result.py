"""What `transfer_advisor.assess` returns: the recommendation and metrics of one assessment."""

from __future__ import annotations

import copy
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from ..domain.results import MetricResult
from ..domain.vocabulary import Risk, Strategy


@dataclass(frozen=True)
class AssessmentResult:
    """One assessment, computed as POST /assess computes it, and not stored.

    `metrics` maps a metric name to its `MetricResult(value, p_value, details)`; `omitted`
    maps a metric that could not run on this input to the reason. `to_dict()` is the JSON of
    the POST /assess answer without the stored record's id, tenant and hashes; `str()` is a
    table for people.
    """

    strategy: Strategy
    transfer_score: float
    negative_transfer_risk: Risk
    confidence: float
    reasons: tuple[str, ...]
    metrics: Mapping[str, MetricResult]
    omitted: Mapping[str, str]
    policy_version: str
    service_version: str
    source_name: str
    target_name: str
    evidence: Mapping[str, Any] = field(repr=False)
    # {"value", "low", "high"}: accuracy points of transfer over scratch, 80 % interval
    expected_gain: Mapping[str, float] | None = None

    @classmethod
    def from_fields(cls, fields: Mapping[str, Any]) -> AssessmentResult:
        """From a record's evaluated fields (`Evaluation.evaluated_fields` or the HTTP answer)."""
        rec = fields["recommendation"]
        evidence = copy.deepcopy(dict(fields.get("evidence") or {}))
        return cls(
            strategy=Strategy(rec["strategy"]), transfer_score=float(rec["transfer_score"]),
            negative_transfer_risk=Risk(rec["negative_transfer_risk"]),
            confidence=float(rec["confidence"]), reasons=tuple(rec["reasons"]),
            metrics={name: MetricResult(m["value"], m.get("p_value"), dict(m.get("details") or {}))
                     for name, m in fields["metrics"].items()},
            omitted=dict(evidence.get("omitted") or {}),
            policy_version=fields["policy_version"], service_version=fields["service_version"],
            source_name=fields["source_name"], target_name=fields["target_name"],
            evidence=evidence,
            expected_gain=dict(rec["expected_gain"]) if rec.get("expected_gain") else None)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready, in the shape of the POST /assess answer (without id, tenant, hashes)."""
        return {
            "source_name": self.source_name, "target_name": self.target_name,
            "recommendation": {"strategy": self.strategy.value,
                               "transfer_score": self.transfer_score,
                               "negative_transfer_risk": self.negative_transfer_risk.value,
                               "confidence": self.confidence, "reasons": list(self.reasons),
                               **({} if self.expected_gain is None else
                                  {"expected_gain": dict(self.expected_gain)})},
            "metrics": {name: {"value": m.value, "p_value": m.p_value,
                               "details": copy.deepcopy(m.details)}
                        for name, m in self.metrics.items()},
            "policy_version": self.policy_version, "service_version": self.service_version,
            "evidence": copy.deepcopy(dict(self.evidence)),
        }

    def __repr__(self) -> str:
        metrics = ", ".join(
            f"{name}: {m.value:.4g}" + (f" (p={m.p_value:.3g})" if m.p_value is not None else "")
            for name, m in self.metrics.items())
        return (f"AssessmentResult(strategy={self.strategy.value!r}, "
                f"transfer_score={self.transfer_score:.3f}, "
                f"negative_transfer_risk={self.negative_transfer_risk.value!r}, "
                f"confidence={self.confidence:.3f}, metrics={{{metrics}}}, "
                f"omitted={sorted(self.omitted)}, policy_version={self.policy_version!r})")

    def __str__(self) -> str:
        return render_table(self.to_dict())


def _num(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        return f"{value:.4g}"
    return str(value)


def render_table(result: Mapping[str, Any]) -> str:
    """A person's view of an assessment: the answer first, then each metric, then the reasons."""
    rec = result["recommendation"]
    lines = [f"Transfer Advisor: {result['source_name']} -> {result['target_name']}", ""]
    head = [("strategy", rec["strategy"]),
            ("transfer score", f"{rec['transfer_score']:.3f}"),
            ("negative-transfer risk", rec["negative_transfer_risk"]),
            ("confidence", f"{rec['confidence']:.3f}"),
            ("policy version", result.get("policy_version", ""))]
    if result.get("id"):
        head.append(("record", result["id"]))
    width = max(len(k) for k, _ in head)
    lines += [f"  {k.ljust(width)}  {v}" for k, v in head]
    metrics = result.get("metrics") or {}
    if metrics:
        name_w = max(len("metric"), *(len(k) for k in metrics))
        rows = [(k, _num(m.get("value")), _num(m.get("p_value"))) for k, m in sorted(metrics.items())]
        value_w = max(len("value"), *(len(r[1]) for r in rows))
        lines += ["", f"  {'metric'.ljust(name_w)}  {'value'.rjust(value_w)}  p-value",
                  f"  {'-' * name_w}  {'-' * value_w}  -------"]
        lines += [f"  {n.ljust(name_w)}  {v.rjust(value_w)}  {p}".rstrip() for n, v, p in rows]
    if rec.get("reasons"):
        lines += ["", "  reasons:"] + [f"  - {r}" for r in rec["reasons"]]
    return "\n".join(lines) + "\n"
