"""The CLI's input and output cases of issue 19, each through the exit code and the message:
tables (CSV/Parquet), wrong or missing files, unwritable outputs, bad labels, large local
embeddings, channel-less images, summaries' labels, progress and log format."""

from __future__ import annotations

import io
import json
import sys
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import numpy as np
import pytest

from transfer_advisor.cli import assess as cli_assess
from transfer_advisor.cli import build_parser, main
from transfer_advisor.cli.common import CliError, InputFileError
from transfer_advisor.cli.embed import check_suffix, embed_inputs, parts
from transfer_advisor.settings import Settings


@pytest.fixture
def data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("TRANSFER_ADVISOR_DATA_DIR", str(tmp_path / "data"))
    for var in ("DATABASE_URL", "MAX_RAW_ITEMS", "MAX_IMAGE_VALUES", "LOG_FORMAT"):
        monkeypatch.delenv(f"TRANSFER_ADVISOR_{var}", raising=False)
    return tmp_path / "data"


@pytest.fixture
def pd() -> Any:
    """pandas, from the `tables` extra (DataFrame and CSV input); these tests skip without it."""
    return pytest.importorskip("pandas", reason="needs the tables extra")


@pytest.fixture
def images(tmp_path: Path) -> np.ndarray:
    x = np.random.default_rng(0).integers(0, 256, size=(12, 28, 28, 1), dtype=np.uint8)
    np.save(tmp_path / "images.npy", x)
    return x


def cli(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    code = main(argv)
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def embed(path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str],
          name: str = "out.npy") -> np.ndarray:
    code, _, err = cli(["embed", str(path), "--extractor", "digits-cnn", "-o",
                        str(tmp_path / name)], capsys)
    assert code == 0, err
    return np.load(tmp_path / name)


class TestTables:
    def test_csv_images_embed_like_npy(self, data_dir: Path, tmp_path: Path, images: np.ndarray,
                                       pd: Any, capsys: pytest.CaptureFixture[str]) -> None:
        pd.DataFrame(images.reshape(12, -1)).to_csv(tmp_path / "images.csv", index=False)
        expected = embed(tmp_path / "images.npy", tmp_path, capsys, "a.npy")
        np.testing.assert_array_equal(embed(tmp_path / "images.csv", tmp_path, capsys), expected)

    def test_csv_without_pandas_names_the_extra(self, data_dir: Path, tmp_path: Path,
                                                monkeypatch: pytest.MonkeyPatch,
                                                capsys: pytest.CaptureFixture[str]) -> None:
        (tmp_path / "x.csv").write_text("a,b\n1,2\n")
        monkeypatch.setitem(sys.modules, "pandas", None)
        code, _, err = cli(["embed", str(tmp_path / "x.csv"), "--extractor", "digits-cnn",
                            "-o", str(tmp_path / "o.npy")], capsys)
        assert code == 2
        assert "x.csv: reading .csv files needs pandas: pip install 'transfer-advisor[tables]'" in err

    def test_parquet_without_pyarrow_names_the_extra(self, data_dir: Path, tmp_path: Path, pd: Any,
                                                     monkeypatch: pytest.MonkeyPatch,
                                                     capsys: pytest.CaptureFixture[str]) -> None:
        (tmp_path / "x.parquet").write_bytes(b"PAR1")
        monkeypatch.setitem(sys.modules, "pyarrow", None)
        monkeypatch.setitem(sys.modules, "fastparquet", None)
        code, _, err = cli(["summarize", str(tmp_path / "x.parquet"), "--extractor",
                            "digits-cnn"], capsys)
        assert code == 2
        assert "x.parquet: reading Parquet needs pyarrow: pip install 'transfer-advisor[tables]'" in err

    def test_parquet_images(self, data_dir: Path, tmp_path: Path, images: np.ndarray, pd: Any,
                            capsys: pytest.CaptureFixture[str]) -> None:
        pytest.importorskip("pyarrow", reason="the tables extra")
        pd.DataFrame(images.reshape(12, -1), columns=[f"p{i}" for i in range(784)]).to_parquet(
            tmp_path / "images.parquet")
        expected = embed(tmp_path / "images.npy", tmp_path, capsys, "a.npy")
        np.testing.assert_array_equal(embed(tmp_path / "images.parquet", tmp_path, capsys),
                                      expected)

    def test_table_of_the_wrong_width(self, data_dir: Path, tmp_path: Path, pd: Any,
                                      capsys: pytest.CaptureFixture[str]) -> None:
        (tmp_path / "x.csv").write_text("a,b\n1,2\n")
        code, _, err = cli(["embed", str(tmp_path / "x.csv"), "--extractor", "digits-cnn",
                            "-o", str(tmp_path / "o.npy")], capsys)
        assert code == 2
        assert "x.csv: 2 columns per row; the extractor takes 28×28×1 = 784 values" in err

    def test_assess_reads_csv_with_labels(self, tmp_path: Path, pd: Any) -> None:
        rng = np.random.default_rng(1)
        xs, xt, y = rng.normal(size=(30, 3)), rng.normal(size=(20, 3)), np.arange(8) % 2
        np.save(tmp_path / "s.npy", xs)
        frame = pd.DataFrame(xt, columns=["a", "b", "c"])
        frame["label"] = pd.array([*y.tolist(), *[None] * 12], dtype="Int64")
        frame.to_csv(tmp_path / "t.csv", index=False)
        argv = ["assess", "--source", str(tmp_path / "s.npy"), "--target", str(tmp_path / "t.csv")]
        body = cli_assess.build_request(build_parser().parse_args(argv))
        assert body["target"]["labels"] == y.tolist()
        assert body["task"]["labeled_examples"] == 8
        np.testing.assert_allclose(cli_assess.load_dataset(tmp_path / "t.csv")["embeddings"]["shape"],
                                   [20, 3])
        frame.assign(label=["x"] * 20).to_csv(tmp_path / "bad.csv", index=False)
        with pytest.raises(InputFileError, match=r"bad.csv: 'label' must hold non-negative integers"):
            cli_assess.load_dataset(tmp_path / "bad.csv")


