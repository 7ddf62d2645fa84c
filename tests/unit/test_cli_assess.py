"""`transfer-advisor assess`: file loading, local vs. server results, table and JSON output."""

from __future__ import annotations

import base64
import io
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from fastapi.testclient import TestClient

from transfer_advisor.app import create_app
from transfer_advisor.cli import assess as cli_assess
from transfer_advisor.cli import build_parser
from transfer_advisor.settings import Settings


def decode(wire: dict[str, Any]) -> np.ndarray:
    dtype = "<f4" if wire["dtype"] == "float32" else "<f8"
    return np.frombuffer(base64.b64decode(wire["data"]), dtype=dtype).reshape(wire["shape"])


@pytest.fixture
def data(tmp_path: Path) -> dict[str, Any]:
    rng = np.random.default_rng(7)
    xs, xt = rng.normal(size=(40, 4)), rng.normal(size=(36, 4)) + 0.5
    y = np.arange(18) % 3
    np.save(tmp_path / "src.npy", xs)
    np.save(tmp_path / "tgt.npy", xt)
    np.save(tmp_path / "y.npy", y)
    with (tmp_path / "tgt.jsonl").open("w") as fh:
        for i, row in enumerate(xt):
            fh.write(json.dumps({"embedding": row.tolist(), "label": int(y[i])} if i < len(y)
                                else row.tolist()) + "\n")
    summary = {"count": len(xt), "mean": xt.mean(0).tolist(),
               "covariance": np.cov(xt, rowvar=False).tolist()}
    (tmp_path / "tsum.json").write_text(json.dumps({"name": "x", "summary": summary}))
    return {"dir": tmp_path, "xs": xs, "xt": xt, "y": y, "summary": summary}


@pytest.fixture
def http(tmp_path: Path) -> Iterator[TestClient]:
    settings = Settings(data_dir=tmp_path / "srv", auth="disabled", default_tenant="cli")
    with TestClient(create_app(settings), raise_server_exceptions=False) as client:
        yield client


def run_cli(argv: list[str], http: TestClient | None = None) -> tuple[int, str, str]:
    args = build_parser().parse_args(["assess", *argv])
    out, err = io.StringIO(), io.StringIO()

    def remote(body: dict[str, Any], server: str, *rest: Any) -> dict[str, Any]:
        return cli_assess.assess_remote(body, server, *rest, http=http)

    code = cli_assess.run(args, out, err, remote if http is not None else None)
    return code, out.getvalue(), err.getvalue()


