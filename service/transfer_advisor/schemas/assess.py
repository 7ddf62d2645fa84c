"""Request and response bodies of POST /assess and GET /assessments/{id}."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal

import numpy as np
from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    PlainSerializer,
    SerializationInfo,
    StrictInt,
    ValidatorFunctionWrapHandler,
    WrapValidator,
    model_validator,
)

from ..domain.metrics import REGISTRY
from ..domain.vocabulary import Modality, Risk, Strategy

# Every number is bounded at the wire, so no value can overflow an int64, a float or a shape
# product further in (and none is stored that no real dataset could have).
MAX_COUNT = 2**53  # rows, examples: any count a float64 still holds exactly
MAX_LABEL = 2**31 - 1
MAX_DIM = 2**31 - 1
FiniteFloat = Annotated[float, Field(allow_inf_nan=False)]


def no_nul(value: str) -> str:
    """Refuse NUL: PostgreSQL cannot store it in text, and no name needs it."""
    if "\x00" in value:
        raise ValueError("must not contain the NUL character")
    return value


def no_nul_or_none(value: str | None) -> str | None:
    return None if value is None else no_nul(value)


Text = Annotated[str, AfterValidator(no_nul)]
Name = Annotated[Text, Field(min_length=1, max_length=200)]
Count = Annotated[int, Field(ge=0, le=MAX_COUNT)]
Dim = Annotated[int, Field(ge=0, le=MAX_DIM)]


class WireModel(BaseModel):
    model_config = ConfigDict(extra="forbid", allow_inf_nan=False)


class EncodedMatrix(WireModel):
    """A dense matrix as base64 of little-endian, row-major values."""

    shape: list[Dim] = Field(min_length=2, max_length=2, examples=[[2, 3]],
                             description="[rows, columns].")
    dtype: Literal["float32", "float64"] = Field(
        default="float32", description="Element type of `data` (little-endian).")
    data: str = Field(description="Base64 of the rows × columns values, row-major.")


def rows_as_array(value: Any, handler: ValidatorFunctionWrapHandler) -> Any:
    """JSON rows straight into one float64, C-contiguous (n, d) ndarray, checked in numpy.

    The per-number validation of `list[list[float]]` would build a second list of lists before
    the array; this converts once. Anything numpy cannot turn into a finite 2-D float64 array
    (ragged rows, a NaN, a string) goes through the ordinary validation instead, so the error
    names the exact place, or the rows stay lists for `services.inputs` to explain.
    """
    if isinstance(value, list) and value and isinstance(value[0], list):
        try:
            array = np.array(value, dtype=np.float64)
        except (ValueError, TypeError, OverflowError):
            array = None
        if (array is not None and array.ndim == 2 and array.shape[1] > 0
                and bool(np.isfinite(array).all())):
            return array
    return handler(value)


def rows_out(value: Any, info: SerializationInfo) -> Any:
    """Arrays stay arrays in a Python dump (the input hash digests them); JSON gets lists."""
    if isinstance(value, np.ndarray) and info.mode == "json":
        return value.tolist()
    return value


# On the wire a list of rows of numbers; once validated, usually an ndarray (see rows_as_array).
Rows = Annotated[list[list[FiniteFloat]], WrapValidator(rows_as_array),
                 PlainSerializer(rows_out, return_type=Any)]
Matrix = EncodedMatrix | Rows


class EncodedVector(WireModel):
    """A vector as base64 of little-endian values (shape [d])."""

    shape: list[Dim] = Field(min_length=1, max_length=1, examples=[[3]],
                             description="[length].")
    dtype: Literal["float32", "float64"] = Field(
        default="float64", description="Element type of `data` (little-endian).")
    data: str = Field(description="Base64 of the values.")


Vector = EncodedVector | list[FiniteFloat]


class SummarySpec(WireModel):
    """Client-side moments: count, mean, unbiased covariance (divisor count − 1).

    `mean`, `covariance` and `class_means` may each be sent encoded (base64, as embeddings): a
    d = 768 covariance is then 4.7 MB of float64 instead of 590k JSON numbers to parse.
    """

    count: int = Field(ge=2, le=MAX_COUNT, description="Rows summarised.")
    mean: Vector = Field(description="Mean row (d values), a JSON list or encoded.")
    covariance: Matrix = Field(description="Unbiased sample covariance (d × d, divisor "
                                           "count − 1), JSON lists or encoded.")
    class_means: Matrix | None = Field(
        default=None, description="Optional: mean row per class (C × d), for LogME and "
                                  "H-score from a summary.")
    class_counts: list[Count] | None = Field(
        default=None, description="Optional: rows per class (C), aligned with `class_means`; "
                                  "they count as labeled examples.")


class EncodedImages(WireModel):
    """Images as base64 of little-endian, row-major values, NHWC."""

    shape: list[Dim] = Field(min_length=4, max_length=4, examples=[[2, 28, 28, 1]],
                             description="[n, height, width, channels] as the extractor takes "
                                         "them (e.g. [n, 224, 224, 3] RGB for "
                                         "open-nsfw-resnet50-pooled).")
    dtype: Literal["uint8", "float32"] = Field(
        default="uint8", description="Element type of `data`; pixels 0..255.")
    data: str = Field(description="Base64 of the n × h × w × c values, row-major.")


class RawInputs(WireModel):
    """Raw items for the request's `extractor`: exactly one of `texts` or `images`."""

    texts: list[str] | None = Field(default=None, description="One string per item (text "
                                                              "extractors).")
    images: EncodedImages | None = Field(default=None, description="Images (image extractors).")

    @model_validator(mode="after")
    def _exactly_one(self) -> RawInputs:
        if (self.texts is None) == (self.images is None):
            raise ValueError("give exactly one of 'texts' or 'images'")
        return self


