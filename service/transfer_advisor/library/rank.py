"""`transfer_advisor.rank`: POST /rank's computation in-process; nothing is stored.

The arguments become the same RankRequest the HTTP API takes (arrays as base64 float64,
lossless) and run through the same `services.rank.evaluate_ranking`, so every item equals
`transfer_advisor.assess` on the same data. Extractor candidates need the service (raw inputs
are embedded there); here each candidate is its source data and/or the target's embeddings
under it.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from .. import __version__
from ..errors import InvalidInput
from .arrays import as_labels, as_matrix
from .assess import (
    _field_errors,
    dataset_spec,
    encode_matrix,
    fill_task_defaults,
    number_classes,
)
from .result import AssessmentResult

if TYPE_CHECKING:
    from ..settings import Settings

CANDIDATE_KEYS = ("source", "source_labels", "target", "source_probs", "source_modality")


@dataclass(frozen=True)
class RankedItem:
    """One candidate: its place, name and assessment (as `transfer_advisor.assess` gives it)."""

    rank: int
    name: str
    result: AssessmentResult


@dataclass(frozen=True)
class RankingResult:
    """Candidates best first (expected gain, ties by transfer score), and what separated the top
    two: `separated_by` (a policy feature, `model`, or None on a tie) and `reasons`."""

    items: tuple[RankedItem, ...]
    separated_by: str | None
    reasons: tuple[str, ...]
    policy_version: str

    @property
    def names(self) -> list[str]:
        """Candidate names, best first."""
        return [item.name for item in self.items]

    def __getitem__(self, name: str) -> AssessmentResult:
        for item in self.items:
            if item.name == name:
                return item.result
        raise KeyError(name)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready, in the shape of the POST /rank answer's items (without id and hashes)."""
        return {"items": [{"rank": i.rank, "name": i.name, **i.result.to_dict()}
                          for i in self.items],
                "separated_by": self.separated_by, "reasons": list(self.reasons),
                "policy_version": self.policy_version}

    def __str__(self) -> str:
        return render_ranking({"items": [
            {"rank": i.rank, "name": i.name, "transfer_score": i.result.transfer_score,
             "expected_gain": i.result.expected_gain, "strategy": i.result.strategy.value,
             "negative_transfer_risk": i.result.negative_transfer_risk.value}
            for i in self.items], "reasons": list(self.reasons)})


def render_ranking(ranking: Mapping[str, Any]) -> str:
    """A person's view of a ranking: one line per candidate, best first, then why #1 beat #2."""
    items = ranking.get("items") or []
    name_w = max([len("candidate"), *(len(str(i["name"])) for i in items)])
    lines = [f"  {'#':>2}  {'candidate'.ljust(name_w)}  {'gain':>7}  score  risk    strategy",
             f"  {'-' * 2}  {'-' * name_w}  {'-' * 7}  -----  ------  --------"]
    for item in items:
        gain = item.get("expected_gain")
        value = f"{gain['value']:+.3f}" if gain else ""
        lines.append(f"  {item['rank']:>2}  {str(item['name']).ljust(name_w)}  {value:>7}  "
                     f"{item['transfer_score']:.3f}  {item['negative_transfer_risk']:<6}  "
                     f"{item['strategy']}")
    head = "Transfer Advisor ranking" + (f" {ranking['id']}" if ranking.get("id") else "")
    reasons = [f"  - {r}" for r in ranking.get("reasons") or []]
    return "\n".join([head, "", *lines, *(["", *reasons] if reasons else [])]) + "\n"


def _candidate(name: str, value: Any, i: int, top: Mapping[str, Any] | None) -> dict[str, Any]:
    at = f"candidates[{i}]"
    spec = dict(value) if isinstance(value, Mapping) and "covariance" not in value else None
    if spec is not None and not set(spec) <= set(CANDIDATE_KEYS):
        unknown = sorted(set(spec) - set(CANDIDATE_KEYS))[0]
        raise InvalidInput.at(f"{at}.{unknown}", f"is not a candidate field (use "
                                                 f"{', '.join(CANDIDATE_KEYS)})")
    fields = spec if spec is not None else {"source": value}
    out: dict[str, Any] = {"name": name}
    if fields.get("source") is not None:
        out["source"] = dataset_spec(fields["source"], f"{at}.source", name,
                                     fields.get("source_labels"))
    if fields.get("target") is not None:
        out["target"] = {"name": f"{name}:target", "embeddings": encode_matrix(
            as_matrix(fields["target"], f"{at}.target"))}
    if fields.get("source_probs") is not None:
        if "target" not in out:
            if top is None or "embeddings" not in top:
                raise InvalidInput.at(f"{at}.source_probs", "needs the target's rows")
            out["target"] = {"name": f"{name}:target", "embeddings": top["embeddings"]}
        out["target"]["source_probs"] = encode_matrix(
            as_matrix(fields["source_probs"], f"{at}.source_probs"))
    if fields.get("source_modality") is not None:
        out["source_modality"] = fields["source_modality"]
    return out


