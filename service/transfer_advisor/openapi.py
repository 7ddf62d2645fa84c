"""The committed openapi.yaml is this function's output; a test fails when they drift."""

from __future__ import annotations

import json

from .app import create_app
from .settings import Settings


def render_openapi() -> str:
    """Stable YAML-compatible rendering: JSON is valid YAML 1.2, sorted, indented."""
    schema = create_app(Settings(migrate_on_start=False)).openapi()
    return json.dumps(schema, indent=2, sort_keys=True, ensure_ascii=False) + "\n"
