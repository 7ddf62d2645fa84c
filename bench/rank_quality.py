"""Ranking quality on the rank zoo (issue 16): our ranking vs single transferability estimators.

    python -m bench.rank_zoo build --out ../rank-zoo          # the zoo (slow the first time)
    python bench/rank_quality.py --zoo ../rank-zoo [--json out.json] [--only t1,t2]

For each target the zoo's candidates are ranked
1. by our decision: every candidate is assessed as POST /assess assesses it (the library's
   request path `transfer_advisor.library.assess.run_request`, i.e. `transfer_advisor.assess`'s
   computation; default metrics, 200 permutations, seed 0) with what POST /rank would have:
   the target's embeddings under the candidate with the labels on the first rows, the scratch
   features the service derives from the target's raw inputs, and the candidate's source rows
   with their labels. The order is POST /rank's: `domain.policy.ranking.order` (the policy's
   expected gain on the features as measured, the source shift held at the calibration centre
   when the target's labels measured the features; ties by transfer score), recomputed from
   the assessments on every run. The assessments come from `transfer_advisor.rank` (POST
   /rank's computation, whose own order is checked against it when computed) when the library
   has it; with `--assess`, or on an older library, from `transfer_advisor.assess`'s request
   path, one candidate at a time (the header says which path ran);
2. by each single estimator from the same assessments: LogME, LEEP, NCE, H-score, shrinkage
   H-score, GBC, TransRate and the linear probe (the frozen-feature probe accuracy); k-NN is
   shown beside them but is not one of the issue's estimators.
Scored against the measured accuracy of each pair (feature extraction, 5-seed mean; a second
table uses the best measured transfer accuracy, fine-tune included where measured): weighted
Kendall tau (scipy.stats.weightedtau: hyperbolic weights, ranks from both orders averaged, as in
the LogME/SFDA evaluations) and top-1 regret = accuracy points between the best candidate and
the one ranked first (ties for first place: the mean of the tied). Goal (issue 16): mean
weighted tau >= best single estimator + 0.1, mean top-1 regret <= 1 point.
Assessments are cached in ZOO/.cache/rank-assess, keyed by the request and the service code
(not the ranking module: changing the order needs no re-assessment).
Also printed: two ceilings — split-half (weighted tau between the truth of seeds {0,2,4} and
{1,3}) and one-seed (one seed's measured accuracies against the mean of the other four: a
perfect measurement on one labeled subset, which is all any estimator here sees) —,
per-modality means, and diagnostics that are not our ranking: asGain, the assessments' own
(expected gain, transfer score) order, i.e. the ranking before issue 16's fix, and that
expected gain with the shift or the k-NN feature's push removed, with the per-candidate evidence.

Measured 2026-12 (13 targets x 6 candidates, zoo rebuilt 2026-12-06; feature-extraction truth;
mean weighted tau / mean top-1 regret):
  policies logit-v2-69c9de0e7060 and -07ebe9957d13 (same row tiers; rows_scratch tier = scratch
  gap + labels per class; ties after the target's evidence go to the nearer source): ours
  0.725 / 1.08 points (images 0.693 / 1.37, texts 0.776 / 0.61); asGain 0.765 / 1.00, but only
  because the zoo lists candidates roughly best first and asGain keeps request order among exact
  ties;
  policy logit-v2-697c294234da: ours 0.733 / 1.07; before the fix (asGain) 0.647 / 2.03;
  linear probe 0.765 / 1.00 (best single; images 0.692, texts 0.880), LogME 0.721 / 1.08,
  GBC 0.641, shrinkage H-score 0.567, TransRate 0.229, LEEP 0.207, H-score 0.146, NCE 0.104.
  Ceilings: split-half tau 0.861, one-seed tau 0.848 (regret 0.47).
Goal not met, and the tau goal (0.865) cannot be: it lies above what a perfect measurement on
one labeled subset reaches (0.848), and every estimator here, ours included, sees one subset of
20-100 labels through cross-validation on those few rows. Within one target our order is a
monotone function of the linear probe plus a small k-NN term, so it lands on the probe (paired
difference -0.03 +- 0.02 over the 13 targets, from how exact probe ties are broken). Regret:
10 of 13 targets lose nothing; shape-colour (5 labels per class: every label-based estimator
picks the ResNet-50 over the photo CNN, 11.0 points; one-seed regret there 2.8), encoding-kind
(a probe tie broken by k-NN, 2.4 points) and sentiment-unseen-words (MiniLM-L6 int8 over fp32,
equal probes, 0.5 points) are the rest. On images the shift push had carried a little signal
(asGain 0.706 vs 0.693); on texts, dropping it and the clipping gained 0.25 tau.

Linear probe averaged over 10 stratified 5-fold splits (was one split; measured 2026-12-06 on a
zoo rebuilt that day, where one split gave ours 0.751 / 1.10, linear probe 0.773 / 1.01): ours
0.769 / 0.92 points (regret goal met on this run), linear probe 0.787 / 0.89, LogME unchanged
0.739 / 1.10. encoding-kind's probe tie is resolved (2.44 -> 0 points), semantic-unseen-nouns
swaps its two near-equal leaders (0 -> 0.17); shape-colour (11.0) and the exact MiniLM-L6 fp32 /
int8 tie of sentiment-unseen-words (0.8) remain. The run uses one probe seed: over 20 seeds of the
folds (bench/probe_splits.py, the zoo's labeled subsets fixed) the probe-then-LogME order, to
which ours reduces within a target, averages tau 0.733 -> 0.761 and regret 1.22 -> 1.13 points
(seeds at <= 1 point: 25 % -> 50 %), so the goal is met on half the seeds, not robustly.
"""

