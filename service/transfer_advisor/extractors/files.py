"""Content-addressed extractor files: `<root>/<sha256>.onnx` and `<sha256>.tokenizer.json`.

Each file is written to a temp file, fsynced and renamed, so a reader never sees half a model.
A file that already exists holds the same bytes (its name is their hash) and is left alone.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterable, Sequence
from pathlib import Path


class ModelFiles:
    def __init__(self, root: Path) -> None:
        self.root = Path(root)

    def model_path(self, sha256: str) -> Path:
        return self.root / f"{sha256}.onnx"

    def tokenizer_path(self, sha256: str) -> Path:
        return self.root / f"{sha256}.tokenizer.json"

    def put(self, files: Sequence[tuple[Path, bytes]]) -> list[Path]:
        """Write each file that is not there yet; returns the ones this call created.

        All or nothing: if one write fails, the files this call created are removed again.
        """
        written: list[Path] = []
        try:
            for path, data in files:
                if _write_atomic(path, data):
                    written.append(path)
        except BaseException:
            self.remove(written)
            raise
        return written

    @staticmethod
    def remove(paths: Iterable[Path]) -> None:
        for path in paths:
            path.unlink(missing_ok=True)


def _write_atomic(path: Path, data: bytes) -> bool:
    """Write `data` to `path` via a temp file + rename; False if it already existed."""
    if path.exists():
        return False
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".incoming-", suffix=".part")
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return True