class DatasetSpec(WireModel):
    """One side of an assessment: a name, optional labels, and exactly one of `embeddings`,
    `summary` or `inputs`."""

    name: Name = Field(description="The dataset's name, as history filters and the dashboard "
                                   "show it.")
    # Strict: JSON true/false are not labels.
    labels: list[Annotated[StrictInt, Field(ge=0, le=MAX_LABEL)]] | None = Field(
        default=None, description="Class ids (integers ≥ 0) of the first len(labels) rows; on "
                                  "the target, the labeled subset.")
    embeddings: Matrix | None = Field(
        default=None, description="Rows (n × d) from the same feature extractor on both sides: "
                                  "JSON lists, or encoded (base64) as EncodedMatrix.")
    summary: SummarySpec | None = Field(
        default=None, description="Moments computed by the client instead of rows.")
    inputs: RawInputs | None = Field(
        default=None, description="Raw texts or images, embedded by the request's `extractor`.")
    source_probs: Matrix | None = Field(
        default=None, description="Target only: the source model's class probabilities on the "
                                  "labeled target rows (len(labels) × C_source), for LEEP/NCE.")
    scratch_features: Matrix | None = Field(
        default=None,
        description="Target only: simple features of the same target items a model trained "
                    "from scratch would see (pixels, TF-IDF, hand-made), one row per target row "
                    "aligned with `labels`. With raw `inputs` the service derives its own.")

    @model_validator(mode="after")
    def _exactly_one_form(self) -> DatasetSpec:
        given = [k for k in ("embeddings", "summary", "inputs") if getattr(self, k) is not None]
        if len(given) != 1:
            raise ValueError(
                "give exactly one of 'embeddings', 'summary' or 'inputs'"
                + (f" (got {', '.join(given)})" if given else ""))
        return self


class TaskSpec(WireModel):
    """What the target task is and how much labeled data it has."""

    type: Literal["classification", "regression"] = Field(
        default="classification", description="The target task.")
    num_classes: int | None = Field(
        default=None, ge=1, le=100_000,
        description="Target classes (null: the distinct target labels; null for regression).")
    labeled_examples: int = Field(ge=0, le=MAX_COUNT,
                                  description="Labeled target examples available for training.")
    source_modality: Modality = Field(description="What the source model was trained on.")
    target_modality: Modality = Field(description="What the target data is.")
    compute_budget_gpu_hours: FiniteFloat | None = Field(
        default=None, ge=0, le=1e9, description="Optional GPU-hours available for training.")