from __future__ import annotations

import argparse
import base64
import hashlib
import json
import math
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

REPO_ROOT = Path(__file__).resolve().parents[1]
for _p in (REPO_ROOT, REPO_ROOT / "service"):
    if str(_p) not in sys.path:
        sys.path.insert(0, str(_p))

ESTIMATORS: dict[str, str] = {
    "LogME": "logme", "LEEP": "leep", "NCE": "nce", "H-score": "hscore",
    "shrinkage H-score": "hscore_shrinkage", "GBC": "gbc", "TransRate": "transrate",
    "linear probe": "linear_probe_accuracy",
}
EXTRA = {"k-NN probe": "knn_accuracy"}
OURS = "ours (expected gain)"
ASSESSED = "assessments' gain order"
PERMUTATIONS, SEED = 200, 0
TAU_MARGIN, REGRET_GOAL = 0.1, 1.0


# ------------------------------------------------------------------------------ pure scoring


def _finite_scores(scores: Sequence[float | None]) -> np.ndarray:
    """Missing or non-finite scores rank below every real one (all missing: all tied)."""
    arr = np.array([np.nan if s is None else float(s) for s in scores], dtype=np.float64)
    bad = ~np.isfinite(arr)
    if bad.all():
        return np.zeros(len(arr))
    low = float(arr[~bad].min())
    arr[bad] = low - 1.0 - abs(low)
    return arr


def weighted_tau(accuracy: Sequence[float], scores: Sequence[float | None]) -> float:
    """Weighted Kendall tau between measured accuracies and scores (NaN when either is constant).

    scipy's default: hyperbolic weigher 1/(r + 1) on the decreasing rank, computed with the
    ranking by each variable and averaged, so disagreements among the top candidates cost most.
    """
    from scipy.stats import weightedtau

    acc = np.asarray(accuracy, dtype=np.float64)
    sc = _finite_scores(scores)
    if len(acc) < 2 or np.ptp(acc) == 0 or np.ptp(sc) == 0:
        return math.nan
    return float(weightedtau(acc, sc).statistic)


def top1_regret(accuracy: Sequence[float], scores: Sequence[float | None]) -> float:
    """Accuracy points lost by taking the top-scored candidate (mean over ties for first)."""
    acc = np.asarray(accuracy, dtype=np.float64)
    sc = _finite_scores(scores)
    first = np.flatnonzero(sc == sc.max())
    return float(100.0 * (acc.max() - acc[first].mean()))