class TestLoadDataset:
    def test_npy_round_trips_and_keeps_float32(self, tmp_path: Path) -> None:
        x = np.random.default_rng(0).normal(size=(5, 3))
        np.save(tmp_path / "a.npy", x.astype(np.float32))
        np.save(tmp_path / "b.npy", x)
        a = cli_assess.load_dataset(tmp_path / "a.npy")
        b = cli_assess.load_dataset(tmp_path / "b.npy", name="bee")
        assert (a["name"], a["embeddings"]["dtype"]) == ("a", "float32")
        assert (b["name"], b["embeddings"]["dtype"]) == ("bee", "float64")
        np.testing.assert_array_equal(decode(b["embeddings"]), x)
        np.testing.assert_array_equal(decode(a["embeddings"]), x.astype(np.float32))

    def test_jsonl_labels_label_the_leading_rows(self, data: dict[str, Any]) -> None:
        spec = cli_assess.load_dataset(data["dir"] / "tgt.jsonl")
        np.testing.assert_allclose(decode(spec["embeddings"]), data["xt"])
        assert spec["labels"] == data["y"].tolist()

    def test_jsonl_labeled_row_after_unlabeled_is_refused(self, tmp_path: Path) -> None:
        path = tmp_path / "bad.jsonl"
        path.write_text('[1, 2]\n{"embedding": [3, 4], "label": 1}\n')
        with pytest.raises(cli_assess.InputFileError, match=r"bad.jsonl:2: labeled row after"):
            cli_assess.load_dataset(path)

    def test_ragged_rows_are_refused(self, tmp_path: Path) -> None:
        path = tmp_path / "ragged.jsonl"
        path.write_text("[1, 2]\n[3]\n")
        with pytest.raises(cli_assess.InputFileError, match="same number"):
            cli_assess.load_dataset(path)

    def test_summary_json_plain_or_wrapped(self, data: dict[str, Any], tmp_path: Path) -> None:
        (tmp_path / "plain.json").write_text(json.dumps(data["summary"]))
        wrapped = cli_assess.load_dataset(data["dir"] / "tsum.json")
        plain = cli_assess.load_dataset(tmp_path / "plain.json")
        assert wrapped["summary"] == plain["summary"]
        sent = wrapped["summary"]  # mean and covariance go encoded (base64 float64, lossless)
        assert sent["mean"]["dtype"] == sent["covariance"]["dtype"] == "float64"
        d = len(data["summary"]["mean"])
        covariance = np.frombuffer(base64.b64decode(sent["covariance"]["data"]), "<f8")
        np.testing.assert_array_equal(covariance.reshape(d, d), data["summary"]["covariance"])
        assert sent["count"] == data["summary"]["count"]

    def test_labels_on_a_summary_are_refused(self, data: dict[str, Any]) -> None:
        with pytest.raises(cli_assess.InputFileError, match="labels need rows"):
            cli_assess.load_dataset(data["dir"] / "tsum.json", labels_path=data["dir"] / "y.npy")

    @pytest.mark.parametrize("text", ["1 2 x", "1.5 2"])
    def test_non_integer_labels_are_refused(self, tmp_path: Path, text: str) -> None:
        (tmp_path / "y.txt").write_text(text)
        with pytest.raises(cli_assess.InputFileError, match="integer labels"):
            cli_assess.read_labels(tmp_path / "y.txt")