METRIC_NAMES = sorted(REGISTRY)
DEFAULT_METRICS = [name for name, spec in REGISTRY.items() if spec.default]
MetricName = Annotated[Text, Field(max_length=100, json_schema_extra={"enum": METRIC_NAMES})]


class AssessOptions(WireModel):
    """How the metrics run."""

    permutations: int = Field(default=200, ge=0, le=1_000_000,
                              description="Permutations B of the permutation tests (MMD, "
                                          "probes): p = (1 + #≥)/(1 + B).")
    seed: int = Field(default=0, ge=0, le=2**32 - 1,
                      description="Seed of every random choice (permutations, subsamples, "
                                  "folds): the same request gives the same answer.")
    metrics: list[MetricName] | None = Field(
        default=None, max_length=100,
        description="Metrics to compute, by name; null = the default set ("
                    + ", ".join(DEFAULT_METRICS) + "). A metric that cannot run on the input "
                    "is listed in the answer's `omitted` with the reason.")
    # σ² must stay a normal float64: 1e-200 would underflow to 0 in the kernel's exponent.
    kernel_bandwidth: FiniteFloat | None = Field(
        default=None, ge=1e-100, le=1e100,
        description="RBF bandwidth σ of kernel metrics, k(a, b) = exp(−‖a − b‖² / (2σ²)); "
                    "null = median heuristic on the source.")


class AssessRequest(WireModel):
    """POST /assess: a source and a target dataset, the task, and options."""

    source: DatasetSpec = Field(description="Where the pretrained model or features come from.")
    target: DatasetSpec = Field(description="The data of the task to solve.")
    task: TaskSpec = Field(description="The target task.")
    extractor: Name | None = Field(
        default=None, description="Registered extractor that embeds raw `inputs` (GET "
                                  "/extractors); required when a side gives `inputs`.")
    options: AssessOptions = Field(default_factory=AssessOptions,
                                   description="Metric selection and their parameters.")


class MetricOut(BaseModel):
    """One metric's result."""

    value: float = Field(description="The metric's value (see its name for the direction: "
                                     "`_distance` lower = closer, `_score`/accuracy higher = "
                                     "more transferable).")
    p_value: float | None = Field(default=None, description="Permutation p-value where the "
                                                            "metric is a test (e.g. `mmd`).")
    details: dict[str, Any] = Field(default_factory=dict, description="Metric-specific "
                                    "figures (path, baseline, chance level, permutations…).")


class ExpectedGainOut(BaseModel):
    """Accuracy gain of the best transfer strategy over training from scratch."""

    value: float = Field(ge=-1, le=1, description="Point estimate (accuracy, −1..1).")
    low: float = Field(ge=-1, le=1, description="Lower end of the 80 % interval.")
    high: float = Field(ge=-1, le=1, description="Upper end of the 80 % interval.")


class RecommendationOut(BaseModel):
    """The decision and why."""

    strategy: Strategy = Field(description="What to do with the source model.")
    transfer_score: float = Field(ge=0, le=1, description="Estimated probability that transfer "
                                                          "beats training from scratch.")
    negative_transfer_risk: Risk = Field(description="Band of the probability that transfer "
                                                     "hurts.")
    confidence: float = Field(ge=0, le=1, description="How sure the policy is (lower when "
                                                      "evidence is missing).")
    reasons: list[str] = Field(description="Human-readable reasons naming each metric, its "
                                           "value and the threshold that mattered.")
    expected_gain: ExpectedGainOut | None = Field(
        default=None, description="Accuracy points of the best transfer strategy over training "
                                  "from scratch, with an 80 % interval (contract v1.1).")


