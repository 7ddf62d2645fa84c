"""API keys and tenants: 401/403 problems, revocation, tenant isolation, hashed storage, the
`keys` CLI, and the refusal to serve a non-loopback address without auth."""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import inspect, select, text
from sqlalchemy.orm import Session, sessionmaker
from tests.payloads import embeddings_request

from transfer_advisor import cli
from transfer_advisor.app import create_app
from transfer_advisor.db.models import ApiKey
from transfer_advisor.services import keys
from transfer_advisor.settings import Settings

PROBLEM = "application/problem+json"


@pytest.fixture
def auth_app(settings: Settings) -> Iterator[TestClient]:
    required = settings.model_copy(update={"auth": "required"})
    with TestClient(create_app(required), raise_server_exceptions=False) as client:
        yield client


def sessions_of(client: TestClient) -> sessionmaker[Session]:
    factory: sessionmaker[Session] = client.app.state.sessions  # type: ignore[attr-defined]
    return factory


def new_key(client: TestClient, *scopes: str, tenant: str | None = None) -> tuple[str, str]:
    tenant = tenant or f"t-{uuid.uuid4().hex[:8]}"
    return keys.create_key(sessions_of(client), tenant, scopes or ("assess", "read"))


def bearer(key: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {key}"}


def assert_problem(response: Any, status: int, slug: str) -> None:
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith(PROBLEM)
    body = response.json()
    assert body["status"] == status
    assert body["type"] == f"/problems/{slug}"


PROTECTED = [("post", "/assess"), ("get", "/assessments"), ("get", "/assessments/stats"),
             ("get", "/assessments/0123abc"), ("get", "/audit/verify"), ("get", "/extractors")]


def call_without_reading(client: TestClient, method: str, path: str,
                         headers: dict[str, str]) -> tuple[int, list[str]]:
    """Drive the ASGI app directly; the body stream fails the test if anything reads it."""
    import anyio

    reads: list[str] = []
    sent: list[dict[str, Any]] = []

    async def receive() -> dict[str, Any]:
        reads.append("body")
        return {"type": "http.request", "body": b"{" * 1_000_000, "more_body": True}

    async def send(message: dict[str, Any]) -> None:
        sent.append(message)

    scope = {"type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1",
             "method": method.upper(), "path": path, "raw_path": path.encode(),
             "root_path": "", "scheme": "http", "query_string": b"",
             "headers": [(k.lower().encode(), v.encode()) for k, v in
                         {"content-type": "application/json", **headers}.items()],
             "client": ("127.0.0.1", 1), "server": ("testserver", 80)}
    anyio.run(client.app, scope, receive, send)  # type: ignore[arg-type]
    return sent[0]["status"], reads


class TestKeyBeforeBody:
    @pytest.mark.parametrize(("method", "path", "scopes", "status"), [
        ("post", "/assess", None, 401), ("post", "/assess", ("read",), 403),
        ("post", "/extractors", ("assess", "read"), 403),
        ("post", "/assessments/0123abc/replay", None, 401)])
    def test_refused_without_reading_the_body(self, auth_app: TestClient, method: str,
                                              path: str, scopes: tuple[str, ...] | None,
                                              status: int) -> None:
        headers = bearer(new_key(auth_app, *scopes)[1]) if scopes else {}
        got, reads = call_without_reading(auth_app, method, path, headers)
        assert got == status
        assert reads == []

    def test_bad_key_is_refused_before_the_body(self, auth_app: TestClient) -> None:
        got, reads = call_without_reading(auth_app, "post", "/assess", bearer("ta_nope"))
        assert (got, reads) == (401, [])


class TestUnauthenticated:
    @pytest.mark.parametrize(("method", "path"), PROTECTED)
    def test_missing_key_is_401(self, auth_app: TestClient, method: str, path: str) -> None:
        kwargs = {"json": embeddings_request()} if method == "post" else {}
        response = auth_app.request(method, path, **kwargs)
        assert_problem(response, 401, "unauthorized")
        assert response.headers["www-authenticate"] == "Bearer"

    @pytest.mark.parametrize("header", ["Bearer ta_not-a-real-key", "Bearer ", "Basic dXNlcjpwdw==",
                                        "ta_no_scheme", "Bearer " + "x" * 5000])
    def test_bad_key_is_401(self, auth_app: TestClient, header: str) -> None:
        response = auth_app.get("/assessments", headers={"Authorization": header})
        assert_problem(response, 401, "unauthorized")

    def test_revoked_key_is_401(self, auth_app: TestClient) -> None:
        key_id, key = new_key(auth_app)
        assert auth_app.post("/assess", json=embeddings_request(), headers=bearer(key)).status_code == 201
        keys.revoke_key(sessions_of(auth_app), key_id)
        assert_problem(auth_app.get("/assessments", headers=bearer(key)), 401, "unauthorized")
        assert_problem(auth_app.post("/assess", json=embeddings_request(), headers=bearer(key)),
                       401, "unauthorized")

    def test_health_and_metrics_need_no_key(self, auth_app: TestClient) -> None:
        assert auth_app.get("/healthz").status_code == 200
        assert auth_app.get("/metrics").status_code == 200


class TestScopes:
    def test_read_only_key_cannot_assess(self, auth_app: TestClient) -> None:
        _, key = new_key(auth_app, "read")
        assert_problem(auth_app.post("/assess", json=embeddings_request(), headers=bearer(key)),
                       403, "missing-scope")
        assert auth_app.get("/assessments", headers=bearer(key)).status_code == 200

    def test_assess_only_key_cannot_read(self, auth_app: TestClient) -> None:
        _, key = new_key(auth_app, "assess")
        created = auth_app.post("/assess", json=embeddings_request(), headers=bearer(key))
        assert created.status_code == 201
        assert_problem(auth_app.get("/assessments", headers=bearer(key)), 403, "missing-scope")
        assert_problem(auth_app.get(created.headers["location"], headers=bearer(key)),
                       403, "missing-scope")

    def test_admin_endpoints_need_admin(self, auth_app: TestClient) -> None:
        _, reader = new_key(auth_app, "assess", "read")
        _, admin = new_key(auth_app, "admin")
        assert_problem(auth_app.get("/audit/verify", headers=bearer(reader)), 403, "missing-scope")
        assert auth_app.get("/audit/verify", headers=bearer(admin)).status_code == 200
        assert_problem(auth_app.post("/extractors", headers=bearer(reader),
                                     files={"file": ("m.onnx", b"x")}), 403, "missing-scope")


class TestTenantIsolation:
    def test_other_tenants_record_is_invisible(self, auth_app: TestClient) -> None:
        _, alice = new_key(auth_app, "assess", "read", "admin")
        _, bob = new_key(auth_app, "assess", "read", "admin")
        created = auth_app.post("/assess", json=embeddings_request(), headers=bearer(alice))
        assert created.status_code == 201
        record_id = created.json()["id"]
        assert created.json()["tenant"] != ""

        # By id: 404, the same answer as an id that never existed (no existence oracle).
        assert_problem(auth_app.get(f"/assessments/{record_id}", headers=bearer(bob)), 404,
                       "not-found")
        assert auth_app.get(f"/assessments/{record_id}", headers=bearer(alice)).status_code == 200

        # History and stats: alice sees one, bob none.
        alice_items = auth_app.get("/assessments", headers=bearer(alice)).json()["items"]
        bob_items = auth_app.get("/assessments", headers=bearer(bob)).json()["items"]
        assert [i["id"] for i in alice_items] == [record_id]
        assert bob_items == []
        assert auth_app.get("/assessments/stats", headers=bearer(alice)).json()["total"] == 1
        assert auth_app.get("/assessments/stats", headers=bearer(bob)).json()["total"] == 0

        # Bob's own audit chain does not include alice's record.
        assert auth_app.get("/audit/verify", headers=bearer(bob)).json()["checked"] == 0
        assert auth_app.get("/audit/verify", headers=bearer(alice)).json()["checked"] == 1

    def test_record_carries_the_keys_tenant_not_a_claimed_one(self, auth_app: TestClient) -> None:
        _, key = new_key(auth_app, "assess", "read", tenant="team-vision")
        body = embeddings_request()
        body["tenant"] = "team-nlp"  # not a request field: refused, never trusted
        assert auth_app.post("/assess", json=body, headers=bearer(key)).status_code == 422
        created = auth_app.post("/assess", json=embeddings_request(), headers=bearer(key))
        assert created.json()["tenant"] == "team-vision"


class TestKeyStorage:
    def test_key_is_stored_only_as_its_hash(self, auth_app: TestClient) -> None:
        key_id, key = new_key(auth_app, "assess")
        assert key.startswith("ta_")
        assert len(key) > 40
        with sessions_of(auth_app)() as session:
            row = session.get(ApiKey, key_id)
            assert row is not None
            assert row.key_hash == hashlib.sha256(key.encode()).hexdigest()
            # No column of any table holds the key (or its random part) in clear.
            secret = key.removeprefix("ta_")
            bind = session.get_bind()
            for table in inspect(bind).get_table_names():
                for values in session.execute(text(f'SELECT * FROM "{table}"')):
                    assert not any(secret in str(v) for v in values), table

    def test_list_and_revoke(self, auth_app: TestClient) -> None:
        tenant = f"t-{uuid.uuid4().hex[:8]}"
        first, _ = new_key(auth_app, "read", tenant=tenant)
        second, _ = new_key(auth_app, "assess", "admin", tenant=tenant)
        listed = {k.id: k for k in keys.list_keys(sessions_of(auth_app), tenant)}
        assert set(listed) == {first, second}
        assert listed[second].scopes == "admin assess"
        keys.revoke_key(sessions_of(auth_app), first)
        with sessions_of(auth_app)() as session:
            revoked = session.scalars(select(ApiKey).where(ApiKey.id == first)).one()
            assert revoked.revoked_at is not None

    def test_bad_scope_and_unknown_key_are_refused(self, auth_app: TestClient) -> None:
        from transfer_advisor.errors import InvalidInput, NotFound

        with pytest.raises(InvalidInput):
            keys.create_key(sessions_of(auth_app), "t", ["superuser"])
        with pytest.raises(InvalidInput):
            keys.create_key(sessions_of(auth_app), "t", [])
        with pytest.raises(NotFound):
            keys.revoke_key(sessions_of(auth_app), "no-such-key")


class TestKeysCli:
    @pytest.fixture
    def cli_env(self, settings: Settings, monkeypatch: pytest.MonkeyPatch) -> Settings:
        monkeypatch.setenv("TRANSFER_ADVISOR_DATA_DIR", str(settings.data_dir))
        if settings.database_url:
            monkeypatch.setenv("TRANSFER_ADVISOR_DATABASE_URL", settings.database_url)
        else:
            monkeypatch.delenv("TRANSFER_ADVISOR_DATABASE_URL", raising=False)
        return settings

    def test_create_list_revoke(self, cli_env: Settings, capsys: pytest.CaptureFixture[str]) -> None:
        tenant = f"cli-{uuid.uuid4().hex[:8]}"
        assert cli.main(["keys", "create", "--tenant", tenant, "--scope", "assess",
                         "--scope", "read"]) == 0
        key = capsys.readouterr().out.strip().splitlines()[-1]
        assert key.startswith("ta_")

        assert cli.main(["keys", "list", "--tenant", tenant]) == 0
        lines = capsys.readouterr().out.strip().splitlines()
        assert len(lines) == 1
        key_id, listed_tenant, scopes, state, _ = lines[0].split("\t")
        assert (listed_tenant, scopes, state) == (tenant, "assess read", "active")
        assert key not in lines[0]

        app = create_app(cli_env.model_copy(update={"auth": "required"}))
        with TestClient(app, raise_server_exceptions=False) as client:
            assert client.get("/assessments", headers=bearer(key)).status_code == 200
            assert cli.main(["keys", "revoke", key_id]) == 0
            assert client.get("/assessments", headers=bearer(key)).status_code == 401

        assert cli.main(["keys", "list", "--tenant", tenant]) == 0
        assert "\trevoked\t" in capsys.readouterr().out

    def test_errors_are_messages_not_tracebacks(self, cli_env: Settings,
                                                capsys: pytest.CaptureFixture[str]) -> None:
        assert cli.main(["keys", "revoke", "no-such-key"]) == 2
        assert "no API key" in capsys.readouterr().err
        assert cli.main(["keys", "create", "--tenant", "t"]) == 2  # no scope
        assert "scope" in capsys.readouterr().err


class TestServeRefusesInsecureBind:
    @pytest.fixture
    def runs(self, monkeypatch: pytest.MonkeyPatch, tmp_path: Any) -> list[dict[str, Any]]:
        import uvicorn

        calls: list[dict[str, Any]] = []
        monkeypatch.setattr(uvicorn, "run", lambda app, **kw: calls.append({"app": app, **kw}))
        monkeypatch.setenv("TRANSFER_ADVISOR_DATA_DIR", str(tmp_path))
        monkeypatch.delenv("TRANSFER_ADVISOR_AUTH", raising=False)
        return calls

    def test_non_loopback_without_auth_refuses(self, runs: list[dict[str, Any]],
                                               monkeypatch: pytest.MonkeyPatch,
                                               capsys: pytest.CaptureFixture[str]) -> None:
        monkeypatch.setenv("TRANSFER_ADVISOR_AUTH", "disabled")
        assert cli.main(["serve", "--host", "0.0.0.0"]) == 2
        assert runs == []
        assert "--allow-insecure" in capsys.readouterr().err

    def test_override_starts(self, runs: list[dict[str, Any]], monkeypatch: pytest.MonkeyPatch) -> None:
        monkeypatch.setenv("TRANSFER_ADVISOR_AUTH", "disabled")
        assert cli.main(["serve", "--host", "0.0.0.0", "--allow-insecure"]) == 0
        assert len(runs) == 1
        assert runs[0]["host"] == "0.0.0.0"

    def test_non_loopback_defaults_to_required(self, runs: list[dict[str, Any]]) -> None:
        assert cli.main(["serve", "--host", "0.0.0.0", "--port", "8123"]) == 0
        assert runs[0]["port"] == 8123
        assert runs[0]["app"].state.settings.auth_required

    def test_loopback_defaults_to_disabled(self, runs: list[dict[str, Any]]) -> None:
        assert cli.main(["serve"]) == 0
        assert runs[0]["host"] == "127.0.0.1"
        assert not runs[0]["app"].state.settings.auth_required
