"""CLI: `python -m bench.rank_zoo build [--out DIR] [--only images,texts,<target id>]`; `summary`."""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
DEFAULT_OUT = REPO.parent / "rank-zoo"
GROUPS = ("images", "texts")


def build(out: Path, only: set[str] | None, force: bool, fine_tune: bool) -> int:
    from bench.factory.common import Context
    from bench.factory.truth import torch_setup

    from . import images, texts, zoo

    torch_setup()
    ctx = Context(out=out, cache=out / ".cache", force=force)
    (out / ".cache").mkdir(parents=True, exist_ok=True)
    t0 = time.monotonic()
    built = []
    for group, module in (("images", images), ("texts", texts)):
        if only is not None and group not in only and not (only - set(GROUPS)):
            continue

        def wanted(tid: str, group: str = group) -> bool:
            return only is None or group in only or tid in only

        for target, cands in module.targets(ctx, wanted):
            doc = zoo.build_target(ctx, target, cands, fine_tune=fine_tune)
            built.append(doc["id"])
    index = out / "zoo.json"
    known = set(json.loads(index.read_text())["targets"]) if index.is_file() else set()
    index.write_text(json.dumps({"targets": sorted(known | set(built))}, indent=1) + "\n")
    ctx.log(f"{len(built)} targets in {time.monotonic() - t0:.0f} s")
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.rank_zoo", description=__doc__)
    sub = parser.add_subparsers(dest="cmd", required=True)
    b = sub.add_parser("build", help="build (or complete) the zoo")
    b.add_argument("--out", type=Path, default=DEFAULT_OUT)
    b.add_argument("--only", default=None, help="comma-separated groups (images, texts) or target ids")
    b.add_argument("--force", action="store_true", help="re-measure finished pairs")
    b.add_argument("--no-fine-tune", action="store_true", help="skip the fine-tune measurements")
    s = sub.add_parser("summary", help="accuracy table of a built zoo")
    s.add_argument("--out", type=Path, default=DEFAULT_OUT)
    args = parser.parse_args(argv)
    if args.cmd == "build":
        only = None if args.only is None else {x.strip() for x in args.only.split(",") if x.strip()}
        return build(args.out.resolve(), only, args.force, not args.no_fine_tune)
    from .zoo import load_zoo, summary_lines

    for line in summary_lines(load_zoo(args.out)):
        print(line)
    return 0


if __name__ == "__main__":
    sys.exit(main())
