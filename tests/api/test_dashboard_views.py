"""The dashboard's URL state: filters (same answers as the API), paging, the pair trend, help for
every metric shown, and friendly HTML errors; on SQLite and PostgreSQL."""

from __future__ import annotations

import html
import re
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import parse_qsl, urlsplit

import pytest
from fastapi.testclient import TestClient
from tests.history_seed import T0, Seeded, hourly, seed
from tests.payloads import embeddings_request

from transfer_advisor.dashboard import LATEST
from transfer_advisor.dashboard.glossary import METRIC_HELP, TERMS
from transfer_advisor.domain.metrics import REGISTRY
from transfer_advisor.settings import Settings

SINCE = (T0 - timedelta(days=1)).date().isoformat()  # the seeded records are months old


@pytest.fixture
def seeded(client: TestClient, settings: Settings) -> list[Seeded]:
    return seed(client.app.state.sessions, settings.default_tenant,  # type: ignore[attr-defined]
                hourly(45, T0 + timedelta(days=5)))


def latest_ids(page: str) -> list[str]:
    table = page.split('id="latest"', 1)[1].split("</table>", 1)[0]
    return re.findall(r'<tr data-id="([0-9a-f]+)">', table)


def link(page: str, anchor_id: str) -> str | None:
    found = re.search(rf'<a id="{anchor_id}"[^>]* href="([^"]+)"', page)
    return html.unescape(found.group(1)) if found else None


def form_value(page: str, name: str) -> str:
    found = re.search(rf'<input type="text"[^>]* name="{name}" value="([^"]*)"', page)
    assert found is not None, name
    return html.unescape(found.group(1))


def selected(page: str, name: str) -> str | None:
    select = page.split(f'<select name="{name}">', 1)[1].split("</select>", 1)[0]
    found = re.search(r'<option value="([^"]*)" selected>', select)
    return found.group(1) if found else None


def api_ids(client: TestClient, params: dict[str, Any]) -> list[str]:
    body = client.get("/assessments", params={**params, "limit": 500}).json()
    return [i["id"] for i in body["items"]]


FILTERS: list[dict[str, str]] = [
    {},
    {"source_name": "a"},
    {"target_name": "y", "strategy": "fine_tune"},
    {"negative_transfer_risk": "medium"},
    {"extractor": "enc"},
    {"policy_version": "seed-2", "negative_transfer_risk": "low"},
    {"since": (T0 + timedelta(days=5, hours=7)).isoformat(),
     "until": (T0 + timedelta(days=6, hours=2)).isoformat()},
]


class TestFilters:
    @pytest.mark.parametrize("flt", FILTERS, ids=lambda f: ",".join(f) or "none")
    def test_counts_and_rows_are_the_apis(self, client: TestClient, seeded: list[Seeded],
                                          flt: dict[str, str]) -> None:
        params = {"since": SINCE, **flt}
        page = client.get("/dashboard", params=params)
        assert page.status_code == 200, page.text
        stats = client.get("/assessments/stats", params=params).json()
        assert stats["total"] > 0, "each filter must select something to be a real test"
        assert f'id="kpi-total">{stats["total"]}<' in page.text
        for strategy, n in stats["totals"].items():
            assert f'id="kpi-{strategy}">{n}<' in page.text
        assert latest_ids(page.text) == api_ids(client, params)[:LATEST]

    def test_filters_round_trip_into_the_form_and_links(self, client: TestClient,
                                                         seeded: list[Seeded]) -> None:
        params = {"since": SINCE, "source_name": "b", "negative_transfer_risk": "high",
                  "policy_version": "seed", "until": "2026-03-20"}
        page = client.get("/dashboard", params=params).text
        for name in ("since", "until", "source_name", "policy_version"):
            assert form_value(page, name) == params[name]
        assert form_value(page, "target_name") == ""
        assert selected(page, "negative_transfer_risk") == "high"
        assert selected(page, "strategy") is None
        # The JSON link selects the same records as the page.
        as_json = link(page, "as-json")
        assert as_json is not None
        assert as_json.startswith("/assessments?")
        query = dict(parse_qsl(urlsplit(as_json).query))
        assert api_ids(client, query)[:LATEST] == latest_ids(page)
        # A pair's trend link keeps every filter and adds the pair.
        trend = re.search(r'class="trend-link" title="[^"]*" href="([^"]+)"', page)
        assert trend is not None
        kept = dict(parse_qsl(urlsplit(html.unescape(trend.group(1))).query))
        assert {k: kept[k] for k in params} == params
        assert kept["source_name"] == "b"
        assert kept["target_name"] in ("x", "y")

    def test_extractor_column(self, client: TestClient, seeded: list[Seeded]) -> None:
        page = client.get("/dashboard", params={"since": SINCE}).text
        table = page.split('id="latest"', 1)[1]
        shown = dict(re.findall(r'<tr data-id="([0-9a-f]+)">.*?<td class="extractor">([^<]*)</td>',
                                table, re.S))
        by_id = {r.id: r.extractor for r in seeded}
        assert len(shown) == LATEST
        assert {i: (v if v != "–" else None) for i, v in shown.items()} == {
            i: by_id[i] for i in shown}
        assert "enc" in shown.values()


