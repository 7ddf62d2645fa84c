"""docker/: the image and compose files make sense, and the Grafana panels query real metrics.

`docker compose config` validates the compose file where the compose plugin exists (the engine
need not run); the structural checks below run everywhere.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
import yaml
from fastapi.testclient import TestClient

from tests.payloads import embeddings_request
from transfer_advisor.app import create_app
from transfer_advisor.settings import Settings

DOCKER = Path(__file__).resolve().parents[1] / "docker"


def compose() -> dict[str, Any]:
    doc: dict[str, Any] = yaml.safe_load((DOCKER / "compose.yaml").read_text())
    return doc


def test_dockerfile_is_slim_non_root_with_healthcheck() -> None:
    lines = [ln.strip() for ln in (DOCKER / "Dockerfile").read_text().splitlines()]
    froms = [ln for ln in lines if ln.startswith("FROM ")]
    assert froms
    assert all("-slim" in ln for ln in froms)
    users = [ln.split()[1] for ln in lines if ln.startswith("USER ")]
    assert users
    assert users[-1] not in {"root", "0"}
    assert any(ln.startswith("HEALTHCHECK ") for ln in lines)
    # /readyz, not /healthz: a container whose database is down must look unhealthy.
    health = " ".join(lines[lines.index(next(ln for ln in lines if ln.startswith("HEALTHCHECK "))):])
    assert "/readyz" in health
    assert "/healthz" not in health
    # The base image is pinned to a patch release (or a digest), never a floating tag.
    for ln in froms:
        image = ln.split()[1]
        assert "@sha256:" in image or re.search(r":\d+\.\d+\.\d+", image), image
    # A real (non-editable) install; the bundled extractors are built into the image.
    installs = [ln for ln in lines if "pip install" in ln]
    assert installs
    assert not any(" -e " in f" {ln} " or "--editable" in ln for ln in installs)
    assert any("transfer-advisor extractors build" in ln for ln in lines)
    # Every path the image copies exists in the build context.
    for ln in lines:
        if ln.startswith("COPY "):
            for src in ln.split()[1:-1]:
                assert (DOCKER.parent / src).exists(), src


def test_compose_runs_migrations_before_the_service_on_postgres() -> None:
    services = compose()["services"]
    assert {"postgres", "migrate", "advisor"} <= services.keys()
    assert services["migrate"]["command"] == ["transfer-advisor", "db", "upgrade"]
    assert services["migrate"]["depends_on"]["postgres"]["condition"] == "service_healthy"
    assert services["advisor"]["depends_on"]["migrate"]["condition"] == "service_completed_successfully"
    for name in ("migrate", "advisor"):
        url = services[name]["environment"]["TRANSFER_ADVISOR_DATABASE_URL"]
        assert url.startswith("postgresql+psycopg://")
        assert "@postgres:5432/" in url
    assert services["postgres"]["healthcheck"]["test"]


def test_grafana_panels_query_metrics_the_service_exports(tmp_path: Path) -> None:
    dashboard = json.loads((DOCKER / "grafana" / "transfer-advisor.json").read_text())
    exprs = [t["expr"] for p in dashboard["panels"] for t in p["targets"]]
    assert exprs
    settings = Settings(data_dir=tmp_path, auth="disabled")
    with TestClient(create_app(settings)) as client:
        assert client.post("/assess", json=embeddings_request(n=30, d=4, labels=12)).status_code == 201
        client.get("/assessments/unknown")  # one problem response, so the problems counter exists
        exposed = client.get("/metrics").text
    names = set(re.findall(r"^(transfer_advisor_\w+?)(?:\{| )", exposed, re.M))
    for expr in exprs:
        used = re.findall(r"transfer_advisor_\w+", expr)
        assert used, expr
        missing = [n for n in used if n not in names]
        assert not missing, f"{missing} not in /metrics (has {sorted(names)})"
    scrape = yaml.safe_load((DOCKER / "prometheus.yml").read_text())
    assert scrape["scrape_configs"][0]["metrics_path"] == "/metrics"


def test_compose_has_no_constant_secrets_and_no_anonymous_grafana() -> None:
    services = compose()["services"]
    password = services["postgres"]["environment"]["POSTGRES_PASSWORD"]
    assert password.startswith("${POSTGRES_PASSWORD:?"), password  # required, no default
    for name in ("migrate", "advisor"):
        url = services[name]["environment"]["TRANSFER_ADVISOR_DATABASE_URL"]
        assert "${POSTGRES_PASSWORD:?" in url, url
        assert ":-" not in url, url
    grafana = services["grafana"]["environment"]
    assert str(grafana.get("GF_AUTH_ANONYMOUS_ENABLED", "false")).lower() == "false"
    assert grafana["GF_SECURITY_ADMIN_PASSWORD"].startswith("${GRAFANA_ADMIN_PASSWORD:?")


def test_docker_compose_config_validates(tmp_path: Path) -> None:
    """`docker compose config` (v2 plugin), else docker-compose v1, else skip: no engine needed."""
    path, cmd = DOCKER / "compose.yaml", None
    if shutil.which("docker") and subprocess.run(["docker", "compose", "version"],
                                                 capture_output=True).returncode == 0:
        cmd = ["docker", "compose"]
    elif shutil.which("docker-compose"):
        # v1 predates the top-level `name`; validate everything else, paths resolved as in docker/.
        doc = compose()
        doc.pop("name", None)
        path = DOCKER / f".compose-v1-check-{tmp_path.name}.yaml"
        cmd = ["docker-compose"]
    if cmd is None:
        pytest.skip("no docker compose plugin or docker-compose binary")
    try:
        if cmd == ["docker-compose"]:
            path.write_text(yaml.safe_dump(doc))
        env = {**os.environ, "POSTGRES_PASSWORD": "test-only", "GRAFANA_ADMIN_PASSWORD": "test-only"}
        done = subprocess.run([*cmd, "-f", str(path), "--profile", "monitoring", "config", "--quiet"],
                              capture_output=True, text=True, timeout=60, env=env)
    finally:
        if path.name.startswith(".compose-v1-check"):
            path.unlink(missing_ok=True)
    assert done.returncode == 0, done.stderr
