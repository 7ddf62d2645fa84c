"""Extractor use cases: register a model, list and resolve extractors, embed raw inputs.

A registered model is validated (extractors.validate), written content-addressed under
`<data_dir>/extractors/` (extractors.files) and described by an `extractor` row. A refused
model leaves nothing behind: files are written only after validation, and removed again if
the database insert fails. Each use case opens its own session and commits at most once.

Scopes: a model registered through the API belongs to the caller's tenant; one registered by
the operator (tenant None, the CLI) is shared by every tenant, like the bundled ones. A tenant
looks names up as bundled, then shared, then its own, and never sees another tenant's.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, NamedTuple

import numpy as np
import onnxruntime as ort
from numpy.typing import NDArray
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from ..db.engine import WRITE_TRANSACTION
from ..db.models import ExtractorRow
from ..db.repositories import ExtractorRepository
from ..errors import (
    Conflict,
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
from ..extractors.files import ModelFiles
from ..extractors.runtime import ProgressFn, SessionCache, run_batched, short_error
from ..extractors.spec import ExtractorSpec, spec_from_metadata
from ..extractors.text import TextTokenizer, TokenizerCache
from ..extractors.text import embed_texts as run_texts
from ..extractors.validate import ValidatedModel, validate_model
from ..schemas.assess import AssessRequest
from ..settings import Settings
from .inputs import decode_images
from .scratch_features import ScratchFeatures, derive_scratch_features


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


class EmbeddedInputs(NamedTuple):
    """An AssessRequest's raw `inputs` as rows; None for a side sent as embeddings/summary."""

    extractor: dict[str, Any] | None  # Extractor.record() of the extractor used
    source_rows: NDArray[np.float64] | None
    target_rows: NDArray[np.float64] | None
    target_scratch: ScratchFeatures | None = None  # derived from the raw target items


