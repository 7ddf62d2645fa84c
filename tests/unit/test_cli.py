"""The `transfer-advisor` command line: every command listed, exit codes in every --help, one
error handler, and the database opened only by the commands that need it."""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from transfer_advisor.cli import build_parser, main

COMMANDS = ["serve", "db", "keys", "openapi", "extractors", "embed", "summarize", "assess",
            "outcome", "policy"]


@pytest.fixture
def data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("TRANSFER_ADVISOR_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.delenv("TRANSFER_ADVISOR_DATABASE_URL", raising=False)
    return tmp_path / "data"


def help_text(argv: list[str], capsys: pytest.CaptureFixture[str]) -> str:
    with pytest.raises(SystemExit) as done:
        main([*argv, "--help"])
    assert done.value.code == 0
    return capsys.readouterr().out


def all_parsers(parser: argparse.ArgumentParser, path: tuple[str, ...] = ()
                ) -> list[tuple[str, ...]]:
    found = [path]
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for name, child in action.choices.items():
                found += all_parsers(child, (*path, name))
    return found


def test_top_level_help_lists_every_command(capsys: pytest.CaptureFixture[str]) -> None:
    text = help_text([], capsys)
    for command in COMMANDS:
        assert f"\n    {command} " in text or f"\n    {command}\n" in text, command


def test_every_command_documents_its_exit_codes(capsys: pytest.CaptureFixture[str]) -> None:
    paths = all_parsers(build_parser())
    assert ("keys", "create") in paths
    assert ("extractors", "register") in paths
    for path in paths:
        assert "exit codes: 0 " in help_text(list(path), capsys), path


def test_embed_and_summarize_describe_themselves(capsys: pytest.CaptureFixture[str]) -> None:
    embed, summarize = help_text(["embed"], capsys), help_text(["summarize"], capsys)
    assert embed.split("positional")[0] != summarize.split("positional")[0]
    assert "save the rows as .npy" in embed
    assert "summary" in summarize.split("positional")[0]


def test_embed_through_a_bundled_extractor_leaves_the_database_alone(
        data_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    images = np.random.default_rng(0).integers(0, 256, size=(6, 28, 28, 1), dtype=np.uint8)
    np.save(tmp_path / "images.npy", images)
    out = tmp_path / "emb.npy"
    assert main(["embed", str(tmp_path / "images.npy"), "--extractor", "digits-cnn",
                 "-o", str(out)]) == 0
    printed = json.loads(capsys.readouterr().out)
    assert printed["shape"] == [6, 64]
    assert printed["extractor"]["name"] == "digits-cnn"
    assert np.load(out).shape == (6, 64)
    assert not (data_dir / "advisor.db").exists()

    assert main(["summarize", str(tmp_path / "images.npy"), "--extractor", "digits-cnn"]) == 0
    summary = json.loads(capsys.readouterr().out)["summary"]
    assert summary["count"] == 6
    np.testing.assert_allclose(summary["mean"], np.load(out).astype(np.float64).mean(0),
                               rtol=1e-9, atol=1e-9)
    assert not (data_dir / "advisor.db").exists()


def test_registry_commands_migrate_the_database(data_dir: Path,
                                                capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["extractors", "list"]) == 0
    assert "digits-cnn" in capsys.readouterr().out
    assert (data_dir / "advisor.db").exists()


def test_unknown_extractor_is_a_message_and_exit_2(
        data_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "t.txt").write_text("a\nb\n")
    assert main(["embed", str(tmp_path / "t.txt"), "--extractor", "nope", "-o", "x.npy"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: ")
    assert "no extractor named 'nope'" in err
    assert "Traceback" not in err


@pytest.mark.parametrize(("argv", "message"), [
    (["extractors", "register", "{dir}/m.onnx", "--metadata", "{dir}/meta.json"],
     "meta.json: not JSON"),
    (["extractors", "register", "{dir}/missing.onnx", "--metadata", "{dir}/ok.json"],
     "missing.onnx"),
    (["embed", "{dir}/bad.jsonl", "--extractor", "digits-cnn", "-o", "{dir}/o.npy"],
     "bad.jsonl: extractor 'digits-cnn' takes image arrays; give .npy"),
    (["embed", "{dir}/missing.npy", "--extractor", "digits-cnn", "-o", "{dir}/o.npy"],
     "missing.npy: no such file"),
])
def test_file_problems_are_messages_and_exit_2(
        argv: list[str], message: str, data_dir: Path, tmp_path: Path,
        capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "m.onnx").write_bytes(b"not a model")
    (tmp_path / "meta.json").write_text("{not json")
    (tmp_path / "ok.json").write_text("{}")
    (tmp_path / "bad.jsonl").write_text('"a"\n')
    code = main([a.format(dir=tmp_path) for a in argv])
    err = capsys.readouterr().err
    assert code == 2
    assert err.startswith("error: ")
    assert message in err


def test_bad_jsonl_texts_name_the_line(tmp_path: Path) -> None:
    from transfer_advisor.cli.common import InputFileError
    from transfer_advisor.cli.embed import read_texts

    (tmp_path / "t.jsonl").write_text('"a"\n{"text": "b"}\n[1]\n')
    with pytest.raises(InputFileError, match=r"t.jsonl:3: expected a JSON string"):
        read_texts(tmp_path / "t.jsonl")
    (tmp_path / "u.jsonl").write_text('"a"\n{oops\n')
    with pytest.raises(InputFileError, match=r"u.jsonl:2: not JSON"):
        read_texts(tmp_path / "u.jsonl")


def test_importing_the_cli_does_not_load_numpy() -> None:
    """`--help` and argument errors stay fast: numpy loads only in the commands that use it."""
    code = "import sys, transfer_advisor.cli; print('numpy' in sys.modules)"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            check=True)
    assert result.stdout.strip() == "False"
