"""One assessment as a self-contained HTML page, for a review or a ticket.

`render_report(record)` takes the record in its wire form (GET /assessments/{id}) and returns
one HTML document: the decision, its reasons, the expected gain, every metric with what it
means, the metrics that could not run, and the shift plots as inline SVG. No script, no
stylesheet or image from anywhere else: the file opens the same offline, attached to a ticket.

The plots draw what the record stores. Every record keeps the metric values and their details
(same-distribution baselines, Fréchet's mean term, probe accuracies against chance); records
written since the shift profile was added also keep a compact profile of the two summaries
(largest per-dimension mean shifts, both sides projected on the pooled top two principal
components). An older record has no profile, and the report says so instead of plotting it.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from jinja2 import Environment, FileSystemLoader, select_autoescape
from markupsafe import Markup

from . import TEMPLATES
from .glossary import SHIFT_HELP, TERMS, help_for
from .svg import COLOURS, Bar, ellipses, hbars, interval

PROBES = ("linear_probe_accuracy", "knn_accuracy", "scratch_probe_accuracy",
          "scratch_knn_accuracy")
_env = Environment(loader=FileSystemLoader(TEMPLATES), autoescape=select_autoescape(["html"]))


@dataclass(frozen=True)
class Figure:
    key: str
    title: str
    svg: Markup | None  # None: the record lacks what this plot needs; `caption` says why
    caption: str


def _num(value: Any) -> float | None:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return None
    return float(value) if math.isfinite(value) else None


def _mapping(value: Any) -> Mapping[str, Any]:
    return value if isinstance(value, Mapping) else {}


def _details(metrics: Mapping[str, Any], name: str) -> Mapping[str, Any]:
    return _mapping(_mapping(metrics.get(name)).get("details"))


def _value(metrics: Mapping[str, Any], name: str) -> float | None:
    m = metrics.get(name)
    return _num(m.get("value")) if isinstance(m, Mapping) else None


def _ratio_colour(ratio: float) -> str:
    return COLOURS["good"] if ratio < 2 else "#ca8a04" if ratio < 5 else COLOURS["bad"]


def shift_vs_noise(metrics: Mapping[str, Any]) -> Figure | None:
    bars = []
    for name in SHIFT_HELP:
        ratio = _num(_details(metrics, name).get("ratio_to_baseline"))
        if ratio is not None and ratio > 0:
            bars.append(Bar(name, ratio, _ratio_colour(ratio), f"{ratio:.3g}× noise"))
    if not bars:
        return None
    return Figure("shift-vs-noise", "Shift against sampling noise", Markup(hbars(
        bars, log=True, refs=[(1.0, "1× = as far apart as two halves of the target")],
        axis_label="metric ÷ the same metric between two random halves of the target (log)")),
        "Each shift metric divided by its value between two random halves of the target "
        "(the ratio_to_baseline detail). Near 1: the source is no further from the target "
        "than the target is from itself; green under 2×, amber under 5×, red beyond. The "
        "reasons may quote a size-adjusted baseline (halves have half the rows), hence a "
        "different ratio.")


def frechet_split(metrics: Mapping[str, Any]) -> Figure | None:
    value, mean_term = _value(metrics, "frechet_distance"), _num(
        _details(metrics, "frechet_distance").get("mean_term"))
    if value is None or mean_term is None:
        return None
    spread = max(value - mean_term, 0.0)
    share = mean_term / value if value > 0 else 0.0
    return Figure("frechet-split", "Where the shift is: centres or spread", Markup(hbars(
        [Bar("centres moved (|μs − μt|²)", mean_term, COLOURS["target"]),
         Bar("spread changed (covariance)", spread, COLOURS["source"])],
        axis_label="contribution to the Fréchet distance")),
        f"The Fréchet distance ({value:.4g}) is the sum of these two parts; {share:.0%} of it "
        "comes from the two means being apart, the rest from different variances and "
        "correlations.")


def probes(metrics: Mapping[str, Any]) -> Figure | None:
    bars = []
    for name in PROBES:
        value = _value(metrics, name)
        if value is None:
            continue
        d = _details(metrics, name)
        chance, mean, std = _num(d.get("chance")), _num(d.get("null_mean")), _num(d.get("null_std"))
        spread = (mean - std, mean + std) if mean is not None and std is not None else None
        colour = COLOURS["muted"] if name.startswith("scratch_") else COLOURS["bar"]
        bars.append(Bar(name, value, colour, f"{value:.3f}", marker=chance, spread=spread))
    if not bars:
        return None
    return Figure("probes", "What the labeled target examples say", Markup(hbars(
        bars, domain=(0.0, 1.0), axis_label="cross-validated accuracy on the labeled target rows")),
        "Bars: accuracy of each probe. Red tick: chance level for these classes. Black "
        "whisker: accuracy with shuffled labels, mean ± one standard deviation; a bar inside "
        "it is no better than luck.")


def decision(rec: Mapping[str, Any]) -> Figure | None:
    score, confidence = _num(rec.get("transfer_score")), _num(rec.get("confidence"))
    if score is None:
        return None
    bars = [Bar("transfer score", score, COLOURS["good"] if score >= 0.5 else COLOURS["bad"])]
    if confidence is not None:
        bars.append(Bar("confidence", confidence, COLOURS["muted"]))
    return Figure("decision", "Transfer score against the decision threshold", Markup(hbars(
        bars, domain=(0.0, 1.0), refs=[(0.5, "0.5: transfer vs scratch")])), TERMS["transfer_score"])


def expected_gain(rec: Mapping[str, Any]) -> Figure | None:
    g = rec.get("expected_gain")
    if not isinstance(g, Mapping):
        return None
    value, low, high = _num(g.get("value")), _num(g.get("low")), _num(g.get("high"))
    if value is None or low is None or high is None:
        return None
    return Figure("expected-gain", "Expected gain of transfer over training from scratch",
                  Markup(interval(value, low, high, lo=-0.1, hi=0.1,
                                  label=f"{value:+.3f} (80 %: {low:+.3f} to {high:+.3f})")),
                  TERMS["expected_gain"] + " Right of the dashed zero line: transfer is "
                  "expected to help.")


def mean_shift(profile: Mapping[str, Any]) -> Figure:
    title = "Per-dimension mean shift"
    top = profile.get("top_dims")
    if not isinstance(top, Sequence) or not top:
        return Figure("mean-shift", title, None, _NOT_STORED)
    bars = [Bar(f"dimension {int(j)}", float(z), COLOURS["target"] if z > 0 else COLOURS["source"],
                f"{float(z):+.2f} σ") for j, z in top]
    dims, over = _num(profile.get("dims")), _num(profile.get("share_over_half_sd"))
    extra = (f" {over:.0%} of all {int(dims)} dimensions moved by more than half a standard "
             "deviation." if over is not None and dims is not None else "")
    return Figure("mean-shift", title, Markup(hbars(
        bars, refs=[(0.0, "")], axis_label="target mean − source mean, in pooled standard "
                                            "deviations of that dimension")),
        f"The {len(bars)} embedding dimensions whose means moved most, in units of their own "
        f"spread (orange: higher on the target, blue: lower).{extra}")


def pca(profile: Mapping[str, Any]) -> Figure:
    title = "Both sides on their two main directions (PCA)"
    p = _mapping(profile.get("pca"))
    try:
        sides = [(name, COLOURS[name], (float(p[name]["mean"][0]), float(p[name]["mean"][1])),
                  ((float(p[name]["cov"][0][0]), float(p[name]["cov"][0][1])),
                   (float(p[name]["cov"][1][0]), float(p[name]["cov"][1][1]))))
                 for name in ("source", "target")]
        explained = [float(v) for v in p["explained"]]
    except (TypeError, KeyError, IndexError, ValueError):
        return Figure("pca", title, None, _NOT_STORED)
    return Figure("pca", title, Markup(ellipses(sides, axis_labels=(
        f"PC 1 ({explained[0]:.0%} of the pooled variance)",
        f"PC 2 ({explained[1]:.0%})"))),
        "Source and target projected on the two directions along which the pooled data varies "
        "most, from the summaries (no rows): dots are the means, ellipses cover about 95 % of "
        "each side if it were Gaussian. Overlapping ellipses = similar data in these directions.")


_NOT_STORED = ("Not drawn: this record keeps each side's size and dimension but not its means or "
               "covariances (it predates the stored shift profile), so this plot cannot be made "
               "from it. The shift metrics above summarise the same comparison.")


def figures(record: Mapping[str, Any]) -> list[Figure]:
    metrics, rec = _mapping(record.get("metrics")), _mapping(record.get("recommendation"))
    profile = _mapping(_mapping(record.get("evidence")).get("shift_profile"))
    built = [decision(rec), expected_gain(rec), shift_vs_noise(metrics), frechet_split(metrics),
             mean_shift(profile), pca(profile), probes(metrics)]
    return [f for f in built if f is not None]


def render_report(record: Mapping[str, Any], *, service_version: str = "",
                  generated_at: datetime | None = None) -> str:
    """The self-contained HTML page of one assessment (its wire form, as GET returns it)."""
    omitted = record.get("omitted") or _mapping(record.get("evidence")).get("omitted") or {}
    return _env.get_template("report.html").render(
        a=record, created=_when(record.get("created_at")),
        rec=_mapping(record.get("recommendation")), metrics=_mapping(record.get("metrics")),
        omitted=omitted, figures=figures(record), help=help_for, terms=TERMS,
        key_details=key_details, service_version=service_version,
        generated_at=(generated_at or datetime.now(UTC)).strftime("%Y-%m-%d %H:%M:%S UTC"))


def _when(value: Any) -> str:
    try:
        t = datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    except ValueError:
        return str(value)
    return t.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S UTC") if t.tzinfo else str(value)


KEY_DETAILS = ("ratio_to_baseline", "baseline", "mean_term", "auc", "chance", "null_mean",
               "null_std", "permutations", "bandwidth", "n", "n_source", "n_target", "dim",
               "path")


def key_details(details: Any) -> list[tuple[str, str]]:
    """The few details worth printing beside a metric, formatted."""
    if not isinstance(details, Mapping):
        return []
    out = []
    for key in KEY_DETAILS:
        v = details.get(key)
        if isinstance(v, bool) or v is None:
            continue
        if isinstance(v, float):
            out.append((key, f"{v:.4g}"))
        elif isinstance(v, (int, str)):
            out.append((key, str(v)))
    return out
