"""Wire models of the extractor registry (GET/POST /extractors)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel, Field


class InputSpec(BaseModel):
    """The graph input fed with the raw items."""

    name: str = Field(description="Input name in the ONNX graph.")
    dtype: str = Field(description="Input element type, e.g. `float32`, `int64`.")
    shape: list[int | None] = Field(examples=[[None, 28, 28, 1]],
                                    description="Input shape; null = any size (batch, length).")


class OutputSpec(BaseModel):
    """The graph output read as the embedding."""

    name: str = Field(description="Output name in the ONNX graph.")
    dim: int = Field(description="Embedding dimension.")


class ExtractorOut(BaseModel):
    """A feature extractor: bundled, shared by the operator, or the tenant's own."""

    name: str = Field(description="The name to give as `extractor` in POST /assess.")
    version: str = Field(description="Version declared at registration.")
    modality: str = Field(description="What it embeds: `text`, `image`, …")
    input: InputSpec = Field(description="The graph input.")
    output: OutputSpec = Field(description="The graph output.")
    output_dim: int = Field(description="Embedding dimension (= output.dim).")
    preprocessing: dict[str, Any] = Field(
        default_factory=dict, description="How items are prepared (tokenizer, resize, pooling).")
    sha256: str | None = Field(description="sha256 of the ONNX file; null while unavailable")
    tokenizer_sha256: str | None = Field(default=None,
                                         description="sha256 of tokenizer.json (text).")
    bundled: bool = Field(description="Shipped with the service (built on first start).")
    available: bool = Field(description="Usable now; if not, `reason` says why.")
    reason: str | None = Field(default=None, description="why an extractor is unavailable")
    description: str | None = Field(default=None, description="Free text from its registration.")
    created_at: datetime | None = Field(default=None,
                                        description="When it was registered (null: bundled).")


class ExtractorList(BaseModel):
    """Every extractor the caller may use."""

    items: list[ExtractorOut] = Field(description="Bundled first, then registered ones by name.")