def order_scores(keys: Sequence[tuple[float, float]]) -> list[float]:
    """Scores that reproduce a lexicographic order by (key1, key2), higher first, for tau/regret."""
    ranked = sorted(range(len(keys)), key=lambda i: keys[i], reverse=True)
    out = [0.0] * len(keys)
    for pos, i in enumerate(ranked):
        tied_above = pos > 0 and keys[ranked[pos - 1]] == keys[i]
        out[i] = out[ranked[pos - 1]] if tied_above else float(len(keys) - pos)
    return out


# ------------------------------------------------------------------------------ assessing


def _enc(x: np.ndarray) -> dict[str, Any]:
    arr = np.ascontiguousarray(x.reshape(len(x), -1), dtype="<f4")
    return {"shape": list(arr.shape), "dtype": "float32", "data": base64.b64encode(arr.tobytes()).decode()}


def request_body(target: Any, cand: Any) -> dict[str, Any]:
    """The POST /assess body of one candidate (what POST /rank assesses for it)."""
    x_src, y_src, x_tgt = cand.arrays()
    labels = target.labels()
    source: dict[str, Any] = {"name": cand.name, "embeddings": _enc(x_src)}
    if y_src is not None:
        source["labels"] = y_src.astype(int).tolist()
    return {"source": source,
            "target": {"name": target.id, "embeddings": _enc(x_tgt), "labels": labels.astype(int).tolist(),
                       "scratch_features": _enc(target.scratch_features())},
            "task": {"type": "classification", "num_classes": int(target.doc["num_classes"]),
                     "labeled_examples": len(labels), "source_modality": target.modality,
                     "target_modality": target.modality},
            "options": {"permutations": PERMUTATIONS, "seed": SEED}}


# The order of assessed candidates: recomputed from the cached assessments on every run (see
# `ranking_order`), so a change to it re-ranks without re-assessing.
RANKING_MODULE = "domain/policy/ranking.py"


def service_code_hash() -> str:
    """Everything an assessment's answer depends on: domain, services, library, schemas, policy
    (not the ranking module: no assessment depends on it)."""
    root = REPO_ROOT / "service" / "transfer_advisor"
    digest = hashlib.sha256()
    for sub in ("domain", "services", "library", "schemas"):
        for path in sorted((root / sub).rglob("*")):
            if path.relative_to(root).as_posix() == RANKING_MODULE:
                continue
            if path.suffix in (".py", ".json") and path.is_file():
                digest.update(str(path.relative_to(root)).encode())
                digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def assess_candidate(target: Any, cand: Any, cache: Path, code: str) -> tuple[Any, float]:
    """The AssessmentResult of one candidate (cached) and the seconds it took when computed."""
    from transfer_advisor.library.assess import run_request
    from transfer_advisor.library.result import AssessmentResult
    from transfer_advisor.settings import Settings

    body = request_body(target, cand)
    key = hashlib.sha256((code + json.dumps(body, sort_keys=True)).encode()).hexdigest()[:16]
    path = cache / target.id / f"{cand.name}.{key}.json"
    if path.is_file():
        return AssessmentResult.from_fields(json.loads(path.read_text())), 0.0
    started = time.perf_counter()
    # the bench measures the ranking, not the service's time budget on a busy machine
    settings = Settings(migrate_on_start=False, metric_time_budget_seconds=1e9)
    request, evaluation = run_request(body, settings)
    result = AssessmentResult.from_fields(evaluation.evaluated_fields(request))
    seconds = time.perf_counter() - started
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(result.to_dict(), default=_jsonable))
    return result, seconds


def _jsonable(value: Any) -> Any:
    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, np.ndarray):
        return value.tolist()
    raise TypeError(f"not JSON: {type(value)}")


def library_rank() -> Callable[..., Any] | None:
    """`transfer_advisor.rank` when the library has it (it came with POST /rank), else None."""
    import transfer_advisor

    fn: Callable[..., Any] | None = getattr(transfer_advisor, "rank", None)
    return fn