class ExtractorService:
    """Registry + runtime. One instance per app (app.state.extractors); thread-safe.

    Limits come from `settings`; `sessions` (a sessionmaker) opens the registry's sessions.
    """

    def __init__(self, settings: Settings, sessions: Callable[[], Session]) -> None:
        self.settings = settings
        self.data_dir = Path(settings.data_dir)
        self.cache_dir = settings.resolved_extractor_cache_dir
        self.files = ModelFiles(self.data_dir / "extractors")
        self.runtimes = SessionCache(intra_op_threads=settings.onnx_intra_op_threads)
        # Text runs spread whole batches over the same number of threads instead
        # (extractors.text): single-threaded sessions, `onnx_intra_op_threads` batches at once.
        self.text_runtimes = SessionCache(intra_op_threads=1)
        self.tokenizers = TokenizerCache()
        self._sessions = sessions

    @contextmanager
    def _repository(self, tenant: str | None, write: bool = False
                    ) -> Iterator[tuple[Session, ExtractorRepository]]:
        with self._sessions() as session:
            if write:  # read-then-write: hold the write lock from the start (SQLite)
                session.connection(execution_options={WRITE_TRANSACTION: True})
            yield session, ExtractorRepository(session, tenant)

    # -- lookup
    def bundled(self) -> list[Extractor]:
        return [_from_bundled(b) for b in bundled_extractors(self.data_dir, self.cache_dir)]

    def _from_row(self, row: ExtractorRow) -> Extractor:
        meta = {"name": row.name, "version": row.version, "modality": row.modality,
                "input": row.input_spec, "output": {"name": row.output_name,
                                                    "dim": row.output_dim},
                "preprocessing": row.preprocessing or {}}
        spec = spec_from_metadata(meta, field_prefix=f"extractor.{row.name}")
        path = self.files.model_path(row.sha256)
        tok = self.files.tokenizer_path(row.tokenizer_sha256) if row.tokenizer_sha256 else None
        missing = [p.name for p in (path, tok) if p is not None and not p.is_file()]
        reason = f"stored file missing: {', '.join(missing)}" if missing else None
        created = row.created_at
        if created is not None and created.tzinfo is None:
            created = created.replace(tzinfo=UTC)
        return Extractor(spec, path, tok, row.sha256, row.tokenizer_sha256, False,
                         not missing, reason, row.description, created)

    def list(self, tenant: str | None) -> list[Extractor]:
        """What `tenant` may use (None: the operator, bundled and shared only): bundled
        extractors first, then the shared ones and its own by name."""
        found = {e.name: e for e in self.bundled()}
        with self._repository(tenant) as (_, repo):
            registered = [self._from_row(row) for row in repo.list()]
        for ext in registered:
            found.setdefault(ext.name, ext)
        return sorted(found.values(), key=lambda e: (not e.bundled, e.name))

    def integrity_problems(self) -> dict[str, str]:
        """Extractors whose file should be usable but is missing or not the file recorded.

        Registered models are content-addressed, so their bytes must hash to their name;
        committed bundled models must match the manifest. A bundled model that was never built
        is not a problem (the service works without it; using it gives a clear 503).
        Covers every tenant's extractors. /readyz is public, so a tenant's extractor is named by
        its file's sha256 prefix, never by its name or tenant.
        """
        problems: dict[str, str] = {}
        for b in bundled_extractors(self.data_dir, self.cache_dir):
            committed = b.path.parent == BUNDLED_DIR
            if committed and not b.available:
                problems[b.spec.name] = b.reason or "bundled file missing"
            elif committed and b.sha256 != b.expected_sha256:
                problems[b.spec.name] = "bundled file does not match the manifest's sha256"
        with self._repository(None) as (_, repo):
            rows = [(row.tenant, self._from_row(row)) for row in repo.every()]
        hashed: dict[Path, str] = {}  # tenants may share one file: hash it once
        for tenant, ext in rows:
            short = (ext.sha256 or "")[:12]
            key = ext.name if tenant is None else f"a tenant's extractor {short}…"
            if not ext.available:
                problems[key] = ext.reason or "stored file missing"
                continue
            if ext.path not in hashed:
                hashed[ext.path] = file_sha256(ext.path)
            if hashed[ext.path] != ext.sha256:
                problems[key] = "stored file is corrupt (sha256 differs from its address)"
        return problems

    def find(self, name: str, tenant: str | None) -> Extractor | None:
        """The extractor `name` as `tenant` sees it: bundled, else shared, else its own.
        Another tenant's is None, exactly as a name nobody registered."""
        for b in self.bundled():
            if b.name == name:
                return b
        with self._repository(tenant) as (_, repo):
            row = repo.get(name)
            return self._from_row(row) if row is not None else None

    def resolve(self, name: str | None, tenant: str | None, field_name: str = "extractor",
                to_run: bool = True) -> Extractor:
        """The extractor `name` as `tenant` sees it, or a clear problem (422 unknown; 503
        unavailable when it is `to_run`)."""
        if not name:
            raise InvalidInput.at(field_name, "name a registered extractor to embed 'inputs'")
        ext = self.find(name, tenant)
        if ext is None:
            known = ", ".join(e.name for e in self.list(tenant))
            raise UnknownExtractor(f"{field_name}: no extractor named '{name}' (known: {known})",
                                   errors=[FieldError(field_name, "unknown extractor")])
        if to_run and not ext.available:
            raise ExtractorUnavailable(f"extractor '{name}' is not available: {ext.reason}")
        return ext

    # -- registration
    def register(self, model: bytes, metadata: Mapping[str, Any],
                 tokenizer: bytes | None = None, description: str | None = None, *,
                 tenant: str | None) -> tuple[Extractor, bool]:
        """Validate and store for `tenant` (None: shared, the operator's); returns (extractor,
        created). A name already visible to `tenant` (its own or a shared one) with the same
        bytes and spec is idempotent (created False), otherwise a 409. Bundled names are
        reserved; the operator cannot share a name a tenant holds (it would shadow theirs)."""
        spec = spec_from_metadata(metadata)
        if spec.name in bundled_names():
            raise Conflict(f"'{spec.name}' is a bundled extractor; choose another name",
                           errors=[FieldError("metadata.name", "name is reserved")])
        checked = validate_model(model, spec, tokenizer,
                                 max_model_bytes=self.settings.max_extractor_bytes,
                                 max_tokenizer_bytes=self.settings.max_tokenizer_bytes)
        with self._repository(tenant, write=True) as (session, repo):
            repo.lock_name(spec.name)
            existing = repo.get(spec.name)
            if existing is not None:
                return self._same_or_conflict(existing, spec, checked), False
            if tenant is None and (holders := repo.tenants_holding(spec.name)):
                raise Conflict(
                    f"tenant(s) {', '.join(holders)} registered '{spec.name}' themselves; a "
                    "shared extractor of that name would replace theirs. Choose another name",
                    errors=[FieldError("metadata.name", "name held by a tenant")])
            files = [(self.files.model_path(checked.sha256), model)]
            if tokenizer is not None and checked.tokenizer_sha256:
                files.append((self.files.tokenizer_path(checked.tokenizer_sha256), tokenizer))
            written = self.files.put(files)
            try:
                row = repo.add(spec, checked.sha256, checked.tokenizer_sha256, description)
                session.commit()
            except IntegrityError:
                # A concurrent registration of this name committed first. Its files may be the
                # ones just written (content-addressed), so nothing is removed.
                session.rollback()
                winner = repo.get(spec.name)
                if winner is None:
                    raise
                return self._same_or_conflict(winner, spec, checked), False
            except BaseException:
                self.files.remove(written)
                raise
            return self._from_row(row), True

    def _same_or_conflict(self, existing: ExtractorRow, spec: ExtractorSpec,
                          checked: ValidatedModel) -> Extractor:
        """The registered extractor when it is this very model and spec; else 409."""
        if (existing.sha256 == checked.sha256
                and existing.tokenizer_sha256 == checked.tokenizer_sha256
                and (known := self._from_row(existing)).spec == spec):
            return known
        whose = "a shared extractor" if existing.tenant is None else "an extractor"
        raise Conflict(f"{whose} named '{spec.name}' is already registered "
                       f"(sha256 {existing.sha256[:12]}…)",
                       errors=[FieldError("metadata.name", "name already registered")])

    # -- runtime
    def session(self, ext: Extractor) -> ort.InferenceSession:
        if not ext.available or ext.sha256 is None:
            raise ExtractorUnavailable(f"extractor '{ext.name}' is not available: {ext.reason}")
        try:
            cache = self.text_runtimes if ext.spec.modality == "text" else self.runtimes
            return cache.get(ext.sha256, ext.path)
        except Exception as exc:
            raise ExtractorUnavailable(
                f"extractor '{ext.name}' failed to load: {short_error(exc)}") from None

    def tokenizer(self, ext: Extractor) -> TextTokenizer:
        if ext.tokenizer_path is None:
            raise ExtractorUnavailable(f"text extractor '{ext.name}' has no tokenizer")
        return self.tokenizers.get(ext.tokenizer_path)

    def embed_texts(self, ext: Extractor, texts: Sequence[str], field_name: str = "inputs.texts",
                    progress: ProgressFn | None = None) -> NDArray[np.float32]:
        if ext.spec.modality != "text":
            raise InvalidInput.at(field_name, f"extractor '{ext.name}' takes "
                                              f"{ext.spec.modality} inputs, not texts")
        lim = self.settings
        if len(texts) == 0:
            raise InvalidInput.at(field_name, "must hold at least one text")
        if len(texts) > lim.max_raw_items:
            raise PayloadTooLarge.over(field_name, f"{len(texts)} texts", "max_raw_items",
                                       lim.max_raw_items)
        total = 0
        for i, text in enumerate(texts):
            if not isinstance(text, str):
                raise InvalidInput.at(f"{field_name}[{i}]", "must be a string")
            if len(text) > lim.max_text_chars:
                raise PayloadTooLarge.over(f"{field_name}[{i}]", f"{len(text)} characters",
                                           "max_text_chars", lim.max_text_chars)
            total += len(text)
        if total > lim.max_total_text_chars:
            raise PayloadTooLarge.over(field_name, f"{total} characters in all",
                                       "max_total_text_chars", lim.max_total_text_chars)
        out = run_texts(self.session(ext), self.tokenizer(ext), texts, ext.spec.output_name,
                        lim.extractor_batch_size, progress, workers=lim.onnx_intra_op_threads)
        return _checked(ext, out, len(texts))

    def embed_images(self, ext: Extractor, images: NDArray[Any],
                     field_name: str = "inputs.images",
                     progress: ProgressFn | None = None) -> NDArray[np.float32]:
        """Cast to the declared dtype and feed as given (normalisation is in the graph)."""
        spec = ext.spec
        if spec.modality == "text":
            raise InvalidInput.at(field_name, f"extractor '{ext.name}' takes texts, not images")
        lim = self.settings
        if images.ndim != len(spec.input_shape):
            raise InvalidInput.at(f"{field_name}.shape",
                                  f"has {images.ndim} dimensions; extractor '{ext.name}' takes "
                                  f"{_shape_text(spec.input_shape)}")
        if images.shape[0] == 0:
            raise InvalidInput.at(f"{field_name}.shape", "must hold at least one image")
        if images.shape[0] > lim.max_raw_items:
            raise PayloadTooLarge.over(field_name, f"{images.shape[0]} images", "max_raw_items",
                                       lim.max_raw_items)
        if images.size > lim.max_image_values:
            raise PayloadTooLarge.over(field_name, f"{images.size} values", "max_image_values",
                                       lim.max_image_values)
        for i, (want, got) in enumerate(zip(spec.input_shape, images.shape, strict=True)):
            if i > 0 and want is not None and want != got:
                raise InvalidInput.at(f"{field_name}.shape",
                                      f"is {list(images.shape)}; extractor '{ext.name}' takes "
                                      f"{_shape_text(spec.input_shape)}")
        if images.dtype.kind == "f" and not np.isfinite(images).all():
            raise InvalidInput.at(f"{field_name}.data", "holds NaN or Inf")
        feed = np.ascontiguousarray(images.astype(spec.numpy_dtype, copy=False))
        out = run_batched(self.session(ext), {spec.input_name: feed}, spec.output_name,
                          lim.extractor_batch_size, progress)
        return _checked(ext, out, len(feed))

    def embed_request(self, request: AssessRequest, tenant: str) -> EmbeddedInputs:
        """Embed the raw `inputs` of the request's sides through `request.extractor`, as
        `tenant` sees that name.

        An extractor named beside embeddings is resolved too (an unknown name is a 422, not
        ignored) and recorded as the one the embeddings claim to come from.
        """
        sides = {"source": request.source, "target": request.target}
        if all(spec.inputs is None for spec in sides.values()):
            if request.extractor is None:
                return EmbeddedInputs(None, None, None)
            named = self.resolve(request.extractor, tenant, "extractor", to_run=False)
            return EmbeddedInputs(named.record(), None, None)
        ext = self.resolve(request.extractor, tenant, "extractor")
        rows: dict[str, NDArray[np.float64] | None] = {}
        items: dict[str, Any] = {}  # decoded raw items, for the target's scratch features
        for side, spec in sides.items():
            raw = spec.inputs
            if raw is None:
                rows[side] = None
            elif raw.texts is not None:
                items[side] = raw.texts
                rows[side] = self.embed_texts(
                    ext, raw.texts, f"{side}.inputs.texts").astype(np.float64)
            elif raw.images is not None:
                field_name = f"{side}.inputs.images"
                images = items[side] = decode_images(raw.images, field_name,
                                                     self.settings.max_image_values)
                rows[side] = self.embed_images(ext, images, field_name).astype(np.float64)
            else:  # RawInputs' validator makes this unreachable
                raise InvalidInput.at(f"{side}.inputs", "give 'texts' or 'images'")
        scratch = derive_scratch_features(request.target, items.get("target"),
                                          self.settings.max_cells)
        return EmbeddedInputs(ext.record(), rows["source"], rows["target"], scratch)


def _checked(ext: Extractor, out: NDArray[np.float32], n: int) -> NDArray[np.float32]:
    if out.shape != (n, ext.spec.output_dim):
        raise ExtractorUnavailable(
            f"extractor '{ext.name}' returned shape {list(out.shape)}, "
            f"declared ({n}, {ext.spec.output_dim})")
    if not np.isfinite(out).all():
        raise InvalidInput(f"extractor '{ext.name}' produced NaN or Inf on these inputs")
    return out


def _shape_text(shape: Sequence[int | None]) -> str:
    return "[" + ", ".join("n" if i == 0 else ("any" if d is None else str(d))
                           for i, d in enumerate(shape)) + "]"


def _from_bundled(b: BundledExtractor) -> Extractor:
    return Extractor(b.spec, b.path, b.tokenizer_path, b.sha256, None, True, b.available,
                     b.reason, b.origin)
