"""Wire models of the extractor registry (GET/POST /extractors)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel, Field


class InputSpec(BaseModel):
    name: str
    dtype: str
    shape: list[int | None] = Field(examples=[[None, 28, 28, 1]])


class OutputSpec(BaseModel):
    name: str
    dim: int


class ExtractorOut(BaseModel):
    name: str
    version: str
    modality: str
    input: InputSpec
    output: OutputSpec
    output_dim: int
    preprocessing: dict[str, Any] = Field(default_factory=dict)
    sha256: str | None = Field(description="sha256 of the ONNX file; null while unavailable")
    tokenizer_sha256: str | None = None
    bundled: bool
    available: bool
    reason: str | None = Field(default=None, description="why an extractor is unavailable")
    description: str | None = None
    created_at: datetime | None = None


class ExtractorList(BaseModel):
    items: list[ExtractorOut]