class TestFiles:
    def test_jsonl_with_an_image_extractor(self, data_dir: Path, tmp_path: Path,
                                           capsys: pytest.CaptureFixture[str]) -> None:
        (tmp_path / "t.jsonl").write_text('"hello"\n')
        code, _, err = cli(["summarize", str(tmp_path / "t.jsonl"), "--extractor", "digits-cnn"],
                           capsys)
        assert code == 2
        assert "t.jsonl: extractor 'digits-cnn' takes image arrays; give .npy, .npz" in err

    def test_arrays_with_a_text_extractor(self, tmp_path: Path) -> None:
        text_ext: Any = SimpleNamespace(name="minilm", spec=SimpleNamespace(modality="text"))
        with pytest.raises(InputFileError, match=r"extractor 'minilm' takes texts; give \.jsonl"):
            check_suffix(tmp_path / "x.npy", text_ext)

    @pytest.mark.parametrize("command", ["embed", "summarize"])
    def test_missing_input(self, command: str, data_dir: Path, tmp_path: Path,
                           capsys: pytest.CaptureFixture[str]) -> None:
        code, _, err = cli([command, str(tmp_path / "nope.jsonl"), "--extractor", "digits-cnn",
                            "-o", str(tmp_path / "o.npy")], capsys)
        assert code == 2
        assert err == f"error: {tmp_path / 'nope.jsonl'}: no such file\n"

    @pytest.mark.parametrize(("output", "message"), [
        ("missing-dir/o.npy", "cannot write: folder {dir}/missing-dir does not exist"),
        ("", "is a directory"),
    ])
    @pytest.mark.parametrize("command", ["embed", "summarize"])
    def test_unwritable_output_is_refused_before_embedding(
            self, command: str, output: str, message: str, data_dir: Path, tmp_path: Path,
            images: np.ndarray, capsys: pytest.CaptureFixture[str]) -> None:
        target = tmp_path / output if output else tmp_path
        code, out, err = cli([command, str(tmp_path / "images.npy"), "--extractor", "digits-cnn",
                              "-o", str(target)], capsys)
        assert code == 2
        assert err.startswith("error: ")
        assert message.format(dir=tmp_path) in err
        assert out == ""

    def test_output_gets_the_npy_suffix_it_is_saved_with(
            self, data_dir: Path, tmp_path: Path, images: np.ndarray,
            capsys: pytest.CaptureFixture[str]) -> None:
        code, out, _ = cli(["embed", str(tmp_path / "images.npy"), "--extractor", "digits-cnn",
                            "-o", str(tmp_path / "emb")], capsys)
        assert code == 0
        assert json.loads(out)["output"] == str(tmp_path / "emb.npy")
        assert (tmp_path / "emb.npy").is_file()