def rank(target: Any, candidates: Mapping[str, Any] | Sequence[tuple[str, Any]], *,
         target_labels: Any = None, scratch_features: Any = None,
         task: Mapping[str, Any] | None = None, num_classes: int | None = None,
         labeled_examples: int | None = None, task_type: str | None = None,
         modality: str | None = None, source_modality: str | None = None,
         target_modality: str | None = None, metrics: Sequence[str] | None = None,
         permutations: int = 200, seed: int = 0, kernel_bandwidth: float | None = None,
         target_name: str = "target", settings: Settings | None = None) -> RankingResult:
    """Which source transfers best to `target`? The answer of POST /rank, not stored.

    `target`: the target's (n, d) rows (array, DataFrame) or summary, or None when every
    candidate brings the target's embeddings under it. `candidates`: name → the candidate's
    source data (rows or a summary, in the target's space), or a dict with any of `source`,
    `source_labels`, `target` (the target's rows under this candidate, e.g. another
    extractor's embeddings), `source_probs`, `source_modality`. `target_labels` label the first
    target rows; `scratch_features` are the simple features of those rows (the scratch proxy).
    Task defaults and limits as in `transfer_advisor.assess`.

        from transfer_advisor import rank
        ranking = rank(x_target, {"imagenet": x_a, "places": x_b}, target_labels=y)
        ranking.names[0], ranking.separated_by, ranking["imagenet"].expected_gain

    Raises `InvalidInput` (and other `AdvisorError` subclasses) naming the field, e.g.
    `candidates[1].source.embeddings`.
    """
    from pydantic import ValidationError

    from ..schemas.rank import RankRequest
    from ..services.rank import evaluate_ranking
    from ..settings import Settings

    top: dict[str, Any] = ({"name": target_name} if target is None else
                           dataset_spec(target, "target", target_name))
    if target_labels is not None:
        top["labels"] = as_labels(target_labels, "target.labels").tolist()
    given = {"num_classes": num_classes, "labeled_examples": labeled_examples,
             "type": task_type, "modality": modality, "source_modality": source_modality,
             "target_modality": target_modality}
    task_spec = {**(task or {}), **{k: v for k, v in given.items() if v is not None}}
    both = task_spec.pop("modality", None) or "other"
    task_spec.setdefault("source_modality", both)
    task_spec.setdefault("target_modality", both)
    task_spec.setdefault("type", "classification")
    if task_spec["type"] == "classification" and task_spec.get("num_classes") is None:
        top = number_classes(top)
    fill_task_defaults(task_spec, top)
    if scratch_features is not None:
        top["scratch_features"] = encode_matrix(as_matrix(scratch_features,
                                                          "target.scratch_features"))
    pairs = list(candidates.items()) if isinstance(candidates, Mapping) else list(candidates)
    options: dict[str, Any] = {"permutations": permutations, "seed": seed}
    if metrics is not None:
        options["metrics"] = [metrics] if isinstance(metrics, str) else list(metrics)
    if kernel_bandwidth is not None:
        options["kernel_bandwidth"] = kernel_bandwidth
    body = {"target": top, "task": task_spec, "options": options,
            "candidates": [_candidate(str(name), value, i, top)
                           for i, (name, value) in enumerate(pairs)]}
    try:
        request = RankRequest.model_validate(body)
    except ValidationError as exc:
        errors = _field_errors(exc)
        raise InvalidInput("invalid field(s): " + ", ".join(e.field for e in errors[:5]),
                           errors=errors) from None
    ranking = evaluate_ranking(request, settings or Settings(migrate_on_start=False))
    items = []
    for place, (ranked, item) in enumerate(zip(ranking.ranked, ranking.items(), strict=True),
                                           start=1):
        fields = {"recommendation": item, "metrics": item["metrics"],
                  "evidence": item["evidence"], "policy_version": ranking.policy_version,
                  "service_version": __version__,
                  "source_name": ranked.source_name or "", "target_name": target_name}
        items.append(RankedItem(place, ranked.name, AssessmentResult.from_fields(fields)))
    return RankingResult(tuple(items), ranking.separation.evidence,
                         (ranking.separation.reason,), ranking.policy_version)
