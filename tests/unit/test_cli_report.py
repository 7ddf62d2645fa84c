"""`transfer-advisor report ID -o FILE`: from the local database or a server; exit codes."""

from __future__ import annotations

import io
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from tests.payloads import embeddings_request

from transfer_advisor.app import create_app
from transfer_advisor.cli import build_parser, main
from transfer_advisor.cli import report as cli_report
from transfer_advisor.settings import Settings


@pytest.fixture
def stored(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[tuple[TestClient, str]]:
    """A service on a SQLite file that the CLI, configured by environment, reads too."""
    monkeypatch.setenv("TRANSFER_ADVISOR_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("TRANSFER_ADVISOR_DEFAULT_TENANT", "team-a")
    monkeypatch.delenv("TRANSFER_ADVISOR_DATABASE_URL", raising=False)
    settings = Settings(data_dir=tmp_path / "data", auth="disabled", default_tenant="team-a")
    with TestClient(create_app(settings), raise_server_exceptions=False) as client:
        response = client.post("/assess", json=embeddings_request(n=40, d=4, shift=0.5, labels=18))
        assert response.status_code == 201, response.text
        yield client, response.json()["id"]


def run(argv: list[str], http: Any = None) -> tuple[int, str, str]:
    args = build_parser().parse_args(["report", *argv])
    out, err = io.StringIO(), io.StringIO()
    code = cli_report.run(args, out, err, http)
    return code, out.getvalue(), err.getvalue()


class TestLocal:
    def test_writes_the_same_page_as_the_api(self, stored: tuple[TestClient, str],
                                             tmp_path: Path) -> None:
        client, rid = stored
        target = tmp_path / "report.html"
        assert main(["report", rid, "-o", str(target)]) == 0
        page = target.read_text(encoding="utf-8")
        served = client.get(f"/assessments/{rid}/report").text
        # Identical but for the generation time in the footer.
        strip = lambda text: text.split("Generated ", 1)[0]  # noqa: E731
        assert strip(page) == strip(served)
        assert f'<code id="record-id">{rid}</code>' in page

    def test_stdout_by_default(self, stored: tuple[TestClient, str]) -> None:
        _, rid = stored
        code, out, _ = run([rid])
        assert code == 0
        assert out.startswith("<!doctype html>")

    def test_unknown_or_other_tenants_id_exits_1(self, stored: tuple[TestClient, str],
                                                  tmp_path: Path) -> None:
        _, rid = stored
        code, _, err = run(["0123abc", "-o", str(tmp_path / "r.html")])
        assert code == cli_report.EXIT_NOT_FOUND == 1
        assert "no assessment '0123abc' for tenant 'team-a'" in err
        code, _, err = run([rid, "--tenant", "team-b", "-o", str(tmp_path / "r.html")])
        assert code == 1
        assert "team-b" in err
        assert not (tmp_path / "r.html").exists()

    @pytest.mark.parametrize("output", ["missing-dir/r.html", "."])
    def test_unwritable_output_exits_2_before_any_work(self, stored: tuple[TestClient, str],
                                                       tmp_path: Path, output: str) -> None:
        _, rid = stored
        code, _, err = run([rid, "-o", str(tmp_path / output)])
        assert code == 2
        assert "error:" in err


class TestRemote:
    def test_fetches_the_servers_page(self, stored: tuple[TestClient, str], tmp_path: Path) -> None:
        client, rid = stored
        target = tmp_path / "remote.html"
        code, _, err = run([rid, "-o", str(target), "--server", "http://testserver"], client)
        assert code == 0, err
        assert f'<code id="record-id">{rid}</code>' in target.read_text(encoding="utf-8")

    def test_server_404_exits_1_with_the_problem(self, stored: tuple[TestClient, str]) -> None:
        client, _ = stored
        code, out, err = run(["0123abc", "--server", "http://testserver"], client)
        assert code == 1
        assert out == ""
        assert err.startswith("error: 404 ")
        assert "0123abc" in err

    def test_unreachable_server_exits_1(self) -> None:
        code, _, err = run(["0123abc", "--server", "http://127.0.0.1:9", "--timeout", "2"])
        assert code == 1
        assert "unreachable" in err

    def test_tenant_with_server_is_refused(self) -> None:
        code, _, err = run(["0123abc", "--server", "http://127.0.0.1:9", "--tenant", "x"])
        assert code == 2
        assert "--tenant" in err


def test_help_lists_the_command_and_its_exit_codes(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        main(["report", "--help"])
    text = capsys.readouterr().out
    assert "self-contained HTML" in text
    assert "exit codes: 0 report written; 1 no such assessment" in text
    with pytest.raises(SystemExit):
        main(["--help"])
    assert "report" in capsys.readouterr().out