class ExtractorRef(BaseModel):
    """The extractor that embedded raw inputs (metrics of different extractors differ)."""

    name: str = Field(description="Extractor name.")
    version: str = Field(description="Extractor version.")
    sha256: str = Field(description="sha256 of the ONNX file used.")


class Outcome(BaseModel):
    """What the team measured after acting on an assessment (append-only, hash-chained)."""

    id: str = Field(description="Id of this outcome entry (32 hex characters).")
    assessment_id: str = Field(description="The assessment it reports on.")
    created_at: datetime = Field(description="When it was stored (UTC).")
    acc_scratch: float = Field(description="Accuracy trained from scratch, in [0, 1].")
    acc_feature_extraction: float | None = Field(
        description="Accuracy with frozen source features (null: not measured).")
    acc_fine_tune: float | None = Field(description="Accuracy fine-tuning the source model "
                                                    "(null: not measured).")
    metric: str = Field(description="What the figures measure (`accuracy`).")
    test_size: int | None = Field(description="Held-out target examples measured on.")
    seeds: int | None = Field(description="Training runs each accuracy averages over.")
    notes: str | None = Field(description="The team's free-text notes.")
    transfer_gain: float = Field(description="Best measured transfer accuracy minus scratch's.")
    assessment_sha256: str = Field(description="record_sha256 of the assessment it reports on.")
    record_sha256: str = Field(description="sha256 of this entry (audit chain).")
    prev_record_sha256: str = Field(description="record_sha256 of the tenant's previous entry "
                                                "in the chain.")


class Assessment(BaseModel):
    """A stored assessment record (append-only, hash-chained)."""

    id: str = Field(description="Record id (32 hex characters).")
    created_at: datetime = Field(description="When it was stored (UTC).")
    tenant: str = Field(description="The tenant of the API key that stored it.")
    source_name: str = Field(description="`source.name` of the request.")
    target_name: str = Field(description="`target.name` of the request.")
    recommendation: RecommendationOut = Field(description="The decision and its reasons.")
    metrics: dict[str, MetricOut] = Field(description="Results by metric name.")
    policy_version: str = Field(description="The decision policy that decided.")
    service_version: str = Field(description="The service version that computed it.")
    extractor: ExtractorRef | None = Field(default=None, description="Extractor of raw inputs, "
                                                                     "if any.")
    input_sha256: str = Field(description="sha256 of the canonical request.")
    record_sha256: str = Field(description="sha256 of this record (audit chain).")
    prev_record_sha256: str | None = Field(description="record_sha256 of the tenant's previous "
                                                       "record (null for the first).")
    evidence: dict[str, Any] = Field(
        default_factory=dict,
        description="What was assessed: names, shapes, summary fingerprints, task, options.")
    omitted: dict[str, str] = Field(
        default_factory=dict,
        description="Metric → why it could not run on this input (contract v1.1).")
    replay_of: str | None = Field(default=None, description="For a replay: the id of the "
                                                            "record replayed.")
    outcomes: list[Outcome] = Field(
        default_factory=list,
        description="What was measured after acting on it, oldest first; the latest counts "
                    "(contract v1.1; on GET /assessments/{id}).")


class AssessmentSummary(BaseModel):
    """One line of the history."""

    id: str = Field(description="Record id.")
    created_at: datetime = Field(description="When it was stored (UTC).")
    source_name: str = Field(description="Source dataset name.")
    target_name: str = Field(description="Target dataset name.")
    strategy: Strategy = Field(description="Recommended strategy.")
    transfer_score: float = Field(description="Transfer score (0..1).")
    negative_transfer_risk: Risk = Field(description="Negative-transfer risk band.")
    confidence: float = Field(description="Confidence (0..1).")
    policy_version: str = Field(description="The decision policy that decided.")
    extractor: str | None = Field(default=None, description="Extractor of raw inputs, if any.")


class AssessmentPage(BaseModel):
    """One page of the history, newest first."""

    items: list[AssessmentSummary] = Field(description="The records of this page.")
    next_cursor: str | None = Field(description="Pass as `cursor` for the next page; null on "
                                                "the last.")