def rank_by_library(fn: Callable[..., Any], target: Any, cache: Path, code: str
                    ) -> tuple[list[str], dict[str, Any], float]:
    """POST /rank's answer via `transfer_advisor.rank` (cached): names best first, each
    candidate's AssessmentResult, and the seconds it took when computed."""
    from transfer_advisor.library.result import AssessmentResult
    from transfer_advisor.settings import Settings

    cands: dict[str, dict[str, Any]] = {}
    digest = hashlib.sha256(code.encode())
    for c in target.candidates:
        x_src, y_src, x_tgt = c.arrays()
        cands[c.name] = {"source": x_src, "source_labels": y_src, "target": x_tgt}
        for arr in (x_src, y_src, x_tgt):
            digest.update(b"-" if arr is None else np.ascontiguousarray(arr).tobytes())
    labels, scratch = target.labels(), target.scratch_features()
    digest.update(labels.tobytes() + scratch.tobytes())
    path = cache / target.id / f"rank.{digest.hexdigest()[:16]}.json"
    if path.is_file():
        doc = json.loads(path.read_text())
        return doc["names"], {n: AssessmentResult.from_fields(f) for n, f in doc["results"].items()}, 0.0
    started = time.perf_counter()
    ranking = fn(None, cands, target_labels=labels, scratch_features=scratch,
                 num_classes=int(target.doc["num_classes"]), modality=target.modality,
                 permutations=PERMUTATIONS, seed=SEED, target_name=target.id,
                 settings=Settings(migrate_on_start=False, metric_time_budget_seconds=1e9))
    seconds = time.perf_counter() - started
    results = {item.name: item.result for item in ranking.items}
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps({"names": ranking.names, "separated_by": ranking.separated_by,
                                "results": {n: r.to_dict() for n, r in results.items()}},
                               default=_jsonable))
    return list(ranking.names), results, seconds


def ranking_candidates(names: Sequence[str], results: dict[str, Any]) -> list[Any]:
    """The ranking module's view of assessed candidates, rebuilt from their stored fields as a
    replay rebuilds an assessment (the recommendation re-decided; it equals the stored one)."""
    from types import SimpleNamespace

    from transfer_advisor.domain.policy import decide
    from transfer_advisor.domain.policy.ranking import Candidate
    from transfer_advisor.services.replay import policy_inputs

    out = []
    for n in names:
        stored = SimpleNamespace(id=n, metrics=results[n].to_dict()["metrics"],
                                 evidence=dict(results[n].evidence))
        metrics, task, evidence = policy_inputs(stored)  # type: ignore[arg-type]
        out.append(Candidate(n, metrics, task, decide(metrics, task, evidence)))
    return out


def ranking_order(names: Sequence[str], results: dict[str, Any]) -> list[str]:
    """Names best first, as POST /rank orders these assessments (`domain.policy.ranking.order`)."""
    from transfer_advisor.domain.policy.ranking import order

    return [names[i] for i in order(ranking_candidates(names, results))]


# ------------------------------------------------------------------------------ the benchmark


@dataclass
class TargetScores:
    target: str
    modality: str
    accuracy: dict[str, list[float]]          # truth name -> per candidate
    scores: dict[str, list[float | None]]     # method -> per candidate (higher = ranked higher)
    names: list[str]
    rows: list[dict[str, Any]]                # per candidate: evidence for the analysis


def gain_of(result: Any) -> float:
    eg = result.expected_gain
    return -math.inf if eg is None else float(eg["value"])


def evidence_row(name: str, result: Any, acc: float, rank_gain: float) -> dict[str, Any]:
    """The policy's features for one candidate, each one's push on the assessment's expected
    gain, and the expected gain the ranking ordered by."""
    from types import SimpleNamespace

    from transfer_advisor.domain.policy import choose_tier, load_params, policy_features
    from transfer_advisor.domain.policy.decision import model_inputs
    from transfer_advisor.services.replay import policy_inputs

    stored = SimpleNamespace(id=name, metrics=result.to_dict()["metrics"], evidence=dict(result.evidence))
    metrics, task, _ = policy_inputs(stored)  # type: ignore[arg-type]
    obs = policy_features(metrics, task)
    params = load_params()
    tier = choose_tier(params.tiers, obs)
    push: dict[str, float] = {}
    if tier is not None and tier.gain is not None:
        x, _ = model_inputs(tier, obs, task, impute=params.mismatch_shift == "largest")
        push = {f: c * (x[f] - tier.center[f]) / tier.scale[f] for f, c in tier.gain.coef.items()}
    return {"name": name, "acc": acc, "expected_gain": gain_of(result), "rank_gain": rank_gain,
            "transfer_score": result.transfer_score, "strategy": result.strategy.value,
            "tier": None if tier is None else tier.name,
            "features": {k: round(v.value, 4) for k, v in obs.items()},
            "gain_push": {k: round(v, 5) for k, v in push.items()}}


