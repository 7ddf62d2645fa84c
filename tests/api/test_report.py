"""GET /assessments/{id}/report: one self-contained HTML page per assessment, tenant-scoped."""

from __future__ import annotations

import html
import re
import uuid
from collections.abc import Iterator
from html.parser import HTMLParser
from typing import Any

import pytest
from fastapi.testclient import TestClient
from tests.history_seed import T0, hourly, seed
from tests.payloads import embeddings_request

from transfer_advisor.app import create_app
from transfer_advisor.dashboard.glossary import METRIC_HELP, TERMS
from transfer_advisor.services import keys
from transfer_advisor.settings import Settings

PROBLEM = "application/problem+json"


class Elements(HTMLParser):
    """Every start tag with its attributes, and the document's text."""

    def __init__(self, page: str) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.text: list[str] = []
        self.feed(page)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def assess(client: TestClient, **kw: Any) -> dict[str, Any]:
    body = embeddings_request(**{"n": 50, "d": 5, "shift": 0.6, "labels": 24, **kw})
    response = client.post("/assess", json=body)
    assert response.status_code == 201, response.text
    record: dict[str, Any] = response.json()
    return record


class TestReport:
    def test_shows_decision_reasons_gain_and_every_metric_with_its_meaning(
            self, client: TestClient) -> None:
        record = assess(client)
        response = client.get(f"/assessments/{record['id']}/report")
        assert response.status_code == 200
        assert response.headers["content-type"].startswith("text/html")
        page = response.text
        rec = record["recommendation"]
        assert f'id="strategy">{rec["strategy"].replace("_", " ")}<' in page
        assert f'id="transfer-score">{rec["transfer_score"]:.3f}<' in page
        assert f'id="risk">{rec["negative_transfer_risk"]}<' in page
        assert f'id="expected-gain">{rec["expected_gain"]["value"]:+.3f}<' in page
        reasons = [html.unescape(r) for r in re.findall(
            r"<li>(.*?)</li>", page.split('id="reasons"', 1)[1].split("</ol>", 1)[0], re.S)]
        assert reasons == rec["reasons"]
        rows = re.findall(r'<tr data-metric="([a-z_0-9]+)">.*?<td class="num">([^<]+)</td>.*?'
                          r'<td class="means">([^<]+)</td>', page, re.S)
        assert [name for name, _, _ in rows] == sorted(record["metrics"])
        for name, value, meaning in rows:
            assert value == f"{record['metrics'][name]['value']:.6g}"
            assert html.unescape(meaning) == METRIC_HELP[name]
        assert record["omitted"], "the request leaves some metrics out: a real test"
        for name, why in record["omitted"].items():
            row = f'<tr data-omitted="{name}"><td><code>{name}</code></td><td>{html.escape(why)}</td>'
            assert row in page
        assert html.escape(TERMS["expected_gain"]) in page

    def test_is_self_contained(self, client: TestClient) -> None:
        record = assess(client)
        page = client.get(f"/assessments/{record['id']}/report").text
        parsed = Elements(page)
        tags = [t for t, _ in parsed.tags]
        assert "script" not in tags
        assert "link" not in tags
        assert "img" not in tags
        assert "iframe" not in tags
        for tag, attrs in parsed.tags:
            for name in ("src", "href", "xlink:href", "action", "data"):
                value = attrs.get(name)
                assert value is None or not re.match(r"\s*(https?:)?//", value), (tag, name, value)
        assert not re.search(r"\b(src|href)\s*=\s*[\"']?\s*(https?:)?//", page, re.I)
        assert "@import" not in page
        assert "url(" not in page
        assert tags.count("svg") >= 4  # the plots are inline
        csp = client.get(f"/assessments/{record['id']}/report").headers["content-security-policy"]
        assert "default-src 'none'" in csp

    def test_plots_what_the_record_stores(self, client: TestClient) -> None:
        record = assess(client, shift=2.0)
        page = client.get(f"/assessments/{record['id']}/report").text
        for figure in ("decision", "expected-gain", "shift-vs-noise", "frechet-split", "probes",
                       "mean-shift", "pca"):
            block = page.split(f'<figure id="fig-{figure}">', 1)[1].split("</figure>", 1)[0]
            assert "<svg" in block, figure
        noise = page.split('<figure id="fig-shift-vs-noise">', 1)[1].split("</figure>", 1)[0]
        ratio = record["metrics"]["frechet_distance"]["details"]["ratio_to_baseline"]
        assert f"{ratio:.3g}× noise" in noise
        # The largest mean shift the record stores is the first bar of its plot.
        top = record["evidence"]["shift_profile"]["top_dims"]
        dims = re.findall(r">dimension (\d+)</text>", page)
        assert [int(d) for d in dims] == [j for j, _ in top]
        assert f"{top[0][1]:+.2f} σ" in page

    def test_an_old_record_says_which_plots_it_cannot_have(self, client: TestClient,
                                                           settings: Settings) -> None:
        # A record as older versions stored it: metrics, no shift profile.
        old = seed(client.app.state.sessions, settings.default_tenant,  # type: ignore[attr-defined]
                   hourly(1, T0))[0]
        page = client.get(f"/assessments/{old.id}/report").text
        for figure in ("mean-shift", "pca"):
            block = page.split(f'<figure id="fig-{figure}">', 1)[1].split("</figure>", 1)[0]
            assert "<svg" not in block
            assert 'class="missing"' in block
            assert "cannot be made from it" in block

    def test_names_are_escaped(self, client: TestClient) -> None:
        body = embeddings_request(n=20, d=3, labels=9)
        body["source"]["name"] = '<script>alert(1)</script>"><svg onload=x>'
        record = client.post("/assess", json=body).json()
        page = client.get(f"/assessments/{record['id']}/report").text
        assert "<script>alert(1)" not in page
        assert "<svg onload" not in page
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page

    def test_unknown_id_is_a_404_problem(self, client: TestClient) -> None:
        response = client.get("/assessments/0123abc/report")
        assert response.status_code == 404
        assert response.headers["content-type"].startswith(PROBLEM)


