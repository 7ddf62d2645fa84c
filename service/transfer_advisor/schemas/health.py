"""Wire models of the liveness and readiness probes."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field


class Liveness(BaseModel):
    status: Literal["ok"] = Field(description="Always `ok`: the process answers.")


class Readiness(BaseModel):
    status: Literal["ready", "not ready"] = Field(
        description="`ready` when every check is `ok`.")
    checks: dict[str, str] = Field(
        description="Check → `ok` or what is wrong: `database`, `extractors` (files present "
                    "and intact).")