DIAGNOSTICS = {
    # what the expected gain would rank by without one kind of evidence (not our ranking)
    "gain w/o shift term": ("log_shift_excess",),
    "gain w/o k-NN term": ("knn_lift",),
}


def diagnostic_scores(rows: Sequence[dict[str, Any]]) -> dict[str, list[float | None]]:
    out: dict[str, list[float | None]] = {}
    for label, dropped in DIAGNOSTICS.items():
        out[label] = [None if not r["gain_push"] else
                      r["expected_gain"] - sum(r["gain_push"].get(f, 0.0) for f in dropped) for r in rows]
    return out


def score_target(target: Any, cache: Path, code: str, rank_fn: Callable[..., Any] | None) -> TargetScores:
    from transfer_advisor.domain.policy.ranking import rank_key

    names = [c.name for c in target.candidates]
    results: dict[str, Any] = {}
    seconds = 0.0
    if rank_fn is not None:
        order, results, seconds = rank_by_library(rank_fn, target, cache, code)
    else:
        for c in target.candidates:
            results[c.name], s = assess_candidate(target, c, cache, code)
            seconds += s
    best_first = ranking_order(names, results)
    if rank_fn is not None and seconds and best_first != order:
        # computed just now: POST /rank's own order must be the ranking module's
        print(f"  note: {target.id}: rank() order {order} differs from the ranking module's "
              f"{best_first}", file=sys.stderr)
    scores: dict[str, list[float | None]] = {
        OURS: [float(len(names) - best_first.index(n)) for n in names],
        # the order before issue 16's fix: the assessments' own (expected gain, transfer score)
        ASSESSED: list(order_scores([(gain_of(results[n]), results[n].transfer_score)
                                     for n in names]))}
    for label, metric in {**ESTIMATORS, **EXTRA}.items():
        scores[label] = [results[n].metrics[metric].value if metric in results[n].metrics else None
                         for n in names]
    acc = {"feature_extraction": [c.acc_feature_extraction for c in target.candidates],
           "best_transfer": [c.acc_best for c in target.candidates]}
    keys = [rank_key(c) for c in ranking_candidates(names, results)]
    rows = [evidence_row(n, results[n], a, k.gain)
            for n, a, k in zip(names, acc["feature_extraction"], keys, strict=True)]
    scores.update(diagnostic_scores(rows))
    if seconds:
        print(f"  assessed {target.id}: {len(names)} candidates in {seconds:.0f} s", file=sys.stderr)
    return TargetScores(target.id, target.modality, acc, scores, names, rows)


def split_half_tau(target: Any) -> float:
    """Weighted tau between the feature-extraction accuracies of seeds {0, 2, 4} and {1, 3}:
    how well the measured truth agrees with itself (a ceiling no ranking can be expected to beat)."""
    halves: list[list[float]] = [[], []]
    for c in target.candidates:
        seeds = json.loads((c.folder / "truth.json").read_text())["details"]["per_seed"]
        per_seed = seeds["logreg_frozen_features"]
        halves[0].append(float(np.mean(per_seed[0::2])))
        halves[1].append(float(np.mean(per_seed[1::2])))
    return weighted_tau(halves[0], halves[1])