class TestLabels:
    @pytest.mark.parametrize(("labels", "message"), [
        (np.zeros((12, 2), dtype=int), "expected a list of integer labels (not one-dimensional)"),
        (np.array(3), "expected a list of integer labels (not one-dimensional)"),
        (np.zeros(13, dtype=int), "13 labels for 12 inputs"),
        (np.array([0.5, 1.0, 0.0]), "expected a list of integer labels (not integers)"),
        (np.array([0, -1]), "labels must be non-negative"),
    ])
    def test_unusable_labels_are_refused(self, labels: np.ndarray, message: str,
                                         data_dir: Path, tmp_path: Path, images: np.ndarray,
                                         capsys: pytest.CaptureFixture[str]) -> None:
        np.save(tmp_path / "y.npy", labels)
        code, out, err = cli(["summarize", str(tmp_path / "images.npy"), "--extractor",
                              "digits-cnn", "--labels", str(tmp_path / "y.npy")], capsys)
        assert code == 2
        assert message in err
        assert out == ""

    def test_integral_float_labels_are_class_counts(
            self, data_dir: Path, tmp_path: Path, images: np.ndarray,
            capsys: pytest.CaptureFixture[str]) -> None:
        np.save(tmp_path / "y.npy", np.array([0.0, 1.0, 1.0, 2.0]))
        code, out, _ = cli(["summarize", str(tmp_path / "images.npy"), "--extractor",
                            "digits-cnn", "--labels", str(tmp_path / "y.npy")], capsys)
        assert code == 0
        assert json.loads(out)["summary"]["class_counts"] == [1, 2, 1]

    def test_a_summarys_class_counts_are_labeled_examples(self, tmp_path: Path) -> None:
        rng = np.random.default_rng(2)
        np.save(tmp_path / "s.npy", rng.normal(size=(30, 3)))
        summary = {"count": 40, "mean": [0.0] * 3, "covariance": np.eye(3).tolist(),
                   "class_counts": [5, 7, 0, 3], "class_means": np.zeros((4, 3)).tolist()}
        (tmp_path / "t.json").write_text(json.dumps({"summary": summary}))
        args = build_parser().parse_args(["assess", "--source", str(tmp_path / "s.npy"),
                                          "--target", str(tmp_path / "t.json"), "--json"])
        body = cli_assess.build_request(args)
        assert (body["task"]["labeled_examples"], body["task"]["num_classes"]) == (15, 4)
        out, err = io.StringIO(), io.StringIO()
        assert cli_assess.run(args, out, err) == 0, err.getvalue()
        assert json.loads(out.getvalue())["evidence"]["task"]["labeled_examples"] == 15


