"""Golden and scenario tests read ../shared; in CI a missing folder must fail them, not skip."""

from __future__ import annotations

import pytest
from tests import shared_data


def test_missing_shared_data_skips_outside_ci(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("CI", raising=False)
    monkeypatch.setattr(shared_data, "SHARED", None)
    with pytest.raises(pytest.skip.Exception):
        shared_data.require_shared("reference")


def test_missing_shared_data_fails_in_ci(monkeypatch: pytest.MonkeyPatch, tmp_path) -> None:
    monkeypatch.setenv("CI", "true")
    monkeypatch.setattr(shared_data, "SHARED", None)
    with pytest.raises(pytest.fail.Exception, match="may not skip"):
        shared_data.require_shared("reference")
    monkeypatch.setattr(shared_data, "SHARED", tmp_path)
    with pytest.raises(pytest.fail.Exception, match="not found"):
        shared_data.require_shared("reference", "absent.json")
