"""Load the transfer scenarios with measured outcomes and run them through the service's metrics.

Shared by `bench/decision_quality.py` and `scripts/fit_policy.py`. Each scenario is assessed in
three modes, as a POST /assess body run through the service's own `services.assess.evaluate`:

- "rows":       source and target embeddings, target labels on the first rows, and the scratch
                features the service derives from raw items where the scenario ships them;
- "embeddings": the same without scratch features: what the scenario format's scoring sends
                (embeddings + target labels), so the tiers without the scratch proxy are judged
                on every scenario, not only on those without raw items;
- "summary":    count/mean/covariance for both sides, plus class means/counts from the labeled rows.

What the service would store of it (metric results and evidence) is cached under
`.cache/scenario-metrics/` (gitignored), keyed by the scenario, the mode and a hash of the domain
metric code, so refitting the policy is cheap and a change to any metric recomputes them. The
policy's inputs are read back from that record by `services.replay.policy_inputs`, as a replay
reads a stored assessment.
"""

from __future__ import annotations

import base64
import hashlib
import inspect
import json
import os
import sys
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, replace
from functools import lru_cache
from pathlib import Path
from types import SimpleNamespace
from typing import Any, Literal

import numpy as np

REPO_ROOT = Path(__file__).resolve().parents[1]
if str(REPO_ROOT / "service") not in sys.path:
    sys.path.insert(0, str(REPO_ROOT / "service"))

from transfer_advisor.domain.metric_context import NEEDS_SCRATCH  # noqa: E402
from transfer_advisor.domain.metrics import select_metrics  # noqa: E402
from transfer_advisor.domain.policy import Evidence, TaskInfo  # noqa: E402
from transfer_advisor.domain.results import MetricResult  # noqa: E402
from transfer_advisor.domain.summary import Summary  # noqa: E402
from transfer_advisor.schemas.assess import AssessRequest  # noqa: E402
from transfer_advisor.services.assess import evaluate  # noqa: E402
from transfer_advisor.services.replay import policy_inputs  # noqa: E402
from transfer_advisor.services.scratch_features import (  # noqa: E402
    char_ngram_tfidf,
    pixel_features,
)
from transfer_advisor.settings import Settings  # noqa: E402

Mode = Literal["rows", "embeddings", "summary"]
MODES: tuple[Mode, ...] = ("rows", "embeddings", "summary")
CACHE_DIR = REPO_ROOT / ".cache" / "scenario-metrics"
SEED = 0
PERMUTATIONS = 200
# Every default metric runs however busy the machine is: the bench measures the policy, not the
# service's time budget.
METRIC_TIME_BUDGET_SECONDS = 1e9


def shared_dir() -> Path | None:
    configured = os.environ.get("TRANSFER_ADVISOR_SHARED")
    path = Path(configured) if configured else REPO_ROOT.parent / "shared"
    return path if path.is_dir() else None


def scenario_root(split: str = "dev") -> Path:
    shared = shared_dir()
    if shared is None:
        raise SystemExit("shared data not found: set TRANSFER_ADVISOR_SHARED or place it at ../shared")
    return shared / "benchmarks" / "transfer-scenarios" / split