class TestPaging:
    def test_older_links_walk_every_record_once(self, client: TestClient,
                                                seeded: list[Seeded]) -> None:
        params = {"since": SINCE, "target_name": "x"}
        expected = api_ids(client, params)
        assert len(expected) > LATEST, "must need more than one page"
        url: str | None = "/dashboard?" + "&".join(f"{k}={v}" for k, v in params.items())
        seen: list[str] = []
        pages = 0
        while url:
            page = client.get(url)
            assert page.status_code == 200, page.text
            seen += latest_ids(page.text)
            pages += 1
            if pages > 1:  # later pages keep the filters and offer the way back
                assert form_value(page.text, "target_name") == "x"
                assert link(page.text, "newest") == "/dashboard?" + "&".join(
                    f"{k}={v}" for k, v in params.items())
            url = link(page.text, "older")
        assert seen == expected
        assert pages == -(-len(expected) // LATEST)

    def test_a_forged_cursor_is_a_friendly_error(self, client: TestClient) -> None:
        page = client.get("/dashboard", params={"cursor": "not-a-cursor"})
        assert page.status_code == 422
        assert page.headers["content-type"].startswith("text/html")
        assert 'data-field="cursor"' in page.text


class TestTrend:
    def test_trend_follows_one_pair_in_time(self, client: TestClient) -> None:
        records = []
        for i, shift in enumerate([0.0, 0.8, 2.0, 4.0]):
            body = embeddings_request(n=40, d=4, seed=i, shift=shift, labels=18)
            body["source"]["name"], body["target"]["name"] = "web", "clinic"
            response = client.post("/assess", json=body)
            assert response.status_code == 201, response.text
            records.append(response.json())
        other = embeddings_request(n=40, d=4, seed=9)
        other["source"]["name"], other["target"]["name"] = "web", "elsewhere"
        assert client.post("/assess", json=other).status_code == 201

        page = client.get("/dashboard", params={"source_name": "web", "target_name": "clinic"})
        assert page.status_code == 200
        assert 'data-points="4"' in page.text
        data = embedded_data(page.text)["trend"]
        assert data["ids"] == [r["id"] for r in records]  # oldest first, this pair only
        assert data["transfer_score"] == [r["recommendation"]["transfer_score"] for r in records]
        ratios = data["ratios"]["frechet_distance"]
        assert ratios == [r["metrics"]["frechet_distance"]["details"]["ratio_to_baseline"]
                          for r in records]
        assert ratios[-1] > ratios[0]  # the shift grew, and the chart says so
        for name in records[0]["metrics"]:
            if name in data["ratios"] or name in ("mmd", "proxy_a_distance"):
                assert f'<th class="num metric" title="{html.escape(METRIC_HELP[name])}"' in page.text
        shown = re.findall(r'<td class="num" data-metric="mmd">([^<]*)</td>', page.text)
        assert shown == [f"{r['metrics']['mmd']['value']:.4g}" for r in records]

    def test_no_trend_without_a_pair(self, client: TestClient) -> None:
        assert client.post("/assess", json=embeddings_request(n=30, d=3)).status_code == 201
        page = client.get("/dashboard", params={"source_name": "src"}).text
        assert 'id="trend"' not in page
        assert embedded_data(page)["trend"] is None


def embedded_data(page: str) -> dict[str, Any]:
    import json

    found = re.search(r'<script id="dashboard-data" type="application/json">(.*?)</script>',
                      page, re.S)
    assert found is not None
    data: dict[str, Any] = json.loads(html.unescape(found.group(1)))
    return data


class TestHelp:
    def test_every_metric_the_service_computes_has_help(self) -> None:
        assert set(REGISTRY) <= set(METRIC_HELP)
        assert all(len(text) > 40 for text in METRIC_HELP.values())

    def test_pages_explain_what_they_show(self, client: TestClient) -> None:
        record = client.post("/assess", json=embeddings_request(n=30, d=3, labels=12)).json()
        page = client.get("/dashboard").text
        for term in ("transfer_score", "negative_transfer_risk", "confidence", "extractor",
                     "policy_version", "fine_tune"):
            assert f'<dt data-term="{term}">' in page
            assert html.escape(TERMS[term]) in page
        drill = client.get(f"/dashboard/assessments/{record['id']}").text
        meanings = re.findall(r'<tr data-metric="([a-z_0-9]+)">.*?<td class="meaning">([^<]+)</td>',
                              drill, re.S)
        assert [m for m, _ in meanings] == sorted(record["metrics"])
        for name, text in meanings:
            assert html.unescape(text) == METRIC_HELP[name]
        for name in record["omitted"]:
            assert f'<tr data-omitted="{name}">' in drill


class TestErrors:
    @pytest.mark.parametrize(("params", "fields"), [
        ({"days": "0"}, ["days"]),
        ({"days": "many"}, ["days"]),
        ({"since": "yesterday"}, ["since"]),
        ({"since": "2026-03-02", "until": "2026-03-01"}, ["until"]),
        ({"strategy": "guess", "negative_transfer_risk": "extreme", "days": "999"},
         ["days", "strategy", "negative_transfer_risk"]),
    ])
    def test_bad_queries_are_html_pages_naming_each_field(
            self, client: TestClient, params: dict[str, str], fields: list[str]) -> None:
        page = client.get("/dashboard", params=params)
        assert page.status_code == 422
        assert page.headers["content-type"].startswith("text/html")
        assert "problem+json" not in page.headers["content-type"]
        assert sorted(re.findall(r'<li data-field="([a-z_]+)">', page.text)) == sorted(fields)
        for name, value in params.items():  # what was typed stays in the form, to be fixed
            if name in ("strategy", "negative_transfer_risk"):
                assert selected(page.text, name) is None
            else:
                assert form_value(page.text, name) == value
        assert 'class="bad"' in page.text
        assert "script-src 'self'" in page.headers["content-security-policy"]

    def test_empty_fields_are_no_filter(self, client: TestClient) -> None:
        assert client.post("/assess", json=embeddings_request(n=30, d=3)).status_code == 201
        blank = dict.fromkeys(("source_name", "target_name", "strategy", "extractor",
                               "negative_transfer_risk", "policy_version", "since", "until",
                               "days", "cursor"), "")
        page = client.get("/dashboard", params=blank)
        assert page.status_code == 200
        assert 'id="kpi-total">1<' in page.text


def test_window_heading_says_what_is_shown(client: TestClient) -> None:
    since = datetime(2026, 1, 1).date().isoformat()
    page = client.get("/dashboard", params={"since": since, "days": "7"}).text
    assert "since 2026-01-01" in page
    assert "last 7 days" not in page
    assert "last 7 days" in client.get("/dashboard", params={"days": "7"}).text
