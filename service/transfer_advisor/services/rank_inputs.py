"""POST /rank's input side: candidate structure, limits over all candidates, raw-input embedding.

Everything here runs before any metric: a malformed candidate, an unknown extractor, an
extractor of the wrong modality or a request over a limit is refused before any model runs.
The target's raw `inputs` are decoded once and embedded once per distinct extractor; a source's
raw inputs are embedded by its candidate's extractor.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from numpy.typing import NDArray

from ..errors import InvalidInput, PayloadTooLarge
from ..schemas.assess import DatasetSpec, EncodedMatrix, Matrix
from ..schemas.rank import RankRequest
from ..settings import Settings
from .extractors import Extractor, ExtractorService
from .inputs import decode_images, refuse_scratch_on
from .scratch_features import ScratchFeatures, derive_scratch_features

Rows = NDArray[np.float64]


@dataclass(frozen=True)
class RankInputs:
    """What the extractors made of a ranking's raw inputs, by candidate index."""

    target_rows: Mapping[int, Rows] = field(default_factory=dict)
    source_rows: Mapping[int, Rows] = field(default_factory=dict)
    extractors: Mapping[int, dict[str, Any]] = field(default_factory=dict)  # Extractor.record()
    scratch: ScratchFeatures | None = None  # derived from the target's raw items


def item_count(spec: DatasetSpec | None) -> int | None:
    """Rows (or raw items) a spec holds; None for a summary or no spec."""
    if spec is None:
        return None
    if spec.inputs is not None:
        if spec.inputs.texts is not None:
            return len(spec.inputs.texts)
        if spec.inputs.images is not None and spec.inputs.images.shape:
            return int(spec.inputs.images.shape[0])
        return None
    if spec.embeddings is not None:
        return _shape(spec.embeddings)[0]
    return None


def _shape(value: Matrix) -> tuple[int, int]:
    if isinstance(value, EncodedMatrix):
        return int(value.shape[0]), int(value.shape[1])
    if isinstance(value, np.ndarray):  # JSON rows arrive as one array (schemas.assess.Rows)
        return int(value.shape[0]), int(value.shape[1]) if value.ndim == 2 else 0
    return len(value), len(value[0]) if len(value) else 0


def check_candidates(request: RankRequest) -> None:
    """Each candidate names one way to the target's embeddings, and its fields are where they
    belong (labels and scratch features on the top-level target, raw inputs with an
    extractor). 422 naming the candidate's field."""
    top = request.target
    if top.source_probs is not None:
        raise InvalidInput.at("target.source_probs", "give each candidate's source model "
                              "probabilities as candidates[i].target.source_probs")
    seen: dict[str, int] = {}
    for i, cand in enumerate(request.candidates):
        at = f"candidates[{i}]"
        if cand.name in seen:
            raise InvalidInput.at(f"{at}.name", f"repeats candidates[{seen[cand.name]}].name "
                                                f"'{cand.name}'; names must be unique")
        seen[cand.name] = i
        if cand.extractor is not None and cand.target is not None:
            raise InvalidInput.at(f"{at}.target", "give either an extractor (it embeds "
                                                  "target.inputs) or the target's embeddings")
        if cand.extractor is not None and top.inputs is None:
            raise InvalidInput.at(f"{at}.extractor", "an extractor candidate needs the target's "
                                                     "raw items in target.inputs")
        if cand.extractor is None and cand.target is None and (
                top.embeddings is None and top.summary is None):
            raise InvalidInput.at(f"{at}.target", "give the target's embeddings under this "
                                                  "candidate, or an extractor")
        if cand.target is not None:
            for name in ("labels", "scratch_features"):
                if getattr(cand.target, name) is not None:
                    raise InvalidInput.at(f"{at}.target.{name}", "belongs on the top-level "
                                          "target (shared by every candidate)")
            if cand.target.inputs is not None:
                raise InvalidInput.at(f"{at}.target.inputs", "raw target items go in "
                                      "target.inputs, embedded by the candidate's extractor")
        refuse_scratch_on(cand.source, f"{at}.source")
        if cand.source is not None and cand.source.inputs is not None and cand.extractor is None:
            raise InvalidInput.at(f"{at}.source.inputs", "raw source items need the "
                                                         "candidate's extractor")