@dataclass(frozen=True)
class Scenario:
    id: str
    family: str
    folder: Path
    task: TaskInfo
    truth: Mapping[str, Any]

    @property
    def gain(self) -> float:
        return float(self.truth["transfer_gain"])

    @property
    def helps(self) -> bool:
        return bool(self.truth["transfer_helps"])

    @property
    def negative(self) -> bool:
        return bool(self.truth["negative_transfer"])

    @property
    def source_modality(self) -> str:
        return self.task.source_modality

    @property
    def modality(self) -> str:
        """The target modality, with the source's when it differs (`image→audio`)."""
        t = self.task
        return t.target_modality if t.modality_match else f"{t.source_modality}→{t.target_modality}"

    @property
    def within_margin(self) -> bool:
        return not (self.helps or self.negative)

    def arrays(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        x_source = np.load(self.folder / "source_embeddings.npy").astype(np.float64)
        x_target = np.load(self.folder / "target_embeddings.npy").astype(np.float64)
        y_target = np.load(self.folder / "target_labels.npy").astype(np.int64)
        return x_source, x_target, y_target


def factory_root() -> Path | None:
    """The scenario factory's output beside the repo (`bench/factory`), if it has been built."""
    configured = os.environ.get("TRANSFER_ADVISOR_FACTORY")
    path = Path(configured) if configured else REPO_ROOT.parent / "scenario-factory"
    return path if path.is_dir() else None


def default_roots(split: str = "dev", *, factory: bool = True) -> list[Path]:
    """The shared split, plus the factory's scenarios when present (and `factory`)."""
    found = factory_root() if factory else None
    return [scenario_root(split), *([found] if found is not None else [])]


def add_root_arguments(parser: Any) -> None:
    """`--split`, `--root DIR` (repeatable, replaces the defaults) and `--no-factory`."""
    parser.add_argument("--split", default="dev")
    parser.add_argument("--root", type=Path, action="append", default=None,
                        help="a folder of scenarios (repeatable); default: the shared split "
                             "plus ../scenario-factory if present")
    parser.add_argument("--no-factory", action="store_true",
                        help="only the shared split (the default roots without the factory)")
    parser.add_argument("--cached-only", action="store_true",
                        help="skip scenarios whose metrics are not cached yet (while warming)")


def roots_from_args(args: Any) -> list[Path]:
    return list(args.root) if args.root else default_roots(args.split, factory=not args.no_factory)


def scenarios_from_args(args: Any, modes: Sequence[Mode] = ("rows",)) -> list[Scenario]:
    scenarios = load_scenarios(args.split, roots_from_args(args))
    if getattr(args, "cached_only", False):
        scenarios = [s for s in scenarios if all(cached(s, m) for m in modes)]
    return scenarios


def load_scenarios(split: str = "dev", roots: Sequence[Path] | None = None) -> list[Scenario]:
    """Scenarios under `roots` (default: the shared `split` only), sorted by id."""
    out = []
    for root in roots if roots is not None else [scenario_root(split)]:
        out.extend(_load_root(root))
    return sorted(out, key=lambda s: s.id)


def _load_root(root: Path) -> list[Scenario]:
    out = []
    for folder in sorted(p for p in root.iterdir() if (p / "meta.json").is_file()):
        meta = json.loads((folder / "meta.json").read_text())
        truth = json.loads((folder / "truth.json").read_text())
        t = meta["task"]
        task = TaskInfo(type=t["type"], num_classes=t.get("num_classes"),
                        labeled_examples=int(t["labeled_examples"]),
                        source_modality=t["source_modality"], target_modality=t["target_modality"],
                        compute_budget_gpu_hours=t.get("compute_budget_gpu_hours"))
        out.append(Scenario(meta["id"], meta["family"], folder, task, truth))
    return out


# Every domain module a metric value depends on (a change there invalidates the cache).
METRIC_CODE = (
    "metrics.py",
    "metric_context.py",
    "baseline.py",
    "arrays.py",
    "summary.py",
    "linalg.py",
    "results.py",
    "shift",
    "transfer",
)


@lru_cache(maxsize=1)
def metric_code_hash() -> str:
    """Hash of the domain code that produces metric values (not the policy), once per process."""
    domain = REPO_ROOT / "service" / "transfer_advisor" / "domain"
    digest = hashlib.sha256()
    for name in METRIC_CODE:
        target = domain / name
        for path in sorted(target.rglob("*.py") if target.is_dir() else [target]):
            if path.is_file():
                digest.update(str(path.relative_to(domain)).encode())
                digest.update(path.read_bytes())
    # and what the request carries: the bench's request builder and the scratch derivation
    for code in (inspect.getsource(build_request), inspect.getsource(scratch_features),
                 inspect.getsource(char_ngram_tfidf), inspect.getsource(pixel_features)):
        digest.update(code.encode())
    defaults = sorted(spec.name for spec in select_metrics(None))
    digest.update(f"seed={SEED};perm={PERMUTATIONS};metrics={defaults}".encode())
    return digest.hexdigest()[:16]


def seed_rows(scenario: Scenario, seed: int) -> tuple[np.ndarray, np.ndarray] | None:
    """(row order, labels) that pose the task on `seed`'s labeled subset: its rows first, then the
    rest in file order. Seed 0 is the files' own order; other seeds need the factory's
    `seed_labeled.npz` (None without it)."""
    meta = json.loads((scenario.folder / "meta.json").read_text())
    path = scenario.folder / str(meta.get("seed_labeled") or "-")
    if not path.is_file():
        return None
    with np.load(path) as subsets:
        rows, labels = subsets["rows"][seed], subsets["labels"][seed]
    n_rows = int(meta.get("target_pool_rows") or len(np.load(scenario.folder / "target_embeddings.npy",
                                                              mmap_mode="r")))
    rest = np.setdiff1d(np.arange(n_rows), rows)
    return np.concatenate([rows, rest]).astype(np.int64), labels.astype(np.int64)


def scratch_features(scenario: Scenario, n_labeled: int,
                     order: np.ndarray | None = None) -> np.ndarray | None:
    """Scratch features (contract v1.1) as a client with this scenario would have them.

    The scenario's own file where it ships one (meta.scratch_features, scratch_features.npy by
    default, one row per target row); else, where it ships the raw target items
    (meta.raw_inputs), what the service derives from raw `inputs` (pixels or character n-gram
    TF-IDF of the labeled rows), so the scratch proxy is scored as a raw-input client gets it.
    `order` re-poses the rows (see `seed_rows`).
    """
    meta = json.loads((scenario.folder / "meta.json").read_text())
    own = scenario.folder / (meta.get("scratch_features") or "scratch_features.npy")
    if own.is_file():
        rows = np.load(own)
        return rows if order is None else rows[order]
    raw = scenario.folder / str(meta.get("raw_inputs") or "-")
    if raw.suffix == ".npz" and raw.is_file():
        with np.load(raw) as items:
            images = next(items[k] for k in items.files if k != "labels")
        return pixel_features((images if order is None else images[order])[:n_labeled])
    if raw.suffix == ".jsonl" and raw.is_file():
        texts = [json.loads(line)["text"] for line in raw.read_text().splitlines() if line]
        return char_ngram_tfidf(texts if order is None else [texts[i] for i in order], n_labeled)
    return None


def build_request(scenario: Scenario, mode: Mode, seed: int = 0) -> dict[str, Any]:
    """The POST /assess body for this scenario: embeddings + target labels, or summaries.
    `seed` > 0 poses the task on that seed's labeled subset (`seed_rows`)."""
    x_source, x_target, y_target = scenario.arrays()
    order = None
    if seed:
        posed = seed_rows(scenario, seed)
        if posed is None:
            raise ValueError(f"{scenario.id} has no seed_labeled file to pose seed {seed}")
        order, y_target = posed
        x_target = x_target[order]
    t = scenario.task
    task = {"type": t.type, "num_classes": t.num_classes, "labeled_examples": t.labeled_examples,
            "source_modality": t.source_modality, "target_modality": t.target_modality}
    options = {"permutations": PERMUTATIONS, "seed": SEED}
    if mode in ("rows", "embeddings"):
        def enc(x: np.ndarray) -> dict[str, Any]:
            data = base64.b64encode(np.ascontiguousarray(x, dtype="<f4").tobytes()).decode()
            return {"shape": list(x.shape), "dtype": "float32", "data": data}

        source: dict[str, Any] = {"name": "source", "embeddings": enc(x_source)}
        labels_path = scenario.folder / "source_labels.npy"
        if labels_path.is_file():  # lets LEEP/NCE fit a pseudo source head
            source["labels"] = np.load(labels_path).astype(np.int64).tolist()
        target = {"name": scenario.id, "embeddings": enc(x_target), "labels": y_target.tolist()}
        scratch = scratch_features(scenario, len(y_target), order) if mode == "rows" else None
        if scratch is not None:
            target["scratch_features"] = enc(scratch.reshape(len(scratch), -1))
        return {"source": source, "target": target, "task": task, "options": options}
    # What a client sends without rows: count, mean, unbiased covariance, class means/counts.
    src = Summary.from_rows(x_source)
    tgt = Summary.from_rows(x_target, y_target, t.num_classes)
    assert tgt.class_means is not None
    assert tgt.class_counts is not None
    return {"source": {"name": "source", "summary": {
                "count": src.count, "mean": src.mean.tolist(), "covariance": src.cov.tolist()}},
            "target": {"name": scenario.id, "summary": {
                "count": tgt.count, "mean": tgt.mean.tolist(), "covariance": tgt.cov.tolist(),
                "class_means": tgt.class_means.tolist(),
                "class_counts": tgt.class_counts.tolist()}},
            "task": task, "options": options}


def assess_record(body: Mapping[str, Any]) -> dict[str, Any]:
    """What POST /assess would store of this body that the policy reads: metrics and evidence."""
    request = AssessRequest.model_validate(body)
    evaluation = evaluate(request, Settings(metric_time_budget_seconds=METRIC_TIME_BUDGET_SECONDS))
    fields = evaluation.evaluated_fields(request)
    return _jsonable({"metrics": fields["metrics"], "evidence": fields["evidence"],
                      "seconds": evaluation.metrics.seconds})


def _jsonable(value: Any) -> Any:
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_jsonable(v) for v in value]
    if isinstance(value, np.ndarray):
        return _jsonable(value.tolist())
    if isinstance(value, np.generic):
        return value.item()
    return value