def one_seed_ceiling(target: Any) -> tuple[float, float]:
    """Weighted tau and top-1 regret of one seed's measured accuracies against the mean of the
    other seeds, averaged over the seeds: how well a perfect measurement on one labeled subset
    (what every estimator here sees) can rank, on a test set far larger than the subset."""
    per_seed = np.array([json.loads((c.folder / "truth.json").read_text())["details"]["per_seed"]
                         ["logreg_frozen_features"] for c in target.candidates], dtype=np.float64)
    taus, regrets = [], []
    for s in range(per_seed.shape[1]):
        rest = np.delete(per_seed, s, axis=1).mean(axis=1)
        taus.append(weighted_tau(rest, per_seed[:, s]))
        regrets.append(top1_regret(rest, per_seed[:, s]))
    return float(np.nanmean(taus)), float(np.mean(regrets))


def table(all_scores: Sequence[TargetScores], truth: str, fn: Callable[..., float], title: str,
          fmt: str) -> tuple[list[str], dict[str, float]]:
    methods = list(all_scores[0].scores)
    short = {OURS: "ours", "shrinkage H-score": "shrinkH", "linear probe": "probe", "k-NN probe": "kNN",
             "TransRate": "TrRate", "H-score": "Hscore", "gain w/o shift term": "-shift",
             "gain w/o k-NN term": "-kNN", ASSESSED: "asGain"}
    heads = [short.get(m, m) for m in methods]
    lines = [title, f"  {'target':24s} " + " ".join(f"{h:>7s}" for h in heads)]
    per_method: dict[str, list[float]] = {m: [] for m in methods}
    for ts in all_scores:
        vals = [fn(ts.accuracy[truth], ts.scores[m]) for m in methods]
        for m, v in zip(methods, vals, strict=True):
            per_method[m].append(v)
        lines.append(f"  {ts.target:24s} " + " ".join(format(v, fmt) for v in vals))
    means = {m: float(np.nanmean(v)) for m, v in per_method.items()}
    medians = {m: float(np.nanmedian(v)) for m, v in per_method.items()}
    for modality in sorted({ts.modality for ts in all_scores}):
        pick = [i for i, ts in enumerate(all_scores) if ts.modality == modality]
        lines.append(f"  {'mean ' + modality + f' ({len(pick)})':24s} "
                     + " ".join(format(float(np.nanmean([per_method[m][i] for i in pick])), fmt)
                                for m in methods))
    lines.append(f"  {'mean':24s} " + " ".join(format(means[m], fmt) for m in methods))
    lines.append(f"  {'median':24s} " + " ".join(format(medians[m], fmt) for m in methods))
    return lines, means