@pytest.fixture
def auth_app(settings: Settings) -> Iterator[TestClient]:
    required = settings.model_copy(update={"auth": "required"})
    with TestClient(create_app(required), raise_server_exceptions=False) as client:
        yield client


def bearer(client: TestClient, *scopes: str) -> dict[str, str]:
    sessions = client.app.state.sessions  # type: ignore[attr-defined]
    _, key = keys.create_key(sessions, f"t-{uuid.uuid4().hex[:8]}", scopes or ("assess", "read"))
    return {"Authorization": f"Bearer {key}"}


class TestTenancy:
    def test_another_tenants_report_is_404(self, auth_app: TestClient) -> None:
        mine, theirs = bearer(auth_app), bearer(auth_app)
        response = auth_app.post("/assess", json=embeddings_request(n=20, d=3, labels=9), headers=mine)
        assert response.status_code == 201
        rid = response.json()["id"]
        assert auth_app.get(f"/assessments/{rid}/report", headers=mine).status_code == 200
        foreign = auth_app.get(f"/assessments/{rid}/report", headers=theirs)
        assert foreign.status_code == 404
        assert foreign.headers["content-type"].startswith(PROBLEM)
        assert foreign.json()["status"] == 404

    def test_needs_a_key_with_read_scope(self, auth_app: TestClient) -> None:
        writer = bearer(auth_app, "assess")
        body = embeddings_request(n=20, d=3, labels=9)
        rid = auth_app.post("/assess", json=body, headers=writer).json()["id"]
        assert auth_app.get(f"/assessments/{rid}/report").status_code == 401
        assert auth_app.get(f"/assessments/{rid}/report", headers=writer).status_code == 403
