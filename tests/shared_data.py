"""Where the shared, uncommitted data (benchmarks, reference values) lives.

`TRANSFER_ADVISOR_SHARED` overrides the default, the `shared` folder next to the repository.
Tests that need it call `require_shared()`, which skips them (with the reason) when it is missing,
except in CI (`CI=true`), where CI lays shared/ beside the clone: there a missing folder fails
the test instead of letting the golden values pass unchecked.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import NoReturn

import pytest

REPO_ROOT = Path(__file__).resolve().parents[1]


def _locate() -> Path | None:
    configured = os.environ.get("TRANSFER_ADVISOR_SHARED")
    path = Path(configured) if configured else REPO_ROOT.parent / "shared"
    return path if path.is_dir() else None


SHARED: Path | None = _locate()


def _missing(reason: str) -> NoReturn:
    if os.environ.get("CI") == "true":
        pytest.fail(f"{reason} (CI=true: tests that read shared data may not skip there)")
    pytest.skip(reason)


def require_shared(*parts: str) -> Path:
    """The shared folder (or a path inside it); skip the calling test when it is missing."""
    if SHARED is None:
        _missing("shared data not found: set TRANSFER_ADVISOR_SHARED or place it at ../shared")
    path = SHARED.joinpath(*parts)
    if not path.exists():
        _missing(f"shared data {path} not found")
    return path