class TestLargeLocalEmbedding:
    def test_over_the_per_request_limits_in_parts(
            self, data_dir: Path, tmp_path: Path, images: np.ndarray,
            monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
        whole = embed(tmp_path / "images.npy", tmp_path, capsys, "whole.npy")
        monkeypatch.setenv("TRANSFER_ADVISOR_MAX_RAW_ITEMS", "5")
        np.testing.assert_array_equal(embed(tmp_path / "images.npy", tmp_path, capsys), whole)
        monkeypatch.setenv("TRANSFER_ADVISOR_MAX_IMAGE_VALUES", str(2 * 784))
        np.testing.assert_array_equal(embed(tmp_path / "images.npy", tmp_path, capsys), whole)

    def test_parts_respect_both_limits(self) -> None:
        assert parts([1] * 7, max_items=3, max_total=100) == [slice(0, 3), slice(3, 6),
                                                              slice(6, 7)]
        assert parts([4, 4, 4, 9, 1], max_items=10, max_total=8) == [
            slice(0, 2), slice(2, 3), slice(3, 4), slice(4, 5)]
        assert parts([], max_items=3, max_total=3) == []

    def test_texts_in_parts_and_a_long_text_names_the_setting(self) -> None:
        calls: list[int] = []

        def embed_texts(ext: Any, texts: list[str], where: str, progress: Any) -> np.ndarray:
            calls.append(len(texts))
            return np.zeros((len(texts), 2), np.float32)

        settings = Settings(max_raw_items=4, max_total_text_chars=10, max_text_chars=6)
        service: Any = SimpleNamespace(settings=settings, embed_texts=embed_texts)
        ext: Any = SimpleNamespace(name="t")
        out = embed_inputs(service, ext, ["abc"] * 9, "t.txt", lambda n: None)
        assert out.shape == (9, 2)
        assert calls == [3, 3, 3]
        with pytest.raises(CliError, match=r"t.txt: text 2 has 7 characters; the limit is 6 "
                                           r"\(TRANSFER_ADVISOR_MAX_TEXT_CHARS\)"):
            embed_inputs(service, ext, ["a", "b" * 7], "t.txt", lambda n: None)


def test_channel_axis_is_added_when_the_extractor_takes_one(
        data_dir: Path, tmp_path: Path, images: np.ndarray,
        capsys: pytest.CaptureFixture[str]) -> None:
    np.save(tmp_path / "flat.npy", images[..., 0])
    expected = embed(tmp_path / "images.npy", tmp_path, capsys, "a.npy")
    np.testing.assert_array_equal(embed(tmp_path / "flat.npy", tmp_path, capsys), expected)


class TestAssessProgress:
    @pytest.fixture
    def argv(self, tmp_path: Path) -> list[str]:
        rng = np.random.default_rng(3)
        np.save(tmp_path / "s.npy", rng.normal(size=(40, 4)))
        np.save(tmp_path / "t.npy", rng.normal(size=(300, 4)))
        return ["assess", "--source", str(tmp_path / "s.npy"), "--target", str(tmp_path / "t.npy"),
                "--permutations", "0", "--json"]

    def test_stages_on_stderr_when_asked(self, argv: list[str]) -> None:
        out, err = io.StringIO(), io.StringIO()
        assert cli_assess.run(build_parser().parse_args([*argv, "--progress"]), out, err) == 0
        assert "assess: reading files" in err.getvalue()
        assert "assess: computing metrics (source 40 × 4, target 300 × 4)" in err.getvalue()
        assert err.getvalue().endswith(" s)\n")
        assert json.loads(out.getvalue())["recommendation"]

    def test_silent_when_stderr_is_not_a_terminal(self, argv: list[str]) -> None:
        out, err = io.StringIO(), io.StringIO()
        assert cli_assess.run(build_parser().parse_args(argv), out, err) == 0
        assert err.getvalue() == ""


class TestServeLogFormat:
    @pytest.fixture
    def started(self, data_dir: Path, monkeypatch: pytest.MonkeyPatch) -> dict[str, Any]:
        import uvicorn

        seen: dict[str, Any] = {}
        monkeypatch.setattr(uvicorn, "run", lambda app, **kw: seen.update(kw))
        return seen

    @staticmethod
    def formatter(seen: dict[str, Any]) -> str:
        fmt = seen["log_config"]["formatters"]["default"]
        return "json" if "()" in fmt else "text"

    @pytest.mark.parametrize(("flag", "env", "tty", "expected"), [
        ("text", "json", False, "text"),
        ("json", None, True, "json"),
        ("auto", None, True, "text"),
        ("auto", None, False, "json"),
        ("auto", "text", False, "text"),
        ("auto", "json", True, "json"),
    ])
    def test_format(self, started: dict[str, Any], monkeypatch: pytest.MonkeyPatch,
                    flag: str, env: str | None, tty: bool, expected: str) -> None:
        if env:
            monkeypatch.setenv("TRANSFER_ADVISOR_LOG_FORMAT", env)
        monkeypatch.setattr(sys, "stderr", SimpleNamespace(isatty=lambda: tty,
                                                           write=sys.stderr.write,
                                                           flush=sys.stderr.flush))
        assert main(["serve", "--log-format", flag]) == 0
        assert self.formatter(started) == expected

    def test_default_is_auto(self, started: dict[str, Any]) -> None:
        assert build_parser().parse_args(["serve"]).log_format == "auto"
