"""The dashboard in headless Chromium (Debian's package, driven by Playwright) on a live server.

Seeds records through the API, loads /dashboard, checks that what the page shows (counters,
chart data drawn by Chart.js, the latest table, the drill-down) equals what the API returns,
that no request leaves the server, and saves artifacts/dashboard.png. Skips when Chromium or
Playwright is missing, except in CI (CI=true), where `.ci/run` installs Chromium.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import numpy as np
import pytest

from tests.live_server import live_server
from tests.payloads import embeddings_request

CHROMIUM = os.environ.get("TRANSFER_ADVISOR_CHROMIUM", "/usr/bin/chromium")
ARTIFACTS = Path(__file__).resolve().parents[2] / "artifacts"
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
         "--disable-quic", "--no-first-run", "--disable-component-update", "--disable-sync",
         "--disable-dev-shm-usage"]


def _need(reason: str) -> None:
    if os.environ.get("CI") == "true":
        pytest.fail(f"{reason}: CI must run the browser test (.ci/run installs chromium)")
    pytest.skip(reason)


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    if not (Path(CHROMIUM).exists() or shutil.which(CHROMIUM)):
        _need(f"no Chromium at {CHROMIUM} (apt-get install chromium)")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _need("playwright is not installed (pip install -e '.[dev]')")
    with sync_playwright() as pw:
        instance = pw.chromium.launch(executable_path=CHROMIUM, headless=True, args=FLAGS)
        try:
            yield instance
        finally:
            instance.close()


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    with live_server(tmp_path_factory.mktemp("dashboard")) as base:
        # Varied shifts and label counts, so the strategies and scores spread out.
        for i, (shift, labels) in enumerate([(0.0, 60), (0.3, 12), (1.5, 60), (3.0, 9),
                                             (0.1, 30), (6.0, 60), (0.8, 15)]):
            body = embeddings_request(n=60, d=6, seed=i, shift=shift, labels=labels)
            body["source"]["name"], body["target"]["name"] = f"source-{i}", f"target-{i}"
            response = httpx.post(f"{base}/assess", json=body, timeout=60)
            assert response.status_code == 201, response.text
        yield base


def test_dashboard_shows_what_the_api_says(browser: Any, server: str) -> None:
    items = httpx.get(f"{server}/assessments", params={"limit": 500}).json()["items"]
    assert len(items) == 7
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    requested: list[str] = []
    page.on("request", lambda r: requested.append(r.url))
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    try:
        page.goto(f"{server}/dashboard", wait_until="load")
        page.wait_for_function("() => window.Chart && Chart.getChart('chart-scores') "
                               "&& Chart.getChart('chart-over-time')", timeout=15000)

        assert page.inner_text("#kpi-total") == str(len(items))
        for strategy in ("fine_tune", "feature_extraction", "train_from_scratch"):
            expected = sum(i["strategy"] == strategy for i in items)
            assert page.inner_text(f"#kpi-{strategy}") == str(expected)
        scores = [i["transfer_score"] for i in items]
        assert page.inner_text("#kpi-mean-score") == f"{np.mean(scores):.3f}"

        # What Chart.js actually holds and drew, not just what the server embedded.
        drawn = page.evaluate("""() => {
            const s = Chart.getChart('chart-scores'), t = Chart.getChart('chart-over-time');
            return {hist: s.data.datasets[0].data, bars: s.getDatasetMeta(0).data.length,
                    perDay: t.data.datasets.map(d => ({label: d.label, data: d.data})),
                    width: s.width};
        }""")
        hist, _ = np.histogram(scores, bins=10, range=(0.0, 1.0))
        assert drawn["hist"] == hist.tolist()
        assert drawn["bars"] == 10
        assert drawn["width"] > 100
        for strategy in ("fine_tune", "feature_extraction", "train_from_scratch"):
            series = next(d for d in drawn["perDay"] if d["label"] == strategy.replace("_", " "))
            assert sum(series["data"]) == sum(i["strategy"] == strategy for i in items)

        rows = page.locator("#latest tbody tr")
        assert rows.count() == len(items)
        assert [rows.nth(k).get_attribute("data-id") for k in range(len(items))] == [
            i["id"] for i in items]
        first_score = rows.nth(0).locator("td.score").inner_text()
        assert first_score == f"{items[0]['transfer_score']:.3f}"

        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / "dashboard.png"), full_page=True)

        # Drill down into the newest record.
        rows.nth(0).locator("a").click()
        page.wait_for_selector("#metrics")
        record = httpx.get(f"{server}/assessments/{items[0]['id']}").json()
        assert page.inner_text("#record-id") == record["id"]
        reasons = page.locator("#reasons li").all_inner_texts()
        assert reasons == record["recommendation"]["reasons"]
        metrics = page.locator("#metrics tbody tr").evaluate_all(
            "rows => rows.map(r => r.dataset.metric)")
        assert metrics == sorted(record["metrics"])
        page.screenshot(path=str(ARTIFACTS / "dashboard-assessment.png"), full_page=True)
    finally:
        page.close()
    assert not errors, errors
    assert requested
    assert all(u.startswith(server) for u in requested), requested
