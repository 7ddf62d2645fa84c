"""The committed openapi.yaml must equal the app's generated schema."""

from __future__ import annotations

from pathlib import Path

from transfer_advisor.openapi import render_openapi

COMMITTED = Path(__file__).resolve().parents[1] / "openapi.yaml"


def test_openapi_yaml_is_current() -> None:
    assert COMMITTED.read_text(encoding="utf-8") == render_openapi(), (
        "openapi.yaml drifted from the app: run `transfer-advisor openapi -o openapi.yaml`")
