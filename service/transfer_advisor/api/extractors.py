"""GET /extractors, GET /extractors/{name}, POST /extractors: only HTTP translation."""

from __future__ import annotations

import json
from typing import Annotated, Any

from fastapi import APIRouter, Depends, File, Form, Path, Request, UploadFile
from fastapi.responses import JSONResponse

from ..errors import InvalidInput, NotFound, PayloadTooLarge
from ..schemas.extractors import ExtractorList, ExtractorOut, InputSpec, OutputSpec
from ..services.extractors import Extractor, ExtractorService
from .deps import AdminCaller, ReadCaller, SettingsDep
from .responses import problems

router = APIRouter(tags=["extractors"])


def get_extractor_service(request: Request) -> ExtractorService:
    service: ExtractorService = request.app.state.extractors
    return service


ExtractorsDep = Annotated[ExtractorService, Depends(get_extractor_service)]


def to_wire(ext: Extractor) -> ExtractorOut:
    spec = ext.spec
    return ExtractorOut(
        name=spec.name, version=spec.version, modality=spec.modality,
        input=InputSpec(name=spec.input_name, dtype=spec.input_dtype,
                        shape=list(spec.input_shape)),
        output=OutputSpec(name=spec.output_name, dim=spec.output_dim),
        output_dim=spec.output_dim, preprocessing=dict(spec.preprocessing), sha256=ext.sha256,
        tokenizer_sha256=ext.tokenizer_sha256, bundled=ext.bundled, available=ext.available,
        reason=ext.reason, description=ext.description, created_at=ext.created_at)


@router.get("/extractors", response_model=ExtractorList, summary="List feature extractors")
def list_extractors(caller: ReadCaller, extractors: ExtractorsDep) -> ExtractorList:
    """Bundled extractors first (unavailable ones say why), then registered ones by name."""
    return ExtractorList(items=[to_wire(e) for e in extractors.list(caller.tenant)])


@router.get("/extractors/{name}", response_model=ExtractorOut, summary="Get one extractor")
def get_extractor(name: Annotated[str, Path(description="The extractor's name.")],
                  caller: ReadCaller, extractors: ExtractorsDep) -> ExtractorOut:
    """A bundled, shared or this tenant's extractor: input spec, output dim, sha256, status."""
    found = extractors.find(name, caller.tenant)
    if found is None:
        raise NotFound(f"no extractor named '{name}'")
    return to_wire(found)


REGISTERED: dict[int | str, dict[str, Any]] = {
    200: {"model": ExtractorOut, "description": "The same model was already registered."},
    201: {"headers": {"Location": {"description": "The extractor: `/extractors/{name}`.",
                                   "schema": {"type": "string"}}}}}


def _read(upload: UploadFile, limit: int, part: str, setting: str) -> bytes:
    data = upload.file.read(limit + 1)
    if len(data) > limit:
        raise PayloadTooLarge.over(part, f"more than {limit} bytes", setting, limit)
    return data


def _refuse_constant(token: str) -> Any:
    raise ValueError(f"{token} is not JSON")


def _parse_metadata(text: str) -> Any:
    """Strict JSON (no NaN/Infinity), and no nesting deep enough to exhaust the stack."""
    try:
        return json.loads(text, parse_constant=_refuse_constant)
    except json.JSONDecodeError as exc:
        raise InvalidInput.at("metadata", f"is not valid JSON ({exc.msg})") from None
    except ValueError as exc:
        raise InvalidInput.at("metadata", f"is not valid JSON ({exc})") from None
    except RecursionError:
        raise InvalidInput.at("metadata", "is nested too deeply") from None


@router.post("/extractors", status_code=201, response_model=ExtractorOut,
             summary="Register an ONNX feature extractor",
             responses=REGISTERED | problems(409, s409="The name is taken (bundled, shared, or another model "
                                  "of this tenant's)."))
def register_extractor(
    caller: AdminCaller,
    settings: SettingsDep,
    extractors: ExtractorsDep,
    file: Annotated[UploadFile, File(description="the .onnx model")],
    metadata: Annotated[str, Form(description="JSON: name, version, modality, input, output, "
                                              "optional preprocessing and description")],
    tokenizer: Annotated[UploadFile | None, File(description="tokenizer.json (text)")] = None,
) -> JSONResponse:
    """Validate with onnxruntime (load, declared names/dtypes/shapes, finite dry run); store."""
    meta = _parse_metadata(metadata)
    if not isinstance(meta, dict):
        raise InvalidInput.at("metadata", "must be a JSON object")
    model = _read(file, settings.max_extractor_bytes, "file", "max_extractor_bytes")
    tok = None if tokenizer is None else _read(tokenizer, settings.max_tokenizer_bytes,
                                               "tokenizer", "max_tokenizer_bytes")
    description = meta.pop("description", None)
    ext, created = extractors.register(
        model, meta, tok, description if isinstance(description, str) else None,
        tenant=caller.tenant)
    body = to_wire(ext).model_dump(mode="json")
    return JSONResponse(body, status_code=201 if created else 200,
                        headers={"Location": f"/extractors/{ext.name}"})
