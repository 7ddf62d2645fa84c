"""GET /dashboard and its drill-down, rendered by the app (the browser test is tests/e2e)."""

from __future__ import annotations

import html
import json
import re

import numpy as np
from fastapi.testclient import TestClient
from tests.payloads import embeddings_request


def seed(client: TestClient, n: int) -> list[dict]:
    out = []
    for i in range(n):
        body = embeddings_request(n=30, d=4, seed=i, shift=0.7 * i, labels=12 + 6 * i)
        body["source"]["name"] = f"src-{i}"
        response = client.post("/assess", json=body)
        assert response.status_code == 201, response.text
        out.append(response.json())
    return out


def embedded_data(page: str) -> dict:
    found = re.search(r'<script id="dashboard-data" type="application/json">(.*?)</script>', page, re.S)
    assert found is not None
    return json.loads(html.unescape(found.group(1)))


class TestDashboard:
    def test_numbers_match_the_history(self, client: TestClient) -> None:
        seed(client, 4)
        items = client.get("/assessments", params={"limit": 500}).json()["items"]
        page = client.get("/dashboard")
        assert page.status_code == 200
        assert page.headers["content-type"].startswith("text/html")
        text = page.text
        assert f'id="kpi-total">{len(items)}<' in text
        for strategy in ("fine_tune", "feature_extraction", "train_from_scratch"):
            n = sum(i["strategy"] == strategy for i in items)
            assert f'id="kpi-{strategy}">{n}<' in text
        mean = np.mean([i["transfer_score"] for i in items])
        assert f'id="kpi-mean-score">{mean:.3f}<' in text
        data = embedded_data(text)
        hist, _ = np.histogram([i["transfer_score"] for i in items], bins=10, range=(0, 1))
        assert data["score_counts"] == hist.tolist()
        assert sum(sum(v) for v in data["per_day"].values()) == len(items)
        ids = re.findall(r'<tr data-id="([0-9a-f]+)">', text)
        assert ids == [i["id"] for i in items]  # newest first, like the API

    def test_drill_down_shows_metrics_and_reasons(self, client: TestClient) -> None:
        record = seed(client, 1)[0]
        page = client.get(f"/dashboard/assessments/{record['id']}")
        assert page.status_code == 200
        shown = re.findall(r'<tr data-metric="([a-z_0-9]+)">', page.text)
        assert shown == sorted(record["metrics"])
        reasons = [html.unescape(r) for r in re.findall(r"<li>(.*?)</li>", page.text, re.S)]
        assert reasons == record["recommendation"]["reasons"]
        assert f'id="transfer-score">{record["recommendation"]["transfer_score"]:.3f}<' in page.text

    def test_pages_send_security_headers(self, client: TestClient) -> None:
        record = seed(client, 1)[0]
        for path in ("/dashboard", f"/dashboard/assessments/{record['id']}"):
            headers = client.get(path).headers
            assert "script-src 'self'" in headers["content-security-policy"]
            assert "frame-ancestors 'none'" in headers["content-security-policy"]
            assert headers["x-frame-options"] == "DENY"
            assert headers["x-content-type-options"] == "nosniff"

    def test_names_are_escaped(self, client: TestClient) -> None:
        body = embeddings_request(n=20, d=3, labels=9)
        body["source"]["name"] = "<script>alert(1)</script>"
        response = client.post("/assess", json=body)
        assert response.status_code == 201, response.text
        record = response.json()
        for path in ("/dashboard", f"/dashboard/assessments/{record['id']}"):
            text = client.get(path).text
            assert "<script>alert(1)</script>" not in text
            assert "&lt;script&gt;alert(1)&lt;/script&gt;" in text

    def test_empty_and_unknown(self, client: TestClient) -> None:
        assert 'id="empty"' in client.get("/dashboard").text
        missing = client.get("/dashboard/assessments/0123abc")
        assert missing.status_code == 404
        assert missing.headers["content-type"].startswith("text/html")  # a page, for people
        assert "no assessment '0123abc'" in html.unescape(missing.text)
        assert client.get("/dashboard", params={"days": 0}).status_code == 422

    def test_assets_are_served_locally(self, client: TestClient) -> None:
        page = client.get("/dashboard").text
        scripts = re.findall(r'<script src="([^"]+)"', page)
        assert scripts, "no scripts on the page"
        for src in scripts:
            assert src.startswith("/dashboard/static/")  # nothing from a CDN
            asset = client.get(src)
            assert asset.status_code == 200
            assert len(asset.content) > 500
        assert "Chart.js v4" in client.get("/dashboard/static/vendor/chart.umd.min.js").text[:200]
