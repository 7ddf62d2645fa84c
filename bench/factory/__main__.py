"""CLI: `python -m bench.factory build --out DIR [--families a,b] [--jobs N]`; `summary`; `check`."""

from __future__ import annotations

import argparse
import importlib
import json
import os
import subprocess
import sys
import time
from pathlib import Path

from . import GROUPS

REPO = Path(__file__).resolve().parents[2]
DEFAULT_OUT = REPO.parent / "scenario-factory"


def build_group(name: str, out: Path, only: set[str] | None, force: bool) -> None:
    from .common import Context
    from .truth import torch_setup

    torch_setup()
    module = importlib.import_module(f"bench.factory.{name}")
    ctx = Context(out=out, cache=out / ".cache", force=force, only=only)
    t0 = time.monotonic()
    module.build(ctx)
    seconds = round(time.monotonic() - t0, 1)
    ctx.log(f"group {name}: {len(ctx.built)} scenarios in {seconds} s")
    log = out / ".cache" / f"built-{name}.json"
    log.parent.mkdir(parents=True, exist_ok=True)
    log.write_text(json.dumps({"group": name, "seconds": seconds,
                               "scenarios": [b["id"] for b in ctx.built]}, indent=1))


def selection(names: list[str]) -> dict[str, set[str] | None]:
    """Group -> family labels to build in it (None = all); no names = every group."""
    unknown = [n for n in names if n not in GROUPS and not any(n.startswith(p) for p in GROUPS.values())]
    if unknown:
        raise SystemExit(f"unknown groups/families: {unknown}; groups: {', '.join(GROUPS)}")
    plan: dict[str, set[str] | None] = {}
    for g, prefix in GROUPS.items():
        if not names or g in names:
            plan[g] = None
        elif labels := {n for n in names if n.startswith(prefix)}:
            plan[g] = labels
    return plan


def summary(out: Path) -> str:
    rows: dict[str, list[int]] = {}
    for truth_path in sorted(out.glob("*/truth.json")):
        meta = json.loads((truth_path.parent / "meta.json").read_text())
        t = json.loads(truth_path.read_text())
        r = rows.setdefault(meta["family"], [0, 0, 0, 0])
        r[0 if t["transfer_helps"] else 1 if t["negative_transfer"] else 2] += 1
        r[3] += t["acc_fine_tune"] is not None
    lines = [f"{'family':34s} helps negative within fine_tune"]
    for fam, (h, neg, w, ft) in sorted(rows.items()):
        lines.append(f"{fam:34s} {h:5d} {neg:8d} {w:6d} {ft:9d}")
    tot = [sum(r[i] for r in rows.values()) for i in range(4)]
    lines.append(f"{'total ' + str(sum(tot[:3])) + ' in ' + str(len(rows)) + ' families':34s} "
                 f"{tot[0]:5d} {tot[1]:8d} {tot[2]:6d} {tot[3]:9d}")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.factory", description=__doc__)
    sub = parser.add_subparsers(dest="cmd", required=True)
    b = sub.add_parser("build", help="build scenarios (skips finished folders unless --force)")
    b.add_argument("--out", type=Path, default=DEFAULT_OUT)
    b.add_argument("--families", default="",
                   help=f"comma list of builder groups ({','.join(GROUPS)}) or family labels")
    b.add_argument("--jobs", type=int, default=1, help="groups built in parallel processes")
    b.add_argument("--force", action="store_true", help="rebuild caches and folders")
    s = sub.add_parser("summary", help="per-family counts of a built directory")
    s.add_argument("--out", type=Path, default=DEFAULT_OUT)
    c = sub.add_parser("check", help="format checks of a built directory")
    c.add_argument("--out", type=Path, default=DEFAULT_OUT)
    args = parser.parse_args()
    if args.cmd == "summary":
        print(summary(args.out))
        return
    if args.cmd == "check":
        from .check import check_all

        sys.exit(1 if check_all(args.out) else 0)
    out = args.out.resolve()
    out.mkdir(parents=True, exist_ok=True)
    plan = selection([n for n in args.families.split(",") if n])
    if args.jobs <= 1 or len(plan) == 1:
        for g, only in plan.items():
            build_group(g, out, only, args.force)
    else:
        procs: list[subprocess.Popen[bytes]] = []
        pending = list(plan.items())
        env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(REPO), os.environ.get("PYTHONPATH", "")])}
        while pending or procs:
            while pending and len(procs) < args.jobs:
                g, only = pending.pop(0)
                cmd = [sys.executable, "-m", "bench.factory", "build", "--out", str(out), "--families",
                       ",".join(sorted(only) if only else [g]), "--jobs", "1",
                       *(["--force"] if args.force else [])]
                procs.append(subprocess.Popen(cmd, cwd=REPO, env=env))
            time.sleep(2)
            procs = [p for p in procs if p.poll() is None]
    print(summary(out))


if __name__ == "__main__":
    main()
