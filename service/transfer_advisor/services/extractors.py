"""Extractor use cases: validate a model, store it content-addressed, embed raw inputs.

A registered model is written to `<data_dir>/extractors/<sha256>.onnx` (its tokenizer, if any,
to `<data_dir>/extractors/<sha256>.tokenizer.json`) and described by an `extractor` row. A model
is refused unless it loads in onnxruntime, its declared input/output names, dtypes and shapes
match the graph, and a dry run on a small synthetic batch gives finite outputs of the declared
dim. A refused model leaves nothing behind: files are written only after validation, and
removed again if the database insert fails.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import os
import tempfile
import threading
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Protocol

import numpy as np
import onnxruntime as ort
from numpy.typing import NDArray

from ..errors import (
    Conflict,
    ExtractorRejected,
    ExtractorUnavailable,
    FieldError,
    InvalidInput,
    PayloadTooLarge,
    UnknownExtractor,
)
from ..extractors.bundled import (
    BUNDLED_DIR,
    BundledExtractor,
    bundled_extractors,
    bundled_names,
    file_sha256,
)
from ..extractors.runtime import (
    DEFAULT_BATCH_SIZE,
    ProgressFn,
    SessionCache,
    open_session,
    run_batched,
)
from ..extractors.spec import ORT_TYPES, TEXT_INPUT_NAMES, ExtractorSpec, spec_from_metadata
from ..extractors.text import (
    DEFAULT_MAX_LENGTH,
    TextTokenizer,
    synthetic_token_batch,
)
from ..extractors.text import (
    embed_texts as run_texts,
)
from ..settings import Settings

FLOAT_OUTPUTS = {"tensor(float)", "tensor(double)", "tensor(float16)"}
DRY_RUN_ROWS = 2


@dataclass(frozen=True)
class ExtractorLimits:
    max_model_bytes: int = 200 * 1024 * 1024
    max_tokenizer_bytes: int = 20 * 1024 * 1024
    max_items: int = 10_000           # texts or images per side
    max_text_chars: int = 20_000      # per text (the model sees 256 tokens anyway)
    max_total_text_chars: int = 5_000_000
    max_image_values: int = 50_000_000  # n·h·w·c per side
    batch_size: int = DEFAULT_BATCH_SIZE
    text_max_length: int = DEFAULT_MAX_LENGTH


@dataclass(frozen=True)
class Extractor:
    """A usable (or listed-but-unavailable) extractor, bundled or registered."""

    spec: ExtractorSpec
    path: Path
    tokenizer_path: Path | None
    sha256: str | None
    tokenizer_sha256: str | None
    bundled: bool
    available: bool
    reason: str | None = None
    description: str | None = None
    created_at: datetime | None = None

    @property
    def name(self) -> str:
        return self.spec.name

    def record(self) -> dict[str, Any]:
        """What an assessment stores about the extractor that embedded its inputs."""
        return {"name": self.spec.name, "version": self.spec.version, "sha256": self.sha256,
                "output_dim": self.spec.output_dim, "bundled": self.bundled}

    def as_dict(self) -> dict[str, Any]:
        meta = self.spec.as_metadata()
        meta.update(sha256=self.sha256, tokenizer_sha256=self.tokenizer_sha256,
                    bundled=self.bundled, available=self.available, reason=self.reason,
                    description=self.description,
                    created_at=self.created_at.isoformat() if self.created_at else None)
        return meta


class ExtractorRecord(Protocol):
    """The columns of the `extractor` table this service reads (db.models.ExtractorRow)."""

    name: str
    version: str
    modality: str
    input_spec: dict[str, Any]
    output_name: str
    output_dim: int
    sha256: str
    tokenizer_sha256: str | None
    preprocessing: dict[str, Any]
    created_at: datetime
    description: str | None


class ExtractorStore(Protocol):
    """Persistence the service needs (db.repositories.ExtractorRepository)."""

    def get(self, name: str) -> ExtractorRecord | None: ...
    def list(self) -> Sequence[ExtractorRecord]: ...
    def add(self, spec: ExtractorSpec, sha256: str, tokenizer_sha256: str | None,
            description: str | None) -> ExtractorRecord: ...
    def commit(self) -> None: ...


def sha256_bytes(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


# ---------------------------------------------------------------- validation


@dataclass
class Validated:
    spec: ExtractorSpec
    sha256: str
    tokenizer: TextTokenizer | None
    tokenizer_sha256: str | None
    notes: list[str] = field(default_factory=list)


def _reject(field_name: str, message: str) -> ExtractorRejected:
    return ExtractorRejected(f"{field_name}: {message}",
                             errors=[FieldError(field_name, message)])


def _dims(shape: Sequence[Any]) -> list[int | None]:
    return [d if isinstance(d, int) and d > 0 else None for d in shape]


def validate_model(
    model: bytes,
    metadata: Mapping[str, Any] | ExtractorSpec,
    tokenizer: bytes | None = None,
    limits: ExtractorLimits | None = None,
) -> Validated:
    """Check a candidate model against its declared spec; raise ExtractorRejected (422) if not.

    The dry run feeds `DRY_RUN_ROWS` synthetic items (seeded) and needs finite float outputs
    of shape (rows, output_dim).
    """
    limits = limits or ExtractorLimits()
    spec = metadata if isinstance(metadata, ExtractorSpec) else spec_from_metadata(metadata)
    if len(model) > limits.max_model_bytes:
        raise PayloadTooLarge(
            f"file: the model is {len(model)} bytes; the limit is {limits.max_model_bytes}")
    if tokenizer is not None and len(tokenizer) > limits.max_tokenizer_bytes:
        raise PayloadTooLarge(f"tokenizer: {len(tokenizer)} bytes; the limit is "
                              f"{limits.max_tokenizer_bytes}")
    if not model:
        raise _reject("file", "is empty")
    try:
        session = open_session(model, intra_op_threads=1)
    except Exception as exc:  # onnxruntime raises several unrelated types for bad files
        raise _reject("file", f"does not load in onnxruntime: {_short(exc)}") from None

    tok: TextTokenizer | None = None
    tok_sha: str | None = None
    if spec.modality == "text":
        if tokenizer is None:
            raise _reject("tokenizer", "a text extractor needs its tokenizer.json")
        try:
            tok = TextTokenizer.from_bytes(tokenizer, limits.text_max_length)
        except Exception as exc:
            raise _reject("tokenizer", f"is not a loadable tokenizer.json: {_short(exc)}") from None
        tok_sha = sha256_bytes(tokenizer)
    elif tokenizer is not None:
        raise _reject("tokenizer", f"only text extractors take a tokenizer, not {spec.modality}")

    _check_inputs(session, spec)
    _check_output(session, spec)
    out = _dry_run(session, spec, tok)
    expected = (DRY_RUN_ROWS, spec.output_dim)
    if out.shape != expected:
        raise _reject("metadata.output.dim",
                      f"the dry run gave shape {list(out.shape)}, expected {list(expected)}")
    if not np.isfinite(out).all():
        raise _reject("file", "the dry run on a synthetic batch produced NaN or Inf")
    return Validated(spec, sha256_bytes(model), tok, tok_sha)


def _check_inputs(session: ort.InferenceSession, spec: ExtractorSpec) -> None:
    inputs = {i.name: i for i in session.get_inputs()}
    if spec.input_name not in inputs:
        raise _reject("metadata.input.name",
                      f"'{spec.input_name}' is not a graph input; the graph takes "
                      f"{sorted(inputs)}")
    if spec.modality == "text":
        extra = sorted(set(inputs) - set(TEXT_INPUT_NAMES))
        if extra:
            raise _reject("file", f"a text extractor can only be fed {list(TEXT_INPUT_NAMES)}; "
                                  f"the graph also needs {extra}")
        for name, node in inputs.items():
            if ORT_TYPES.get(node.type) != "int64" or len(node.shape) != 2:
                raise _reject("file", f"text input '{name}' must be int64 [batch, seq], "
                                      f"the graph has {node.type} {node.shape}")
    elif len(inputs) != 1:
        raise _reject("file", f"the graph takes {len(inputs)} inputs {sorted(inputs)}; "
                              "a non-text extractor must take exactly one")
    node = inputs[spec.input_name]
    graph_dtype = ORT_TYPES.get(node.type, node.type)
    if graph_dtype != spec.input_dtype:
        raise _reject("metadata.input.dtype",
                      f"declared {spec.input_dtype}, the graph input is {graph_dtype}")
    graph_shape = _dims(node.shape)
    if len(graph_shape) != len(spec.input_shape):
        raise _reject("metadata.input.shape",
                      f"declared rank {len(spec.input_shape)}, the graph input has rank "
                      f"{len(graph_shape)} {list(node.shape)}")
    if graph_shape[0] is not None:
        raise _reject("file", f"the graph's batch dimension is fixed at {graph_shape[0]}; "
                              "export it with a dynamic batch axis")
    for i, (declared, actual) in enumerate(zip(spec.input_shape, graph_shape, strict=True)):
        if actual is not None and declared != actual:
            raise _reject(f"metadata.input.shape[{i}]",
                          f"declared {declared}, the graph fixes it to {actual}")
    if spec.modality == "text":
        return
    if any(d is None for d in spec.input_shape[1:]):
        raise _reject("metadata.input.shape",
                      "non-batch dimensions must be fixed so items can be checked and batched")


def _check_output(session: ort.InferenceSession, spec: ExtractorSpec) -> None:
    outputs = {o.name: o for o in session.get_outputs()}
    if spec.output_name not in outputs:
        raise _reject("metadata.output.name",
                      f"'{spec.output_name}' is not a graph output; the graph gives "
                      f"{sorted(outputs)}")
    node = outputs[spec.output_name]
    if node.type not in FLOAT_OUTPUTS:
        raise _reject("metadata.output.name", f"output must be a float tensor, not {node.type}")
    shape = _dims(node.shape) if node.shape is not None else []
    if shape and shape[-1] is not None and shape[-1] != spec.output_dim:
        raise _reject("metadata.output.dim",
                      f"declared {spec.output_dim}, the graph output's last dimension is "
                      f"{shape[-1]}")


def _synthetic_images(spec: ExtractorSpec, rows: int) -> NDArray[Any]:
    rng = np.random.default_rng(0)
    shape = (rows, *(int(d) for d in spec.input_shape[1:] if d is not None))
    lo, hi = spec.preprocessing.get("input_range", (0, 255 if spec.input_dtype == "uint8" else 1))
    values = rng.uniform(float(lo), float(hi), size=shape)
    return values.astype(spec.numpy_dtype)


def _dry_run(session: ort.InferenceSession, spec: ExtractorSpec,
             tok: TextTokenizer | None) -> NDArray[np.float64]:
    try:
        if spec.modality == "text":
            batch = synthetic_token_batch(tok, DRY_RUN_ROWS)
            feeds: dict[str, NDArray[Any]] = batch.feeds([i.name for i in session.get_inputs()])
        else:
            feeds = {spec.input_name: _synthetic_images(spec, DRY_RUN_ROWS)}
        (out,) = session.run([spec.output_name], feeds)
    except Exception as exc:
        raise _reject("file", f"the dry run on a synthetic batch failed: {_short(exc)}") from None
    arr = np.asarray(out, dtype=np.float64)
    if arr.ndim != 2:
        raise _reject("metadata.output.name",
                      f"the output must be (batch, dim); the dry run gave shape {list(arr.shape)}")
    return arr


def _short(exc: BaseException, limit: int = 300) -> str:
    text = " ".join(str(exc).split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


# ---------------------------------------------------------------- the service


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


class ExtractorService:
    """Registry + runtime. One instance per app (app.state.extractors); thread-safe."""

    def __init__(self, data_dir: Path, intra_op_threads: int = 1,
                 limits: ExtractorLimits | None = None) -> None:
        self.data_dir = Path(data_dir)
        self.store_dir = self.data_dir / "extractors"
        self.limits = limits or ExtractorLimits()
        self.sessions = SessionCache(intra_op_threads=intra_op_threads)
        self._tokenizers: dict[str, TextTokenizer] = {}
        self._lock = threading.Lock()

    @classmethod
    def from_settings(cls, settings: Settings) -> ExtractorService:
        limits = ExtractorLimits(
            max_model_bytes=settings.max_extractor_bytes, max_items=settings.max_raw_items,
            max_text_chars=settings.max_text_chars, batch_size=settings.extractor_batch_size)
        return cls(settings.data_dir, settings.onnx_intra_op_threads, limits)

    # -- lookup
    def bundled(self) -> list[Extractor]:
        return [_from_bundled(b) for b in bundled_extractors(self.data_dir)]

    def _from_record(self, row: ExtractorRecord) -> Extractor:
        meta = {"name": row.name, "version": row.version, "modality": row.modality,
                "input": row.input_spec, "output": {"name": row.output_name,
                                                    "dim": row.output_dim},
                "preprocessing": row.preprocessing or {}}
        spec = spec_from_metadata(meta, field_prefix=f"extractor.{row.name}")
        path = self.store_dir / f"{row.sha256}.onnx"
        tok = (self.store_dir / f"{row.tokenizer_sha256}.tokenizer.json"
               if row.tokenizer_sha256 else None)
        missing = [p.name for p in (path, tok) if p is not None and not p.is_file()]
        reason = f"stored file missing: {', '.join(missing)}" if missing else None
        created = row.created_at
        if created is not None and created.tzinfo is None:
            created = created.replace(tzinfo=UTC)
        return Extractor(spec, path, tok, row.sha256, row.tokenizer_sha256, False,
                         not missing, reason, row.description, created)

    def list(self, store: ExtractorStore) -> list[Extractor]:
        found = {e.name: e for e in self.bundled()}
        for row in store.list():
            found.setdefault(row.name, self._from_record(row))
        return sorted(found.values(), key=lambda e: (not e.bundled, e.name))

    def integrity_problems(self, store: ExtractorStore) -> dict[str, str]:
        """Extractors whose file should be usable but is missing or not the file recorded.

        Registered models are content-addressed, so their bytes must hash to their name;
        committed bundled models must match the manifest. A bundled model that was never built
        is not a problem (the service works without it; using it gives a clear 503).
        """
        problems: dict[str, str] = {}
        for b in bundled_extractors(self.data_dir):
            committed = b.path.parent == BUNDLED_DIR
            if committed and not b.available:
                problems[b.spec.name] = b.reason or "bundled file missing"
            elif committed and b.sha256 != b.expected_sha256:
                problems[b.spec.name] = "bundled file does not match the manifest's sha256"
        for row in store.list():
            ext = self._from_record(row)
            if not ext.available:
                problems[ext.name] = ext.reason or "stored file missing"
            elif file_sha256(ext.path) != row.sha256:
                problems[ext.name] = "stored file is corrupt (sha256 differs from its address)"
        return problems

    def find(self, store: ExtractorStore, name: str) -> Extractor | None:
        for b in self.bundled():
            if b.name == name:
                return b
        row = store.get(name)
        return self._from_record(row) if row is not None else None

    def resolve(self, store: ExtractorStore, name: str | None, field_name: str = "extractor"
                ) -> Extractor:
        """The usable extractor `name`, or a clear problem (422 unknown, 503 unavailable)."""
        if not name:
            raise InvalidInput.at(field_name, "name a registered extractor to embed 'inputs'")
        ext = self.find(store, name)
        if ext is None:
            known = ", ".join(e.name for e in self.list(store))
            raise UnknownExtractor(f"{field_name}: no extractor named '{name}' (known: {known})",
                                   errors=[FieldError(field_name, "unknown extractor")])
        if not ext.available:
            raise ExtractorUnavailable(f"extractor '{name}' is not available: {ext.reason}")
        return ext

    # -- registration
    def register(self, store: ExtractorStore, model: bytes, metadata: Mapping[str, Any],
                 tokenizer: bytes | None = None, description: str | None = None
                 ) -> tuple[Extractor, bool]:
        """Validate and store; returns (extractor, created). Same name + same bytes + same
        spec again is idempotent (created False); same name otherwise is a 409."""
        spec = spec_from_metadata(metadata)
        if spec.name in bundled_names():
            raise Conflict(f"'{spec.name}' is a bundled extractor; choose another name",
                           errors=[FieldError("metadata.name", "name is reserved")])
        existing = store.get(spec.name)
        checked = validate_model(model, spec, tokenizer, self.limits)
        if existing is not None:
            if (existing.sha256 == checked.sha256
                    and existing.tokenizer_sha256 == checked.tokenizer_sha256
                    and self._from_record(existing).spec == spec):
                return self._from_record(existing), False
            raise Conflict(f"an extractor named '{spec.name}' is already registered "
                           f"(sha256 {existing.sha256[:12]}…)",
                           errors=[FieldError("metadata.name", "name already registered")])
        model_path = self.store_dir / f"{checked.sha256}.onnx"
        written: list[Path] = []
        try:
            if _write_atomic(model_path, model):
                written.append(model_path)
            if tokenizer is not None and checked.tokenizer_sha256:
                tok_path = self.store_dir / f"{checked.tokenizer_sha256}.tokenizer.json"
                if _write_atomic(tok_path, tokenizer):
                    written.append(tok_path)
            row = store.add(spec, checked.sha256, checked.tokenizer_sha256, description)
            store.commit()
        except BaseException:
            for path in written:
                path.unlink(missing_ok=True)
            raise
        return self._from_record(row), True

    # -- runtime
    def session(self, ext: Extractor) -> ort.InferenceSession:
        if not ext.available or ext.sha256 is None:
            raise ExtractorUnavailable(f"extractor '{ext.name}' is not available: {ext.reason}")
        try:
            return self.sessions.get(ext.sha256, ext.path)
        except Exception as exc:
            raise ExtractorUnavailable(
                f"extractor '{ext.name}' failed to load: {_short(exc)}") from None

    def tokenizer(self, ext: Extractor) -> TextTokenizer:
        if ext.tokenizer_path is None:
            raise ExtractorUnavailable(f"text extractor '{ext.name}' has no tokenizer")
        key = str(ext.tokenizer_path)
        with self._lock:
            tok = self._tokenizers.get(key)
        if tok is None:
            tok = TextTokenizer.from_file(ext.tokenizer_path, self.limits.text_max_length)
            with self._lock:
                self._tokenizers[key] = tok
        return tok

    def embed_texts(self, ext: Extractor, texts: Sequence[str], field_name: str = "inputs.texts",
                    progress: ProgressFn | None = None) -> NDArray[np.float32]:
        if ext.spec.modality != "text":
            raise InvalidInput.at(field_name, f"extractor '{ext.name}' takes "
                                              f"{ext.spec.modality} inputs, not texts")
        lim = self.limits
        if len(texts) == 0:
            raise InvalidInput.at(field_name, "must hold at least one text")
        if len(texts) > lim.max_items:
            raise PayloadTooLarge(f"{field_name}: {len(texts)} texts; the limit is "
                                  f"{lim.max_items}", errors=[FieldError(field_name, "too many")])
        total = 0
        for i, text in enumerate(texts):
            if not isinstance(text, str):
                raise InvalidInput.at(f"{field_name}[{i}]", "must be a string")
            if len(text) > lim.max_text_chars:
                raise PayloadTooLarge(
                    f"{field_name}[{i}]: {len(text)} characters; the limit is "
                    f"{lim.max_text_chars}", errors=[FieldError(f"{field_name}[{i}]", "too long")])
            total += len(text)
        if total > lim.max_total_text_chars:
            raise PayloadTooLarge(f"{field_name}: {total} characters in all; the limit is "
                                  f"{lim.max_total_text_chars}")
        out = run_texts(self.session(ext), self.tokenizer(ext), texts, ext.spec.output_name,
                        lim.batch_size, progress)
        return self._checked(ext, out, len(texts))

    def embed_images(self, ext: Extractor, images: NDArray[Any],
                     field_name: str = "inputs.images",
                     progress: ProgressFn | None = None) -> NDArray[np.float32]:
        """Cast to the declared dtype and feed as given (normalisation is in the graph)."""
        spec = ext.spec
        if spec.modality == "text":
            raise InvalidInput.at(field_name, f"extractor '{ext.name}' takes texts, not images")
        lim = self.limits
        if images.ndim != len(spec.input_shape):
            raise InvalidInput.at(f"{field_name}.shape",
                                  f"has {images.ndim} dimensions; extractor '{ext.name}' takes "
                                  f"{_shape_text(spec.input_shape)}")
        if images.shape[0] == 0:
            raise InvalidInput.at(f"{field_name}.shape", "must hold at least one image")
        if images.shape[0] > lim.max_items:
            raise PayloadTooLarge(f"{field_name}: {images.shape[0]} images; the limit is "
                                  f"{lim.max_items}")
        if images.size > lim.max_image_values:
            raise PayloadTooLarge(f"{field_name}: {images.size} values; the limit is "
                                  f"{lim.max_image_values}")
        for i, (want, got) in enumerate(zip(spec.input_shape, images.shape, strict=True)):
            if i > 0 and want is not None and want != got:
                raise InvalidInput.at(f"{field_name}.shape",
                                      f"is {list(images.shape)}; extractor '{ext.name}' takes "
                                      f"{_shape_text(spec.input_shape)}")
        if images.dtype.kind == "f" and not np.isfinite(images).all():
            raise InvalidInput.at(f"{field_name}.data", "holds NaN or Inf")
        feed = np.ascontiguousarray(images.astype(spec.numpy_dtype, copy=False))
        out = run_batched(self.session(ext), {spec.input_name: feed}, spec.output_name,
                          lim.batch_size, progress)
        return self._checked(ext, out, len(feed))

    def embed_inputs(self, ext: Extractor, texts: Sequence[str] | None,
                     images: NDArray[Any] | None, field_name: str) -> NDArray[np.float64]:
        """Raw `inputs` of a DatasetSpec → float64 (n, d) embeddings."""
        if texts is not None:
            out = self.embed_texts(ext, texts, f"{field_name}.texts")
        elif images is not None:
            out = self.embed_images(ext, images, f"{field_name}.images")
        else:
            raise InvalidInput.at(field_name, "give 'texts' or 'images'")
        return out.astype(np.float64)

    def _checked(self, ext: Extractor, out: NDArray[np.float32], n: int) -> NDArray[np.float32]:
        if out.shape != (n, ext.spec.output_dim):
            raise ExtractorUnavailable(
                f"extractor '{ext.name}' returned shape {list(out.shape)}, "
                f"declared ({n}, {ext.spec.output_dim})")
        if not np.isfinite(out).all():
            raise InvalidInput(f"extractor '{ext.name}' produced NaN or Inf on these inputs")
        return out


def decode_images(shape: Sequence[int], dtype: str, data: str, field_name: str,
                  limits: ExtractorLimits | None = None) -> NDArray[Any]:
    """Base64 little-endian row-major images [n, h, w, c] of uint8/float32 → ndarray."""
    limits = limits or ExtractorLimits()
    wires: dict[str, np.dtype[Any]] = {"uint8": np.dtype("u1"), "float32": np.dtype("<f4")}
    wire = wires.get(dtype)
    if wire is None:
        raise InvalidInput.at(f"{field_name}.dtype", "must be 'uint8' or 'float32'")
    if not shape or any(int(s) < 1 for s in shape):
        raise InvalidInput.at(f"{field_name}.shape", "every dimension must be ≥ 1")
    count = int(np.prod([int(s) for s in shape], dtype=np.int64))
    if count > limits.max_image_values:
        raise PayloadTooLarge(f"{field_name}: {count} values; the limit is "
                              f"{limits.max_image_values}")
    try:
        raw = base64.b64decode(data, validate=True)
    except (binascii.Error, ValueError) as exc:
        raise InvalidInput.at(f"{field_name}.data", f"is not valid base64 ({exc})") from None
    if len(raw) != count * wire.itemsize:
        raise InvalidInput.at(f"{field_name}.data",
                              f"holds {len(raw)} bytes; shape {list(shape)} of {dtype} needs "
                              f"{count * wire.itemsize}")
    images: NDArray[Any] = np.frombuffer(raw, dtype=wire).reshape([int(s) for s in shape])
    return images


def _shape_text(shape: Sequence[int | None]) -> str:
    return "[" + ", ".join("n" if i == 0 else ("any" if d is None else str(d))
                           for i, d in enumerate(shape)) + "]"


def _from_bundled(b: BundledExtractor) -> Extractor:
    return Extractor(b.spec, b.path, b.tokenizer_path, b.sha256, None, True, b.available,
                     b.reason, b.origin)


ProgressFactory = Callable[[int], ProgressFn]


def embed_request(service: ExtractorService, store: ExtractorStore, request: Any
                  ) -> tuple[dict[str, Any] | None, NDArray[np.float64] | None,
                             NDArray[np.float64] | None]:
    """Embed the raw `inputs` of an AssessRequest's sides through `request.extractor`.

    Returns (extractor record or None, source rows or None, target rows or None); a side given
    as embeddings or a summary is left as None for the assess service to decode.
    """
    sides = {"source": request.source, "target": request.target}
    if all(getattr(spec, "inputs", None) is None for spec in sides.values()):
        return None, None, None
    ext = service.resolve(store, request.extractor, "extractor")
    rows: dict[str, NDArray[np.float64] | None] = {}
    for field_name, spec in sides.items():
        raw = getattr(spec, "inputs", None)
        if raw is None:
            rows[field_name] = None
            continue
        images = None
        if raw.images is not None:
            images = decode_images(raw.images.shape, raw.images.dtype, raw.images.data,
                                   f"{field_name}.inputs.images", service.limits)
        rows[field_name] = service.embed_inputs(ext, raw.texts, images, f"{field_name}.inputs")
    return ext.record(), rows["source"], rows["target"]