class TestAssessCommand:
    def test_local_json_equals_the_server_answer(self, data: dict[str, Any], http: TestClient) -> None:
        d = data["dir"]
        argv = ["--source", str(d / "src.npy"), "--target", str(d / "tgt.npy"),
                "--target-labels", str(d / "y.npy"), "--modality", "image", "--permutations", "20",
                "--json"]
        code, out, _ = run_cli(argv)
        assert code == 0
        local = json.loads(out)
        body = cli_assess.build_request(build_parser().parse_args(["assess", *argv]))
        assert body["task"]["num_classes"] == 3  # inferred from the labels
        assert body["task"]["labeled_examples"] == len(data["y"])
        remote = http.post("/assess", json=body).json()
        assert local["id"] is None
        assert local["recommendation"] == remote["recommendation"]
        assert local["metrics"].keys() == remote["metrics"].keys()
        for name, metric in local["metrics"].items():
            assert metric["value"] == pytest.approx(remote["metrics"][name]["value"], rel=1e-12)


    def test_scratch_features_are_sent_and_weighed(self, data: dict[str, Any],
                                                   tmp_path: Path) -> None:
        # the frozen features carry no label signal; plain one-hot columns give the labels away:
        # the scratch proxy beats the probe, which only --scratch-features lets the service see
        rng = np.random.default_rng(3)
        simple = np.column_stack([np.eye(3)[data["y"]], rng.normal(size=len(data["y"]))])
        labeled_noise = rng.normal(size=(36, 4))
        np.save(tmp_path / "noise.npy", labeled_noise)
        np.save(tmp_path / "scratch.npy", simple)
        argv = ["--source", str(data["dir"] / "src.npy"), "--target", str(tmp_path / "noise.npy"),
                "--target-labels", str(data["dir"] / "y.npy"), "--permutations", "20", "--json"]
        body = cli_assess.build_request(build_parser().parse_args(
            ["assess", *argv, "--scratch-features", str(tmp_path / "scratch.npy")]))
        np.testing.assert_array_equal(decode(body["target"]["scratch_features"]), simple)
        code, out, _ = run_cli([*argv, "--scratch-features", str(tmp_path / "scratch.npy")])
        assert code == 0
        answer = json.loads(out)
        assert answer["metrics"]["scratch_probe_accuracy"]["value"] >= 0.9
        assert answer["recommendation"]["strategy"] == "train_from_scratch" \
            or answer["recommendation"]["negative_transfer_risk"] == "high"
        without = json.loads(run_cli(argv)[1])
        assert "scratch_probe_accuracy" not in without["metrics"]

    def test_table_shows_answer_metrics_and_reasons(self, data: dict[str, Any]) -> None:
        d = data["dir"]
        code, out, _ = run_cli(["--source", str(d / "src.npy"), "--target", str(d / "tgt.jsonl"),
                                "--permutations", "0"])
        assert code == 0
        json_code, json_out, _ = run_cli(["--source", str(d / "src.npy"), "--target",
                                          str(d / "tgt.jsonl"), "--permutations", "0", "--json"])
        assert json_code == 0
        result = json.loads(json_out)
        rec = result["recommendation"]
        assert f"strategy                {rec['strategy']}" in out
        assert f"{rec['transfer_score']:.3f}" in out
        for name in result["metrics"]:
            assert f"  {name} " in out
        assert all(f"  - {reason}" in out for reason in rec["reasons"])

    def test_summary_target(self, data: dict[str, Any]) -> None:
        d = data["dir"]
        code, out, _ = run_cli(["--source", str(d / "src.npy"), "--target", str(d / "tsum.json"),
                                "--json"])
        assert code == 0
        assert json.loads(out)["evidence"]["target"]["form"] == "summary"

    def test_server_mode_stores_a_record(self, data: dict[str, Any], http: TestClient) -> None:
        d = data["dir"]
        code, out, _ = run_cli(["--source", str(d / "src.npy"), "--target", str(d / "tgt.jsonl"),
                                "--server", "http://testserver", "--permutations", "0"], http)
        assert code == 0
        items = http.get("/assessments").json()["items"]
        assert len(items) == 1
        assert f"record                  {items[0]['id']}" in out

    def test_refusal_prints_the_problem_and_exits_1(self, data: dict[str, Any], tmp_path: Path,
                                                    http: TestClient) -> None:
        np.save(tmp_path / "wide.npy", np.ones((5, 9)) + np.arange(9))
        argv = ["--source", str(data["dir"] / "src.npy"), "--target", str(tmp_path / "wide.npy")]
        for extra in ([], ["--server", "http://testserver"]):
            code, _, err = run_cli(argv + extra, http if extra else None)
            assert code == cli_assess.EXIT_REFUSED
            assert "error 422" in err
            assert "target: has d = 9 but source has d = 4" in err

    def test_invalid_task_flag_is_refused_locally(self, data: dict[str, Any]) -> None:
        code, out, err = run_cli(["--source", str(data["dir"] / "src.npy"), "--target",
                                  str(data["dir"] / "tgt.npy"), "--labeled-examples", "-3", "--json"])
        assert code == cli_assess.EXIT_REFUSED
        assert json.loads(out)["problem"]["errors"][0]["field"] == "task.labeled_examples"
        assert "task.labeled_examples" in err

    def test_missing_file_exits_2(self, tmp_path: Path) -> None:
        code, _, err = run_cli(["--source", str(tmp_path / "nope.npy"), "--target", "x.npy"])
        assert code == cli_assess.EXIT_USAGE
        assert "nope.npy: no such file" in err

    def test_unreachable_server_is_reported(self, data: dict[str, Any]) -> None:
        d = data["dir"]
        code, _, err = run_cli(["--source", str(d / "src.npy"), "--target", str(d / "tgt.npy"),
                                "--server", "http://127.0.0.1:9", "--timeout", "2"])
        assert code == cli_assess.EXIT_REFUSED
        assert "Server unreachable" in err
