"""`transfer_advisor.assess`: POST /assess's computation in-process, on numpy/pandas/summaries.

The arguments become the same AssessRequest the HTTP API builds (arrays as base64 float64,
lossless) and run through the same `services.assess.evaluate`; nothing is stored. Errors are
the service's: `transfer_advisor.errors.AdvisorError` subclasses whose `errors` name the field
(`InvalidInput` 422 with e.g. `target.labels`, `PayloadTooLarge` naming the setting).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any, TypeGuard

import numpy as np
import pybase64

from ..domain import summary as moments
from ..errors import FieldError, InvalidInput
from .arrays import as_labels, as_matrix
from .result import AssessmentResult
from .summary import Summary

if TYPE_CHECKING:
    from ..schemas.assess import AssessRequest
    from ..services.assess import Evaluation
    from ..settings import Settings

SUMMARY_KEYS = ("count", "mean", "covariance", "class_means", "class_counts")


def assess(source: Any, target: Any, *, target_labels: Any = None, source_labels: Any = None,
           task: Mapping[str, Any] | None = None, num_classes: int | None = None,
           labeled_examples: int | None = None, task_type: str | None = None,
           modality: str | None = None, source_modality: str | None = None,
           target_modality: str | None = None, compute_budget_gpu_hours: float | None = None,
           source_probs: Any = None, scratch_features: Any = None,
           metrics: Sequence[str] | None = None,
           permutations: int = 200, seed: int = 0, kernel_bandwidth: float | None = None,
           source_name: str = "source", target_name: str = "target",
           settings: Settings | None = None) -> AssessmentResult:
    """Will transfer from `source` help on `target`? The answer of POST /assess, not stored.

    Each side is an (n, d) array (numpy, list of lists), a DataFrame of numeric columns, or a
    summary (`transfer_advisor.summarize(...)`, or a dict {count, mean, covariance[,
    class_means, class_counts]}). `target_labels` label the first rows of the target
    (labeled rows first); `source_probs` (k, C_source) are the source model's class
    probabilities on those k labeled rows (for leep/nce). `scratch_features` (one row per
    target row: pixels, TF-IDF, hand-made features) are what a model trained from scratch would
    see; with them the decision weighs the frozen features against that scratch proxy.

    The task is `task` (a dict of POST /assess `task` fields) updated by the keyword
    arguments given. Defaults: `type` classification; `modality` "other" for both sides;
    `labeled_examples` = the number of target labels (or the sum of a target summary's
    class_counts); `num_classes` = the number of distinct target labels (labels are then
    numbered 0..C-1 in sorted order, as the service does) or the length of a target summary's
    class_counts. Limits come from `settings` (default: `Settings()`, the TRANSFER_ADVISOR_*
    environment variables).

        from transfer_advisor import assess
        result = assess(x_source, x_target, target_labels=y_target, modality="image")
        result.strategy, result.transfer_score, result.metrics["mmd"].p_value

    Raises `InvalidInput` (and other `AdvisorError` subclasses) whose `.errors` name the
    field, e.g. `target.labels` or `task.num_classes`.
    """
    source_spec = dataset_spec(source, "source", source_name, source_labels)
    target_spec = dataset_spec(target, "target", target_name, target_labels)
    given = {"num_classes": num_classes, "labeled_examples": labeled_examples,
             "type": task_type, "modality": modality, "source_modality": source_modality,
             "target_modality": target_modality,
             "compute_budget_gpu_hours": compute_budget_gpu_hours}
    task_spec = {**(task or {}), **{k: v for k, v in given.items() if v is not None}}
    both = task_spec.pop("modality", None) or "other"
    task_spec.setdefault("source_modality", both)
    task_spec.setdefault("target_modality", both)
    task_spec.setdefault("type", "classification")
    if task_spec["type"] == "classification" and task_spec.get("num_classes") is None:
        target_spec = number_classes(target_spec)
    fill_task_defaults(task_spec, target_spec)
    if source_probs is not None:
        target_spec["source_probs"] = encode_matrix(as_matrix(source_probs, "target.source_probs"))
    if scratch_features is not None:
        target_spec["scratch_features"] = encode_matrix(
            as_matrix(scratch_features, "target.scratch_features"))
    options: dict[str, Any] = {"permutations": permutations, "seed": seed}
    if metrics is not None:
        options["metrics"] = [metrics] if isinstance(metrics, str) else list(metrics)
    if kernel_bandwidth is not None:
        options["kernel_bandwidth"] = kernel_bandwidth
    body = {"source": source_spec, "target": target_spec, "task": task_spec, "options": options}
    request, evaluation = run_request(body, settings)
    return AssessmentResult.from_fields(evaluation.evaluated_fields(request))


def encode_matrix(x: np.ndarray[Any, Any]) -> dict[str, Any]:
    """The wire form of an (n, d) matrix (or a (d,) vector): base64 of little-endian float64
    (lossless)."""
    wire = np.ascontiguousarray(x, dtype="<f8")
    return {"shape": list(x.shape), "dtype": "float64",
            "data": pybase64.b64encode_as_string(wire.data)}  # SIMD: ~60x the standard library


def encode_summary(doc: Mapping[str, Any]) -> dict[str, Any]:
    """A summary spec with `mean`, `covariance` and `class_means` as base64 float64 (contract
    v1.1): lossless, and the service decodes them without parsing one JSON number each (a d = 768
    covariance is 590k of them). Fields already encoded, or not numbers of the right shape, are
    left as they are for the service to judge."""
    out = dict(doc)
    for key, ndim in (("mean", 1), ("covariance", 2), ("class_means", 2)):
        value = out.get(key)
        if value is None or isinstance(value, Mapping):
            continue
        try:
            array = np.asarray(value, dtype="<f8")
        except (ValueError, TypeError):
            continue
        if array.ndim == ndim and array.size:
            out[key] = encode_matrix(array)
    return out


def dataset_spec(value: Any, field: str, name: str, labels: Any = None) -> dict[str, Any]:
    """One side of POST /assess (a DatasetSpec as JSON) from rows or a summary."""
    spec: dict[str, Any] = {"name": name}
    if isinstance(value, Mapping | moments.Summary):
        if labels is not None:
            raise InvalidInput.at(f"{field}.labels", "labels need rows; summarise with "
                                                     "summarize(rows, labels=...) instead")
        spec["summary"] = summary_spec(value, f"{field}.summary")
        return spec
    spec["embeddings"] = encode_matrix(as_matrix(value, f"{field}.embeddings"))
    if labels is not None:
        spec["labels"] = as_labels(labels, f"{field}.labels").tolist()
    return spec


def summary_spec(value: Any, field: str) -> dict[str, Any]:
    """A summary as POST /assess takes it; the service checks its shapes and values."""
    if isinstance(value, moments.Summary):
        return encode_summary(Summary(value.count, value.mean, value.m2, value.class_counts,
                                      value.class_means).to_dict())
    doc = dict(value)
    if isinstance(doc.get("summary"), Mapping):  # as `transfer-advisor summarize` writes it
        doc = dict(doc["summary"])
    unknown = sorted(set(doc) - set(SUMMARY_KEYS))
    if unknown:
        raise InvalidInput.at(f"{field}.{unknown[0]}", f"is not a summary field (use "
                                                       f"{', '.join(SUMMARY_KEYS)})")
    return encode_summary({k: np.asarray(v).tolist() if isinstance(v, np.ndarray) else v
                           for k, v in doc.items() if v is not None})


def number_classes(spec: dict[str, Any]) -> dict[str, Any]:
    """Labels renumbered 0..C-1 in sorted order when they skip values, so C = distinct labels."""
    labels = spec.get("labels")
    if labels and sorted(set(labels)) != list(range(len(set(labels)))):
        _, codes = np.unique(np.asarray(labels), return_inverse=True)
        return {**spec, "labels": codes.tolist()}
    return spec


def fill_task_defaults(task: dict[str, Any], target: Mapping[str, Any]) -> None:
    """labeled_examples and num_classes from the target's labels or its summary's class counts.

    Only fields not already set are filled; `num_classes` only for classification.
    """
    labels: list[int] | None = target.get("labels")
    counts = (target.get("summary") or {}).get("class_counts")
    if task.get("labeled_examples") is None:
        task["labeled_examples"] = (len(labels) if labels else
                                    int(sum(counts)) if _int_list(counts) else 0)
    if task.get("type", "classification") == "classification" and task.get("num_classes") is None:
        if labels:
            task["num_classes"] = len(set(labels))
        elif _int_list(counts):
            task["num_classes"] = len(counts)


def _int_list(values: Any) -> TypeGuard[list[int]]:
    return (isinstance(values, list) and len(values) > 0
            and all(isinstance(v, int) and not isinstance(v, bool) for v in values))


def run_request(body: Mapping[str, Any] | AssessRequest, settings: Settings | None = None
                ) -> tuple[AssessRequest, Evaluation]:
    """Validate a POST /assess body and evaluate it as the service does, storing nothing.

    A body the schema refuses raises `InvalidInput` naming each field as the HTTP API does
    (`task.labeled_examples`); the service's own refusals propagate unchanged.
    """
    from pydantic import ValidationError

    from ..schemas.assess import AssessRequest
    from ..services.assess import evaluate
    from ..settings import Settings

    try:
        request = body if isinstance(body, AssessRequest) else AssessRequest.model_validate(body)
    except ValidationError as exc:
        errors = _field_errors(exc)
        raise InvalidInput("invalid field(s): " + ", ".join(e.field for e in errors[:5]),
                           errors=errors) from None
    return request, evaluate(request, settings or Settings(migrate_on_start=False))


def _field_errors(exc: Any) -> list[FieldError]:
    """One FieldError per path; union branch names ('EncodedMatrix') left out of the path."""
    seen: dict[str, str] = {}
    for error in exc.errors():
        parts: list[str] = []
        for item in error.get("loc", ()):
            if isinstance(item, int):
                parts.append(f"[{item}]")
            elif not (item[:1].isupper() or "[" in item or "-" in item):
                parts.append(("." if parts else "") + item)
        seen.setdefault("".join(parts) or "body", str(error.get("msg", "invalid")))
    return [FieldError(f, m) for f, m in seen.items()]
