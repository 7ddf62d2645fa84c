"""`transfer-advisor rank`: files → POST /rank body, locally or against a server; exit codes."""

from __future__ import annotations

import io
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from fastapi.testclient import TestClient

from transfer_advisor.app import create_app
from transfer_advisor.cli import build_parser
from transfer_advisor.cli import rank as cli_rank
from transfer_advisor.cli.assess import assess_remote
from transfer_advisor.settings import Settings


@pytest.fixture
def files(tmp_path: Path) -> dict[str, str]:
    rng = np.random.default_rng(0)
    y = np.arange(40) % 4
    x_target = rng.normal(size=(70, 6))
    x_target[:40, :4] += 2.0 * np.eye(4)[y]
    paths = {"target": tmp_path / "target.npy", "labels": tmp_path / "y.txt"}
    np.save(paths["target"], x_target)
    paths["labels"].write_text(" ".join(map(str, y)))
    for k in range(3):
        paths[f"s{k}"] = tmp_path / f"s{k}.npy"
        np.save(paths[f"s{k}"], rng.normal(size=(50, 6)) + 2.0 * k)
    paths["own"] = tmp_path / "own.npy"
    np.save(paths["own"], rng.normal(size=(70, 6)))
    return {k: str(v) for k, v in paths.items()}


@pytest.fixture
def http(tmp_path: Path) -> Iterator[TestClient]:
    settings = Settings(data_dir=tmp_path / "data", auth="disabled")
    with TestClient(create_app(settings), raise_server_exceptions=False) as client:
        yield client


def run_cli(argv: list[str], http: TestClient | None = None) -> tuple[int, str, str]:
    args = build_parser().parse_args(["rank", *argv])
    out, err = io.StringIO(), io.StringIO()

    def remote(body: dict[str, Any], server: str, *rest: Any, **kw: Any) -> dict[str, Any]:
        return assess_remote(body, server, *rest, http=http, **kw)

    code = cli_rank.run(args, out, err, remote if http is not None else None)
    return code, out.getvalue(), err.getvalue()


def base(files: dict[str, str]) -> list[str]:
    return ["--target", files["target"], "--target-labels", files["labels"],
            "--permutations", "10", "--modality", "image"]


def test_local_ranking_best_first(files: dict[str, str]) -> None:
    code, out, err = run_cli([*base(files), "--candidate", f"near={files['s0']}",
                              "--candidate", f"far={files['s2']}",
                              "--candidate", f"mid={files['s1']}", "--json"])
    assert code == 0, err
    ranking = json.loads(out)
    assert [i["rank"] for i in ranking["items"]] == [1, 2, 3]
    assert ranking["items"][-1]["name"] == "far"
    assert ranking["reasons"]
    code, table, _ = run_cli([*base(files), "--candidate", f"near={files['s0']}",
                              "--candidate", f"far={files['s2']}"])
    assert code == 0
    assert table.index("near") < table.index("far")


def test_server_mode_stores_the_ranking(files: dict[str, str], http: TestClient) -> None:
    argv = [*base(files), "--candidate", f"a={files['s0']}", "--candidate-target",
            f"b={files['own']}", "--candidate", f"b={files['s1']}", "--json",
            "--server", "http://test"]
    code, out, err = run_cli(argv, http)
    assert code == 0, err
    stored = json.loads(out)
    assert http.get(f"/rankings/{stored['id']}").json()["items"] == stored["items"]
    assert {i["name"] for i in stored["items"]} == {"a", "b"}


def test_refusals_and_usage_errors(files: dict[str, str], http: TestClient) -> None:
    code, _, err = run_cli([*base(files), "--candidate", f"only={files['s0']}"])
    assert code == 1
    assert "candidates" in err
    code, _, err = run_cli([*base(files), "--candidate", f"only={files['s0']}",
                            "--server", "http://test"], http)
    assert code == 1
    assert "422" in err
    code, _, err = run_cli([*base(files), "--candidate", "no-equals-sign"])
    assert code == 2
    assert "NAME=FILE" in err
    code, _, err = run_cli([*base(files), "--candidate", "a=/no/such/file.npy",
                            "--candidate", f"b={files['s1']}"])
    assert code == 2
