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

    shape: list[Dim] = Field(min_length=2, max_length=2, examples=[[2, 3]])
    dtype: Literal["float32", "float64"] = "float32"
    data: str


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

    shape: list[Dim] = Field(min_length=1, max_length=1, examples=[[3]])
    dtype: Literal["float32", "float64"] = "float64"
    data: str


Vector = EncodedVector | list[FiniteFloat]


class SummarySpec(WireModel):
    """Client-side moments: count, mean, unbiased covariance (divisor count − 1).

    `mean`, `covariance` and `class_means` may each be sent encoded (base64, as embeddings): a
    d = 768 covariance is then 4.7 MB of float64 instead of 590k JSON numbers to parse.
    """

    count: int = Field(ge=2, le=MAX_COUNT)
    mean: Vector
    covariance: Matrix
    class_means: Matrix | None = None
    class_counts: list[Count] | None = None


class EncodedImages(WireModel):
    shape: list[Dim] = Field(min_length=4, max_length=4, examples=[[2, 28, 28, 1]])
    dtype: Literal["uint8", "float32"] = "uint8"
    data: str


class RawInputs(WireModel):
    texts: list[str] | None = None
    images: EncodedImages | None = None

    @model_validator(mode="after")
    def _exactly_one(self) -> RawInputs:
        if (self.texts is None) == (self.images is None):
            raise ValueError("give exactly one of 'texts' or 'images'")
        return self


class DatasetSpec(WireModel):
    name: Name
    # Strict: JSON true/false are not labels.
    labels: list[Annotated[StrictInt, Field(ge=0, le=MAX_LABEL)]] | None = None
    embeddings: Matrix | None = None
    summary: SummarySpec | None = None
    inputs: RawInputs | None = None
    source_probs: Matrix | None = None
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
    type: Literal["classification", "regression"] = "classification"
    num_classes: int | None = Field(default=None, ge=1, le=100_000)
    labeled_examples: int = Field(ge=0, le=MAX_COUNT)
    source_modality: Modality
    target_modality: Modality
    compute_budget_gpu_hours: FiniteFloat | None = Field(default=None, ge=0, le=1e9)


class AssessOptions(WireModel):
    permutations: int = Field(default=200, ge=0, le=1_000_000)
    seed: int = Field(default=0, ge=0, le=2**32 - 1)
    metrics: list[Annotated[Text, Field(max_length=100)]] | None = Field(default=None,
                                                                          max_length=100)
    # σ² must stay a normal float64: 1e-200 would underflow to 0 in the kernel's exponent.
    kernel_bandwidth: FiniteFloat | None = Field(default=None, ge=1e-100, le=1e100)


class AssessRequest(WireModel):
    source: DatasetSpec
    target: DatasetSpec
    task: TaskSpec
    extractor: Name | None = None
    options: AssessOptions = Field(default_factory=AssessOptions)


class MetricOut(BaseModel):
    value: float
    p_value: float | None = None
    details: dict[str, Any] = Field(default_factory=dict)


class ExpectedGainOut(BaseModel):
    value: float = Field(ge=-1, le=1)
    low: float = Field(ge=-1, le=1)
    high: float = Field(ge=-1, le=1)


class RecommendationOut(BaseModel):
    strategy: Strategy
    transfer_score: float = Field(ge=0, le=1)
    negative_transfer_risk: Risk
    confidence: float = Field(ge=0, le=1)
    reasons: list[str]
    expected_gain: ExpectedGainOut | None = Field(
        default=None, description="Accuracy points of the best transfer strategy over training "
                                  "from scratch, with an 80 % interval (contract v1.1).")


class ExtractorRef(BaseModel):
    name: str
    version: str
    sha256: str


class Assessment(BaseModel):
    id: str
    created_at: datetime
    tenant: str
    source_name: str
    target_name: str
    recommendation: RecommendationOut
    metrics: dict[str, MetricOut]
    policy_version: str
    service_version: str
    extractor: ExtractorRef | None = None
    input_sha256: str
    record_sha256: str
    prev_record_sha256: str | None
    evidence: dict[str, Any] = Field(
        default_factory=dict,
        description="What was assessed: names, shapes, summary fingerprints, task, options.")
    omitted: dict[str, str] = Field(
        default_factory=dict,
        description="Metric → why it could not run on this input (contract v1.1).")
    replay_of: str | None = None


class AssessmentSummary(BaseModel):
    id: str
    created_at: datetime
    source_name: str
    target_name: str
    strategy: Strategy
    transfer_score: float
    negative_transfer_risk: Risk
    confidence: float
    policy_version: str
    extractor: str | None = None


class AssessmentPage(BaseModel):
    items: list[AssessmentSummary]
    next_cursor: str | None