@dataclass(frozen=True)
class ScenarioRun:
    scenario: Scenario
    mode: Mode
    metrics: dict[str, MetricResult]
    omitted: dict[str, str]
    evidence: Evidence


_MEMO: dict[tuple[str, str, str], ScenarioRun] = {}


def run_metrics(scenario: Scenario, mode: Mode, *, refresh: bool = False) -> ScenarioRun:
    """Default metric set for one scenario and mode, from the cache when the code is unchanged."""
    key = (str(scenario.folder), mode, metric_code_hash())
    if key not in _MEMO or refresh:
        if mode == "embeddings" and not refresh:
            _MEMO[key] = _without_scratch(run_metrics(scenario, "rows"))
        else:
            _MEMO[key] = _run_metrics(scenario, mode, refresh=refresh)
    return _MEMO[key]


def _without_scratch(run: ScenarioRun) -> ScenarioRun:
    """The rows run as a request without scratch features measures it: each metric runs on its
    own seeded stream, so only the scratch metrics go (to `omitted`); `--exact` in
    bench/decision_quality.py checks this against an uncached evaluation of the embeddings body."""
    scratch = {spec.name for spec in select_metrics(None) if spec.scope == "scratch"}
    omitted = {**run.omitted, **dict.fromkeys(sorted(scratch), NEEDS_SCRATCH)}
    return ScenarioRun(run.scenario, "embeddings",
                       {k: v for k, v in run.metrics.items() if k not in scratch}, omitted,
                       replace(run.evidence, omitted=omitted))