def check_limits(request: RankRequest, settings: Settings,
                 dims: Mapping[int, int] | None = None) -> None:
    """The size limits over all candidates together: their target rows (each distinct target
    once) and their source rows count against `max_rows` and `max_cells` as one side each.
    `dims`: output dimension of each extractor candidate (its rows are the target's items)."""
    dims = dims or {}
    n_items = item_count(request.target)
    targets: dict[object, tuple[int, int]] = {}
    sources = [0, 0]
    for i, cand in enumerate(request.candidates):
        if cand.extractor is not None:
            targets[("extractor", cand.extractor)] = (n_items or 0, dims.get(i, 0))
        elif cand.target is not None and cand.target.embeddings is not None:
            targets[i] = _shape(cand.target.embeddings)
        elif cand.target is None and request.target.embeddings is not None:
            targets["top"] = _shape(request.target.embeddings)
        src = cand.source
        if src is not None and src.embeddings is not None:
            n, d = _shape(src.embeddings)
        elif src is not None and src.inputs is not None:
            n, d = item_count(src) or 0, dims.get(i, 0)
        else:
            n = d = 0
        sources[0] += n
        sources[1] += n * d
    for side, (rows, cells) in (
            ("target", (sum(n for n, _ in targets.values()),
                        sum(n * d for n, d in targets.values()))),
            ("source", (sources[0], sources[1]))):
        what = f"{side} rows of all candidates together"
        if rows > settings.max_rows:
            raise PayloadTooLarge.over("candidates", f"{rows} {what}", "max_rows",
                                       settings.max_rows)
        if cells > settings.max_cells:
            raise PayloadTooLarge.over("candidates", f"{cells} values in the {what}", "max_cells",
                                       settings.max_cells)


def _check_modality(ext: Extractor, request: RankRequest, at: str) -> None:
    raw = request.target.inputs
    texts = raw is not None and raw.texts is not None
    takes_texts = ext.spec.modality == "text"
    if texts != takes_texts:
        raise InvalidInput.at(f"{at}.extractor", f"extractor '{ext.name}' takes "
                              f"{ext.spec.modality} inputs; target.inputs holds "
                              f"{'texts' if texts else 'images'}")
    wanted = request.task.target_modality
    if wanted != "other" and ext.spec.modality != wanted:
        raise InvalidInput.at(f"{at}.extractor", f"extractor '{ext.name}' is a "
                              f"{ext.spec.modality} extractor; task.target_modality is {wanted}")


def embed_candidates(service: ExtractorService, request: RankRequest, tenant: str,
                     settings: Settings) -> RankInputs:
    """Resolve and check every extractor candidate, check the limits, then embed: the target's
    raw items decoded once and run once through each distinct extractor."""
    found: dict[int, Extractor] = {}
    for i, cand in enumerate(request.candidates):
        if cand.extractor is not None:
            found[i] = service.resolve(cand.extractor, tenant, f"candidates[{i}].extractor")
            _check_modality(found[i], request, f"candidates[{i}]")
    check_limits(request, settings, {i: ext.spec.output_dim for i, ext in found.items()})
    raw = request.target.inputs
    if not found or raw is None:
        return RankInputs()
    items: Sequence[str] | NDArray[Any]
    if raw.texts is not None:
        items = raw.texts
    elif raw.images is not None:
        items = decode_images(raw.images, "target.inputs.images", settings.max_image_values)
    else:  # RawInputs' validator makes this unreachable
        raise InvalidInput.at("target.inputs", "give 'texts' or 'images'")
    by_extractor: dict[str, Rows] = {}
    target_rows: dict[int, Rows] = {}
    source_rows: dict[int, Rows] = {}
    for i, ext in found.items():
        if ext.name not in by_extractor:
            by_extractor[ext.name] = _embed(service, ext, items, "target.inputs")
        target_rows[i] = by_extractor[ext.name]
        source = request.candidates[i].source
        if source is not None and source.inputs is not None:
            field_name = f"candidates[{i}].source.inputs"
            if source.inputs.texts is not None:
                source_rows[i] = _embed(service, ext, source.inputs.texts, field_name)
            elif source.inputs.images is not None:
                images = decode_images(source.inputs.images, f"{field_name}.images",
                                       settings.max_image_values)
                source_rows[i] = _embed(service, ext, images, field_name)
    scratch = derive_scratch_features(request.target, items, settings.max_cells)
    return RankInputs(target_rows, source_rows, {i: e.record() for i, e in found.items()},
                      scratch)


def _embed(service: ExtractorService, ext: Extractor, items: Sequence[str] | NDArray[Any],
           field_name: str) -> Rows:
    if isinstance(items, np.ndarray):
        return service.embed_images(ext, items, f"{field_name}.images").astype(np.float64)
    return service.embed_texts(ext, items, f"{field_name}.texts").astype(np.float64)
