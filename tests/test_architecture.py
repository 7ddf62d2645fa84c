"""The layers as the README draws them, checked on the imports of every module.

api → services → (domain, extractors, db); domain imports only the standard library, numpy,
scipy and `transfer_advisor.errors`. Module size is bounded so no file grows five jobs again.
"""

from __future__ import annotations

import ast
import sys
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "service" / "transfer_advisor"
MAX_LINES = 400


def _modules(subpackage: str = "") -> list[Path]:
    return sorted((PACKAGE / subpackage).rglob("*.py"))


def _imports(path: Path) -> set[str]:
    """Absolute dotted names of everything `path` imports (relative imports resolved)."""
    package = ["transfer_advisor", *path.relative_to(PACKAGE).parent.parts]
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = package[: len(package) - node.level + 1] if node.level else []
            module = ".".join([*base, *([node.module] if node.module else [])])
            found.add(module)
            found.update(f"{module}.{alias.name}" for alias in node.names)
    return found


@pytest.mark.parametrize("path", _modules("api"), ids=lambda p: p.name)
def test_api_never_reaches_the_database_layer(path: Path) -> None:
    bad = sorted(i for i in _imports(path) if i == "transfer_advisor.db"
                 or i.startswith("transfer_advisor.db."))
    assert not bad, f"{path.name} imports {bad}: go through a use case in services/"


ALLOWED_OUTSIDE_DOMAIN = ("numpy", "scipy", "transfer_advisor.errors", "transfer_advisor.domain")


@pytest.mark.parametrize("path", _modules("domain"), ids=lambda p: str(p.relative_to(PACKAGE)))
def test_domain_imports_only_numerics_and_itself(path: Path) -> None:
    bad = []
    for name in _imports(path):
        top = name.split(".")[0]
        if top in sys.stdlib_module_names or top == "__future__":
            continue
        if any(name == a or name.startswith(a + ".") for a in ALLOWED_OUTSIDE_DOMAIN):
            continue
        bad.append(name)
    assert not bad, f"{path.name} imports {sorted(bad)}"


@pytest.mark.parametrize("path", _modules(), ids=lambda p: str(p.relative_to(PACKAGE)))
def test_no_module_does_too_many_jobs(path: Path) -> None:
    lines = len(path.read_text().splitlines())
    assert lines <= MAX_LINES, f"{path.name} has {lines} lines (> {MAX_LINES}): split it by job"
