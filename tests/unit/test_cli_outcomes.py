"""`transfer-advisor outcome` and `transfer-advisor policy`: on the configured database, and
against a server (`--server`, here the app itself behind httpx)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi.testclient import TestClient
from tests.payloads import embeddings_request

from transfer_advisor.app import create_app
from transfer_advisor.cli import main
from transfer_advisor.cli.common import open_database
from transfer_advisor.domain import policy
from transfer_advisor.schemas.assess import AssessRequest
from transfer_advisor.services import assess
from transfer_advisor.services.policy_fit import MIN_OUTCOMES
from transfer_advisor.settings import Settings


@pytest.fixture
def settings(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Settings:
    monkeypatch.setenv("TRANSFER_ADVISOR_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.delenv("TRANSFER_ADVISOR_DATABASE_URL", raising=False)
    monkeypatch.delenv("TRANSFER_ADVISOR_API_KEY", raising=False)
    return Settings()


def stored_id(settings: Settings) -> str:
    record = assess.assess(open_database(settings), settings,
                           AssessRequest.model_validate(embeddings_request()),
                           settings.default_tenant)
    return str(record.id)


def run(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, Any, str]:
    code = main(argv)
    captured = capsys.readouterr()
    return code, json.loads(captured.out) if captured.out.strip() else None, captured.err


def test_outcome_on_the_local_database(settings: Settings,
                                       capsys: pytest.CaptureFixture[str]) -> None:
    record_id = stored_id(settings)
    code, out, _ = run(["outcome", record_id, "--scratch", "0.71", "--feature-extraction",
                        "0.78", "--seeds", "3"], capsys)
    assert code == 0
    assert out["assessment_id"] == record_id
    assert (out["acc_scratch"], out["acc_feature_extraction"], out["seeds"]) == (0.71, 0.78, 3)
    code, out, err = run(["outcome", record_id, "--scratch", "0.71"], capsys)
    assert code == 1
    assert out is None
    assert "acc_feature_extraction" in err
    code, _, err = run(["outcome", "0123abc", "--scratch", "0.7", "--fine-tune", "0.8"], capsys)
    assert code == 1
    assert "404" in err
    with pytest.raises(SystemExit) as refused:
        main(["outcome", record_id, "--scratch", "nan", "--fine-tune", "0.8"])
    assert refused.value.code == 2


def test_policy_commands_on_the_local_database(settings: Settings,
                                               capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(["policy", "list"], capsys)
    assert code == 0
    assert out["active_version"] == policy.POLICY_VERSION
    code, _, err = run(["policy", "fit"], capsys)
    assert code == 1
    assert f"at least {MIN_OUTCOMES}" in err
    code, out, _ = run(["policy", "activate", policy.POLICY_VERSION], capsys)
    assert code == 0
    assert out["active"] is True
    assert out["events"][0]["actor"] == "cli (operator)"
    code, _, err = run(["policy", "activate", "logit-v2-000000000000"], capsys)
    assert code == 1
    assert "404" in err


class Borrowed:
    """The app's TestClient as `with httpx.Client(...) as http` sees it, left open after."""

    def __init__(self, client: TestClient) -> None:
        self.client = client

    def __enter__(self) -> TestClient:
        return self.client

    def __exit__(self, *exc: object) -> None:
        return None


def test_outcome_and_policy_list_against_a_server(tmp_path: Path,
                                                  monkeypatch: pytest.MonkeyPatch,
                                                  capsys: pytest.CaptureFixture[str]) -> None:
    server_settings = Settings(data_dir=tmp_path / "server", auth="disabled")
    with TestClient(create_app(server_settings), raise_server_exceptions=False) as client:
        monkeypatch.setattr(httpx, "Client", lambda **_: Borrowed(client))
        record = client.post("/assess", json=embeddings_request()).json()
        code, out, _ = run(["outcome", record["id"], "--scratch", "0.6", "--fine-tune", "0.5",
                            "--server", "http://advisor.test"], capsys)
        assert code == 0
        assert out["transfer_gain"] == pytest.approx(-0.1)
        listed = client.get(f"/assessments/{record['id']}").json()["outcomes"]
        assert [o["id"] for o in listed] == [out["id"]]
        code, out, _ = run(["policy", "list", "--server", "http://advisor.test"], capsys)
        assert code == 0
        assert out["active_version"] == policy.POLICY_VERSION