def analysis(ts: TargetScores) -> list[str]:
    """The candidates of one target, measured vs predicted, with the features the gain head reads."""
    nan = math.nan
    lines = [f"  {ts.target}: acc = feature-extraction accuracy; gain = the assessment's expected "
             "gain (policy); rank = the expected gain the ranking ordered by"]
    for r in sorted(ts.rows, key=lambda r: -r["acc"]):
        f, push = r["features"], r["gain_push"]
        lines.append(f"    {r['name']:16s} acc {r['acc']:.3f}  gain {r['expected_gain']:+.3f}  "
                     f"rank {r['rank_gain']:+.3f}  "
                     f"score {r['transfer_score']:.3f}  probe_lift {f.get('probe_lift', nan):+.3f}  "
                     f"knn_lift {f.get('knn_lift', nan):+.3f}  scratch_gap "
                     f"{f.get('scratch_gap', nan):+.3f}  log_shift {f.get('log_shift_excess', nan):.2f}  "
                     f"[{r['tier']}; gain pushes " + " ".join(f"{k} {v:+.3f}" for k, v in push.items()) + "]")
    return lines


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--zoo", type=Path, default=REPO_ROOT.parent / "rank-zoo")
    parser.add_argument("--only", default=None, help="comma-separated target ids")
    parser.add_argument("--json", type=Path, default=None, help="write per-target figures here")
    parser.add_argument("--no-analysis", action="store_true")
    parser.add_argument("--assess", action="store_true",
                        help="assess each candidate with transfer_advisor.assess even when "
                             "transfer_advisor.rank exists (the ranking must come out the same)")
    args = parser.parse_args(argv)

    from bench.rank_zoo.zoo import load_zoo
    from bench.shift_tests import blas_kernel

    targets = load_zoo(args.zoo)
    if args.only:
        wanted = {t.strip() for t in args.only.split(",")}
        targets = [t for t in targets if t.id in wanted]
    if not targets:
        print(f"no built targets under {args.zoo} (python -m bench.rank_zoo build --out DIR)",
              file=sys.stderr)
        return 2
    code = service_code_hash()
    rank_fn = None if args.assess else library_rank()
    print(f"BLAS: {blas_kernel()}")
    print(f"zoo: {len(targets)} targets, {sum(len(t.candidates) for t in targets)} (target, candidate) "
          f"pairs; service code {code}; ranking path: "
          + ("transfer_advisor.rank (POST /rank's computation)" if rank_fn else
             "transfer_advisor.assess per candidate, ordered by expected gain then transfer score "
             "(POST /rank's order)"))
    all_scores = [score_target(t, args.zoo / ".cache" / "rank-assess", code, rank_fn) for t in targets]
    ceiling = {t.id: split_half_tau(t) for t in targets}
    print("\nnoise ceiling: weighted tau between the truth of seeds {0,2,4} and of seeds {1,3} "
          f"(mean {np.nanmean(list(ceiling.values())):.3f}): "
          + ", ".join(f"{k} {v:.2f}" for k, v in ceiling.items()))
    one_seed = {t.id: one_seed_ceiling(t) for t in targets}
    print("one-seed ceiling: one seed's measured accuracies against the mean of the others "
          f"(mean tau {np.nanmean([v[0] for v in one_seed.values()]):.3f}, top-1 regret "
          f"{np.mean([v[1] for v in one_seed.values()]):.2f} points): "
          + ", ".join(f"{k} {v[0]:.2f}/{v[1]:.1f}" for k, v in one_seed.items()))
    report: dict[str, Any] = {"targets": [], "means": {}, "split_half_tau": ceiling,
                              "one_seed_ceiling": one_seed}
    for truth in ("feature_extraction", "best_transfer"):
        what = ("feature-extraction accuracy" if truth == "feature_extraction"
                else "best measured transfer accuracy (fine-tune where measured)")
        tau_lines, tau_means = table(all_scores, truth, weighted_tau, f"\nweighted Kendall tau vs {what}",
                                     "7.3f")
        reg_lines, reg_means = table(all_scores, truth, top1_regret, f"\ntop-1 regret (points) vs {what}",
                                     "7.2f")
        print("\n".join(tau_lines + reg_lines))
        print("  (kNN = k-NN probe accuracy, not one of the issue's estimators; diagnostics, not "
              "our ranking: -shift / -kNN = the assessments' expected gain with that feature's "
              "push removed, asGain = the assessments' (expected gain, transfer score) order, "
              "i.e. the ranking before issue 16's fix)")
        best = max(ESTIMATORS, key=lambda m: tau_means[m] if math.isfinite(tau_means[m]) else -9)
        ours_tau, ours_reg = tau_means[OURS], reg_means[OURS]
        tau_ok = "MET" if ours_tau >= tau_means[best] + TAU_MARGIN else "NOT MET"
        reg_ok = "MET" if ours_reg <= REGRET_GOAL else "NOT MET"
        print(f"\n  goal ({truth}): mean tau_w ours {ours_tau:.3f} vs best single estimator {best} "
              f"{tau_means[best]:.3f} + {TAU_MARGIN} -> {tau_ok}; mean top-1 regret "
              f"{ours_reg:.2f} points (<= {REGRET_GOAL}) -> {reg_ok}")
        report["means"][truth] = {"weighted_tau": tau_means, "top1_regret": reg_means,
                                  "best_single_estimator": best}
    for ts in all_scores:
        report["targets"].append({"target": ts.target, "modality": ts.modality, "candidates": ts.names,
                                  "accuracy": ts.accuracy, "scores": ts.scores, "evidence": ts.rows})
    if not args.no_analysis:
        print("\nper target: measured accuracy vs the policy's evidence (best measured first)")
        for ts in all_scores:
            print("\n".join(analysis(ts)))
    if args.json:
        args.json.write_text(json.dumps(report, indent=1, default=_jsonable))
    return 0


if __name__ == "__main__":
    sys.exit(main())
