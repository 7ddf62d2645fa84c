"""The committed openapi.yaml is this function's output; a test fails when they drift."""

from __future__ import annotations

from typing import Any

import yaml

from .app import create_app
from .settings import Settings


class _Dumper(yaml.SafeDumper):  # type: ignore[misc]  # PyYAML ships no stubs here
    """Block-style YAML without anchors: a shared sub-object is written out where it occurs."""

    def ignore_aliases(self, data: Any) -> bool:
        return True


def _str(dumper: yaml.SafeDumper, value: str) -> yaml.ScalarNode:
    """Multi-line text (docstrings) as a literal block, as written."""
    style = "|" if "\n" in value else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


_Dumper.add_representer(str, _str)


def openapi_schema() -> dict[str, Any]:
    schema: dict[str, Any] = create_app(Settings(migrate_on_start=False)).openapi()
    return schema


def render_openapi() -> str:
    """YAML in the app's own key order (paths as routed, properties as declared): stable for a
    given FastAPI and pydantic, and diffable."""
    text: str = yaml.dump(openapi_schema(), Dumper=_Dumper, sort_keys=False, allow_unicode=True,
                          default_flow_style=False, width=100)
    return text
