"""Policy versions: GET /policies, POST /policies/fit (refused below the minimum), activation
for one tenant only, /assess and replay under the tenant's (or a named) version, the audit of
fits and activations; on SQLite and PostgreSQL."""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import create_engine, text
from tests.payloads import embeddings_request

from transfer_advisor.app import create_app
from transfer_advisor.domain import policy
from transfer_advisor.domain.audit import record_hash
from transfer_advisor.domain.policy import guard
from transfer_advisor.domain.policy.cases import shipped_cases
from transfer_advisor.services import keys, policies, policy_fit
from transfer_advisor.services.policy_fit import MIN_OUTCOMES, SHARES
from transfer_advisor.settings import Settings

PROBLEM = "application/problem+json"


@dataclass(frozen=True)
class Tenant:
    name: str
    headers: dict[str, str]


@pytest.fixture
def app(settings: Settings) -> Iterator[TestClient]:
    required = settings.model_copy(update={"auth": "required"})
    with TestClient(create_app(required), raise_server_exceptions=False) as client:
        yield client


def tenant(app: TestClient, *scopes: str) -> Tenant:
    name = f"t-{uuid.uuid4().hex[:8]}"
    _, key = keys.create_key(app.app.state.sessions,  # type: ignore[attr-defined]
                             name, scopes or ("assess", "read", "admin"))
    return Tenant(name, {"Authorization": f"Bearer {key}"})


