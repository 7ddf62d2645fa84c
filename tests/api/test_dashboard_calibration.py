"""The dashboard's calibration section: empty without outcomes; with them, the figures per
policy version and the reliability data equal GET /calibration's."""

from __future__ import annotations

import json
import re

from fastapi.testclient import TestClient
from tests.payloads import embeddings_request


def embedded(html: str) -> dict[str, object]:
    found = re.search(r'<script id="calibration-data" type="application/json">(.*?)</script>',
                      html, re.S)
    assert found is not None
    data: dict[str, object] = json.loads(found.group(1))
    return data


def test_without_outcomes_the_section_says_how_to_report_them(client: TestClient) -> None:
    client.post("/assess", json=embeddings_request())
    html = client.get("/dashboard").text
    assert 'id="calibration-empty"' in html
    assert "calibration-data" not in html


def test_figures_per_version_and_the_reliability_data(client: TestClient) -> None:
    for i, fe in enumerate((0.9, 0.4, 0.8)):
        record = client.post("/assess", json=embeddings_request(seed=i)).json()
        client.post(f"/assessments/{record['id']}/outcome",
                    json={"acc_scratch": 0.6, "acc_feature_extraction": fe})
    response = client.get("/dashboard")
    assert response.status_code == 200
    html = response.text
    data = embedded(html)
    api = client.get("/calibration").json()
    assert data["as_made"] == api
    versions = data["versions"]
    assert isinstance(versions, list)
    assert [v["policy_version"] for v in versions] == [record["policy_version"]]
    assert versions[0]["n"] == 3
    assert html.count("<tr data-version=") == 2  # as made + the one version
    assert 'src="/dashboard/static/calibration.js"' in html
    script = client.get("/dashboard/static/calibration.js")
    assert script.status_code == 200
    assert "chart-reliability" in script.text
