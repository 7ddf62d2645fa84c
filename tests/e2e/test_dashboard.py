"""The dashboard in headless Chromium (Debian's package, driven by Playwright) on a live server.

Seeds records through the API, loads /dashboard, checks that what the page shows (counters,
chart data drawn by Chart.js, the latest table, the drill-down) equals what the API returns,
that the filter form, the paging links and the pair trend work by clicking, that a bad URL is
an HTML page, that no request leaves the server, and saves artifacts/dashboard*.png. Skips when
Chromium or Playwright is missing, except in CI (CI=true), where `.ci/run` installs Chromium.
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


PAIR = ("web-photos", "clinic-scans")
PAIR_RECORDS = 16  # with the 7 varied ones: more than one page of 20


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
        # One pair assessed again and again as its target drifts away: the trend.
        for i in range(PAIR_RECORDS):
            body = embeddings_request(n=40, d=6, seed=100 + i, shift=0.25 * i, labels=24)
            body["source"]["name"], body["target"]["name"] = PAIR
            response = httpx.post(f"{base}/assess", json=body, timeout=60)
            assert response.status_code == 201, response.text
        yield base


@pytest.fixture
def page(browser: Any, server: str) -> Iterator[Any]:
    """A fresh tab that records every request and script error; both are checked at the end."""
    tab = browser.new_page(viewport={"width": 1280, "height": 900})
    requested: list[str] = []
    errors: list[str] = []
    tab.on("request", lambda r: requested.append(r.url))
    tab.on("pageerror", lambda e: errors.append(str(e)))
    try:
        yield tab
    finally:
        tab.close()
    assert not errors, errors
    assert requested
    assert all(u.startswith(server) for u in requested), requested


def api_items(server: str, **params: Any) -> list[dict[str, Any]]:
    body = httpx.get(f"{server}/assessments", params={**params, "limit": 500}).json()
    items: list[dict[str, Any]] = body["items"]
    return items


def row_ids(page: Any) -> list[str]:
    ids: list[str] = page.locator("#latest tbody tr").evaluate_all(
        "rows => rows.map(r => r.dataset.id)")
    return ids


def save_screenshot(page: Any, path: Path) -> None:
    """A full-page PNG, reduced to a 128-colour palette when Pillow is there (the committed
    artifacts/dashboard.png stays small)."""
    path.parent.mkdir(exist_ok=True)
    page.screenshot(path=str(path), full_page=True)
    try:
        from PIL import Image
    except ImportError:
        return
    with Image.open(path) as shot:
        small = shot.convert("RGB").quantize(colors=128, method=Image.Quantize.MEDIANCUT)
    small.save(path, optimize=True)


def test_dashboard_shows_what_the_api_says(page: Any, server: str) -> None:
    items = api_items(server)
    assert len(items) == 7 + PAIR_RECORDS
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

    assert row_ids(page) == [i["id"] for i in items[:20]]
    first = page.locator("#latest tbody tr").nth(0)
    assert first.locator("td.score").inner_text() == f"{items[0]['transfer_score']:.3f}"
    assert first.locator("td.extractor").inner_text() == "–"  # embeddings sent, no extractor
    assert page.locator("#help dt").count() >= 10  # the glossary is on the page

    # Drill down into the newest record.
    first.locator("a.open").click()
    page.wait_for_selector("#metrics")
    record = httpx.get(f"{server}/assessments/{items[0]['id']}").json()
    assert page.inner_text("#record-id") == record["id"]
    reasons = page.locator("#reasons li").all_inner_texts()
    assert reasons == record["recommendation"]["reasons"]
    metrics = page.locator("#metrics tbody tr").evaluate_all(
        "rows => rows.map(r => r.dataset.metric)")
    assert metrics == sorted(record["metrics"])
    meanings = page.locator("#metrics td.meaning").all_inner_texts()
    assert all(len(m) > 40 for m in meanings)
    save_screenshot(page, ARTIFACTS / "dashboard-assessment.png")


def test_paging_past_twenty_rows(page: Any, server: str) -> None:
    items = api_items(server)
    page.goto(f"{server}/dashboard", wait_until="load")
    assert page.locator("#newest").count() == 0
    page.click("#older")
    page.wait_for_selector("#newest")
    assert "cursor=" in page.url
    assert row_ids(page) == [i["id"] for i in items[20:]]
    assert page.locator("#older").count() == 0  # the last page
    assert page.inner_text("#kpi-total") == str(len(items))  # counts ignore the page
    page.click("#newest")
    page.wait_for_selector("#older")
    assert row_ids(page) == [i["id"] for i in items[:20]]


def test_filters_from_the_form_round_trip(page: Any, server: str) -> None:
    page.goto(f"{server}/dashboard", wait_until="load")
    page.fill("#filters input[name=source_name]", PAIR[0])
    page.fill("#filters input[name=target_name]", PAIR[1])
    risk = api_items(server, source_name=PAIR[0])[0]["negative_transfer_risk"]
    page.select_option("#filters select[name=negative_transfer_risk]", risk)
    page.click("#apply")
    page.wait_for_selector("#trend")
    page.wait_for_function("() => window.Chart && Chart.getChart('chart-trend-score') "
                           "&& Chart.getChart('chart-trend-shift')", timeout=15000)
    assert f"source_name={PAIR[0]}" in page.url
    assert f"negative_transfer_risk={risk}" in page.url
    # The form shows what the URL holds.
    assert page.input_value("#filters input[name=source_name]") == PAIR[0]
    assert page.input_value("#filters input[name=target_name]") == PAIR[1]
    assert page.input_value("#filters select[name=negative_transfer_risk]") == risk

    expected = api_items(server, source_name=PAIR[0], target_name=PAIR[1],
                         negative_transfer_risk=risk)
    assert expected
    assert page.inner_text("#kpi-total") == str(len(expected))
    assert row_ids(page) == [i["id"] for i in expected[:20]]
    trend = page.evaluate("""() => {
        const s = Chart.getChart('chart-trend-score'), f = Chart.getChart('chart-trend-shift');
        return {score: s.data.datasets[0].data, points: s.getDatasetMeta(0).data.length,
                shift: f.data.datasets.map(d => d.label)};
    }""")
    assert trend["score"] == [i["transfer_score"] for i in reversed(expected)]
    assert trend["points"] == len(expected)
    assert "frechet_distance" in trend["shift"]
    save_screenshot(page, ARTIFACTS / "dashboard.png")


def test_a_bad_url_is_a_page_that_says_what_to_fix(page: Any, server: str) -> None:
    response = page.goto(f"{server}/dashboard?days=0&strategy=guess", wait_until="load")
    assert response.status == 422
    assert page.locator("#error").is_visible()
    fields = page.locator("#error-fields li").evaluate_all("li => li.map(x => x.dataset.field)")
    assert sorted(fields) == ["days", "strategy"]
    assert page.input_value("#filters input[name=days]") == "0"
    page.fill("#filters input[name=days]", "7")
    page.click("#apply")
    page.wait_for_selector("#kpi-total")
    assert "days=7" in page.url


def test_the_report_loads_nothing_else(browser: Any, server: str) -> None:
    """The report page in a real browser: one request (the page), its plots drawn, no CSP
    violation (its own policy forbids every external resource and any script)."""
    rid = api_items(server)[0]["id"]
    tab = browser.new_page(viewport={"width": 1000, "height": 900})
    requested: list[str] = []
    console: list[str] = []
    tab.on("request", lambda r: requested.append(r.url))
    tab.on("console", lambda m: console.append(m.text) if m.type == "error" else None)
    try:
        response = tab.goto(f"{server}/assessments/{rid}/report", wait_until="load")
        assert response.status == 200
        assert tab.inner_text("#record-id") == rid
        assert tab.locator("#plots svg").count() >= 6
        box = tab.locator("#fig-shift-vs-noise svg").bounding_box()
        assert box is not None
        assert box["width"] > 300
    finally:
        tab.close()
    assert requested == [f"{server}/assessments/{rid}/report"]
    assert not console, console