def cached(scenario: Scenario, mode: Mode = "rows") -> bool:
    """Whether this scenario's metrics for `mode` are already in the cache."""
    stored: Mode = "rows" if mode == "embeddings" else mode
    return (CACHE_DIR / f"{scenario.id}.{stored}.{metric_code_hash()}.record.json").is_file()


def _run_metrics(scenario: Scenario, mode: Mode, *, refresh: bool) -> ScenarioRun:
    CACHE_DIR.mkdir(parents=True, exist_ok=True)
    ignore = REPO_ROOT / ".cache" / ".gitignore"
    if not ignore.exists():
        ignore.write_text("*\n")
    path = CACHE_DIR / f"{scenario.id}.{mode}.{metric_code_hash()}.record.json"
    if path.is_file() and not refresh:
        record = json.loads(path.read_text())
    else:
        record = assess_record(build_request(scenario, mode))
        path.write_text(json.dumps(record, indent=1, sort_keys=True))
    stored = SimpleNamespace(id=scenario.id, metrics=record["metrics"], evidence=record["evidence"])
    metrics, _, evidence = policy_inputs(stored)  # type: ignore[arg-type]
    return ScenarioRun(scenario, mode, metrics, dict(evidence.omitted), evidence)


def iter_runs(scenarios: list[Scenario], mode: Mode, *, verbose: bool = False) -> Iterator[ScenarioRun]:
    for scenario in scenarios:
        if verbose:
            print(f"  metrics {mode:7s} {scenario.id}", file=sys.stderr, flush=True)
        yield run_metrics(scenario, mode)


def main(argv: Sequence[str] | None = None) -> int:
    """Fill the metric cache for every scenario in both modes (slow the first time)."""
    import argparse

    parser = argparse.ArgumentParser(description=main.__doc__)
    add_root_arguments(parser)
    args = parser.parse_args(argv)
    scenarios = load_scenarios(args.split, roots_from_args(args))
    # cheapest first (the Fréchet baseline grows with the embedding width)
    scenarios.sort(key=lambda s: np.load(s.folder / "source_embeddings.npy", mmap_mode="r").shape[1])
    for mode in MODES:
        for _ in iter_runs(scenarios, mode, verbose=True):
            pass
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
