"""`transfer-advisor openapi [-o FILE]`: the OpenAPI document as YAML."""

from __future__ import annotations

import argparse
import sys
from typing import Any

from .common import EXIT_OK, add_command


def register(sub: Any) -> None:
    p = add_command(sub, "openapi", "print the OpenAPI document (YAML)", run,
                    description="Print the OpenAPI document (YAML) the app generates; "
                                "openapi.yaml is this output.")
    p.add_argument("--output", "-o", help="write to this file instead of stdout")


def run(args: argparse.Namespace) -> int:
    from ..openapi import render_openapi

    text = render_openapi()
    if args.output:
        with open(args.output, "w", encoding="utf-8") as fh:
            fh.write(text)
    else:
        sys.stdout.write(text)
    return EXIT_OK