def assess(app: TestClient, who: Tenant, i: int) -> dict[str, Any]:
    # three target datasets (held out in turn), each at its own label counts: every i is its own
    # task, so the guard's sign test counts it once (replicates of a task vote together)
    body = embeddings_request(seed=i, shift=0.25 * (i % 5))
    body["task"]["labeled_examples"] = 30 + 3 * (i // 3)  # 30 of them sent
    body["target"]["name"] = f"dataset-{i % 3}"
    response = app.post("/assess", json=body, headers=who.headers)
    assert response.status_code == 201, response.text
    result: dict[str, Any] = response.json()
    return result


def with_outcomes(app: TestClient, who: Tenant, n: int) -> list[dict[str, Any]]:
    """n assessments, each with an outcome: transfer helps on odd ones, hurts on even ones."""
    out = []
    for i in range(n):
        a = assess(app, who, i)
        fe = 0.75 if i % 2 else 0.5
        response = app.post(f"/assessments/{a['id']}/outcome", headers=who.headers,
                            json={"acc_scratch": 0.62, "acc_feature_extraction": fe, "seeds": 3})
        assert response.status_code == 201, response.text
        out.append(a)
    return out


def fit(app: TestClient, who: Tenant, include_shipped: bool = False) -> Any:
    return app.post("/policies/fit", json={"include_shipped": include_shipped},
                    headers=who.headers)


def versions(app: TestClient, who: Tenant) -> dict[str, dict[str, Any]]:
    body = app.get("/policies", headers=who.headers).json()
    return {p["version"]: p for p in body["items"]}


def test_listing_shows_the_shipped_policy_active(app: TestClient) -> None:
    a = tenant(app)
    body = app.get("/policies", headers=a.headers).json()
    assert body["active_version"] == policy.POLICY_VERSION
    shipped = {p["version"]: p for p in body["items"]}[policy.POLICY_VERSION]
    assert shipped["tenant"] is None
    assert shipped["active"] is True
    assert shipped["fitted_on"]["scenarios"] == policy.load_params().raw["fitted_on"]["scenarios"]
    assert [t["name"] for t in shipped["report"]["tiers"]] == [
        t.name for t in policy.load_params().tiers]


def test_fit_is_refused_below_the_minimum_and_stores_nothing(app: TestClient) -> None:
    a = tenant(app)
    with_outcomes(app, a, MIN_OUTCOMES - 1)
    response = fit(app, a, include_shipped=True)
    assert response.status_code == 422, response.text
    assert response.headers["content-type"].startswith(PROBLEM)
    problem = response.json()
    assert problem["errors"][0]["field"] == "outcomes"
    assert f"at least {MIN_OUTCOMES}" in problem["detail"]
    assert f"has {MIN_OUTCOMES - 1}" in problem["detail"]
    assert problem["outcomes_needed"] == MIN_OUTCOMES
    assert all(p["tenant"] is None for p in versions(app, a).values())
    # 9 assessments and 9 outcomes: no fit entry was chained
    assert app.get("/audit/verify", headers=a.headers).json()["checked"] == 2 * (MIN_OUTCOMES - 1)


def test_fit_needs_the_admin_scope(app: TestClient) -> None:
    a = tenant(app, "assess", "read")
    assert fit(app, a).status_code == 403


def test_fit_with_the_shipped_scenarios(app: TestClient) -> None:
    a = tenant(app)
    with_outcomes(app, a, MIN_OUTCOMES)
    response = fit(app, a, include_shipped=True)
    assert response.status_code == 201, response.text
    fitted = response.json()
    assert fitted["tenant"] == a.name
    assert fitted["active"] is False
    assert fitted["fitted_on"] == {"scenarios": len(shipped_cases()), "outcomes": MIN_OUTCOMES}
    assert fitted["version"].startswith("logit-v2-")
    assert fitted["version"] != policy.POLICY_VERSION
    tiers = fitted["report"]["tiers"]
    assert tiers
    assert all(0.0 <= t["lofo_accuracy"] <= 1.0 for t in tiers)
    # each share's fit and the vendor policy were judged on the tenant's outcomes
    report = fitted["report"]
    evidence = report["tenant_share_evidence"]
    assert set(evidence) == {str(s) for s in SHARES}
    judged = report["tenant_guard"]
    assert judged["n"] == MIN_OUTCOMES
    assert set(judged["accuracy"]) == {guard.VENDOR, *evidence}
    if judged["choice"] == guard.VENDOR:  # the vendor's parameters: fitted on no outcome
        assert "tenant_share" not in report
        assert all(t["lofo_accuracy_tenant"] is None for t in tiers)
    else:
        assert report["tenant_share"] == float(judged["choice"])
        assert any(t["lofo_accuracy_tenant"] is not None for t in tiers)
    assert [e["event"] for e in fitted["events"]] == ["fit"]
    # fitted, not active: /assess still decides with the shipped policy
    assert assess(app, a, 50)["policy_version"] == policy.POLICY_VERSION


def with_outcomes_saying(app: TestClient, who: Tenant, n: int,
                         helps: Any) -> list[dict[str, Any]]:
    """n assessments, each with an outcome where transfer helps iff helps(i), by 20 points."""
    out = []
    for i in range(n):
        a = assess(app, who, i)
        fe, scratch = (0.8, 0.6) if helps(i) else (0.6, 0.8)
        response = app.post(f"/assessments/{a['id']}/outcome", headers=who.headers,
                            json={"acc_scratch": scratch, "acc_feature_extraction": fe,
                                  "seeds": 3})
        assert response.status_code == 201, response.text
        out.append(a)
    return out


def says_transfer(recommendation: dict[str, Any]) -> bool:
    return bool(recommendation["strategy"] != "train_from_scratch")


def test_outcomes_that_contradict_each_other_keep_the_vendor(app: TestClient) -> None:
    a, b = tenant(app), tenant(app)
    # the same evidence (shift 0.25·(i mod 5), labels unrelated to the features) both ways
    originals = with_outcomes_saying(app, a, 15, lambda i: i % 2 == 1)
    response = fit(app, a, include_shipped=True)
    assert response.status_code == 201, response.text
    fitted = response.json()
    judged = fitted["report"]["tenant_guard"]
    assert judged["choice"] == guard.VENDOR
    assert fitted["fitted_on"] == {"scenarios": len(shipped_cases()), "outcomes": 15}
    # stored: the vendor's parameters, only the provenance differs
    sessions = app.app.state.sessions  # type: ignore[attr-defined]
    stored = dict(policies.params_for(sessions, a.name, fitted["version"]).raw)
    vendor = policy_fit.vendor_params()
    assert stored["fitted_on"]["kept"] == "vendor"
    assert stored["fitted_on"]["tenant_guard"] == judged
    assert {k: v for k, v in stored.items() if k != "fitted_on"} == \
        {k: v for k, v in vendor.items() if k != "fitted_on"}
    # so it decides as the vendor, and as the guard said the vendor decides
    cases = {c.id: c for c in policy_fit.tenant_cases(sessions, a.name)}
    vendor_params = policy.parse_params(json.dumps(vendor).encode())
    for original in originals:
        replayed = app.post(f"/assessments/{original['id']}/replay",
                            json={"policy_version": fitted["version"]}, headers=a.headers)
        assert replayed.status_code == 201, replayed.text
        assert says_transfer(replayed.json()["replay"]["recommendation"]) == \
            guard.policy_says(vendor_params, [cases[original["id"]]])[0]
    # another tenant sees nothing of it
    assert fitted["version"] not in versions(app, b)
    assert app.post(f"/policies/{fitted['version']}/activate", headers=b.headers).status_code \
        == 404


def test_outcomes_that_consistently_contradict_the_vendor_get_a_fit(app: TestClient) -> None:
    a = tenant(app)
    # features carry no label information (probe lift ≈ 0), where the vendor says scratch;
    # this tenant's outcomes say transfer helps, every time
    originals = with_outcomes_saying(app, a, 15, lambda i: True)
    assert not any(says_transfer(o["recommendation"]) for o in originals[:3])
    response = fit(app, a, include_shipped=True)
    assert response.status_code == 201, response.text
    fitted = response.json()
    judged = fitted["report"]["tenant_guard"]
    assert judged["choice"] != guard.VENDOR, judged
    share = judged["choice"]
    assert fitted["report"]["tenant_share"] == float(share)
    assert judged["accuracy"][share] > judged["accuracy"][guard.VENDOR]
    assert judged["sign_tests"][share]["p_value"] <= judged["level_per_fit"]
    # activated, it says transfer on the same kind of evidence the vendor says scratch on
    assert app.post(f"/policies/{fitted['version']}/activate", headers=a.headers).status_code \
        == 200
    fresh = assess(app, a, 40)
    assert fresh["policy_version"] == fitted["version"]
    assert says_transfer(fresh["recommendation"])


def test_activation_switches_this_tenant_only(app: TestClient) -> None:
    a, b = tenant(app), tenant(app)
    originals = with_outcomes(app, a, MIN_OUTCOMES)
    fitted = fit(app, a).json()
    version = fitted["version"]
    assert version not in versions(app, b)
    # another tenant can neither activate nor replay under it: as unknown as a made-up version
    assert app.post(f"/policies/{version}/activate", headers=b.headers).status_code == 404
    b_record = assess(app, b, 0)
    assert app.post(f"/assessments/{b_record['id']}/replay", json={"policy_version": version},
                    headers=b.headers).status_code == 404

    response = app.post(f"/policies/{version}/activate", headers=a.headers)
    assert response.status_code == 200, response.text
    assert response.json()["active"] is True
    assert [e["event"] for e in response.json()["events"]] == ["fit", "activation"]
    listed = app.get("/policies", headers=a.headers).json()
    assert listed["active_version"] == version
    assert not versions(app, a)[policy.POLICY_VERSION]["active"]
    assert assess(app, a, 60)["policy_version"] == version
    assert assess(app, b, 61)["policy_version"] == policy.POLICY_VERSION
    assert app.get("/policies", headers=b.headers).json()["active_version"] == \
        policy.POLICY_VERSION
    # the default replay decides with the tenant's active policy
    replayed = app.post(f"/assessments/{originals[0]['id']}/replay", headers=a.headers).json()
    assert replayed["replay"]["policy_version"] == version
    # back to the shipped policy
    assert app.post(f"/policies/{policy.POLICY_VERSION}/activate",
                    headers=a.headers).status_code == 200
    assert assess(app, a, 62)["policy_version"] == policy.POLICY_VERSION
    verified = app.get("/audit/verify", headers=a.headers).json()
    # assessments, outcomes, the replay, the fit and two activations are one valid chain
    assert verified["ok"] is True
    assert verified["checked"] == 2 * MIN_OUTCOMES + 2 + 1 + 1 + 2


def test_replay_under_a_named_version_is_a_shadow_evaluation(app: TestClient) -> None:
    a = tenant(app)
    originals = with_outcomes(app, a, MIN_OUTCOMES)
    version = fit(app, a).json()["version"]
    target = originals[1]
    response = app.post(f"/assessments/{target['id']}/replay", json={"policy_version": version},
                        headers=a.headers)
    assert response.status_code == 201, response.text
    body = response.json()
    assert body["replay"]["policy_version"] == version
    assert body["replay"]["replay_of"] == target["id"]
    assert body["changes"]["policy_version"] == {"before": policy.POLICY_VERSION,
                                                 "after": version}
    # still not active, the original untouched
    assert app.get("/policies", headers=a.headers).json()["active_version"] == \
        policy.POLICY_VERSION
    stored = app.get(f"/assessments/{target['id']}", headers=a.headers).json()
    assert stored["recommendation"] == target["recommendation"]
    shadow = app.get("/calibration", params={"policy_version": version},
                     headers=a.headers).json()
    assert shadow["n"] == 1
    assert app.get("/calibration", headers=a.headers).json()["n"] == MIN_OUTCOMES
    unknown = app.post(f"/assessments/{target['id']}/replay",
                       json={"policy_version": "logit-v2-000000000000"}, headers=a.headers)
    assert unknown.status_code == 404


def test_an_edited_activation_or_policy_is_caught(app: TestClient, settings: Settings) -> None:
    a = tenant(app)
    with_outcomes(app, a, MIN_OUTCOMES)
    version = fit(app, a).json()["version"]
    activation = app.post(f"/policies/{version}/activate", headers=a.headers).json()["events"][-1]
    assert assess(app, a, 70)["policy_version"] == version  # a later link names its hash
    engine = create_engine(settings.resolved_database_url)
    try:
        with engine.begin() as conn:
            raw = conn.execute(text("SELECT params FROM policy WHERE version = :v"),
                               {"v": version}).scalar_one()
            edited = json.loads(raw)
            edited["prior_transfer"] = 0.99
            conn.execute(text("UPDATE policy SET params = :p WHERE version = :v"),
                         {"p": json.dumps(edited, indent=2) + "\n", "v": version})
            record = conn.execute(text("SELECT record FROM chain_entry WHERE id = :i"),
                                  {"i": activation["entry_id"]}).scalar_one()
            record = record if isinstance(record, dict) else json.loads(record)
            record["data"]["actor"] = "someone else"
            conn.execute(text("UPDATE chain_entry SET record = :r, record_sha256 = :h "
                              "WHERE id = :i"), {"r": json.dumps(record), "h": record_hash(record),
                                                 "i": activation["entry_id"]})
    finally:
        engine.dispose()
    policy_module_cache_clear()
    refused = app.post("/assess", json=embeddings_request(seed=5), headers=a.headers)
    assert refused.status_code == 409, refused.text
    assert "content check" in refused.json()["detail"]
    verified = app.get("/audit/verify", headers=a.headers).json()
    assert (verified["ok"], verified["first_bad_id"]) == (False, activation["entry_id"])


def policy_module_cache_clear() -> None:
    """Parsed stored policies are cached per process once checked; forget them."""
    from transfer_advisor.services import policies

    policies._parsed.clear()
