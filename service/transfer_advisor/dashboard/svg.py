"""Small inline-SVG charts for the per-assessment report: no script, no external file.

Each function returns one `<svg>` element as a string, every label escaped, sized by its
`viewBox` so it scales with the page and prints. Scales are plain affine maps (log10 for the
log ones); values outside the axis are clipped to its edge and drawn hollow, so a clipped bar
never looks like a measured one.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from html import escape

FONT = 'font-family="system-ui, sans-serif" font-size="12"'
COLOURS = {"source": "#2563eb", "target": "#ea580c", "bar": "#6366f1", "good": "#16a34a",
           "bad": "#b91c1c", "muted": "#6b7280", "line": "#d1d5db", "ref": "#111827"}


@dataclass(frozen=True)
class Bar:
    label: str
    value: float
    colour: str = COLOURS["bar"]
    note: str = ""  # printed right of the bar (e.g. "3.2× baseline")
    marker: float | None = None  # a tick drawn on the bar's row (e.g. chance accuracy)
    spread: tuple[float, float] | None = None  # a whisker (e.g. null mean ± std)


def _fmt(v: float) -> str:
    if v == 0:
        return "0"
    if abs(v) >= 1000 or abs(v) < 0.01:
        return f"{v:.2g}"
    return f"{v:.3g}"


def _ticks(lo: float, hi: float, log: bool) -> list[float]:
    if log:
        return [10.0 ** k for k in range(math.floor(lo), math.ceil(hi) + 1)
                if lo - 1e-9 <= k <= hi + 1e-9]
    raw = (hi - lo) / 5 or 1.0
    step = 10 ** math.floor(math.log10(raw))
    step *= next(m for m in (1, 2, 2.5, 5, 10) if m * step >= raw)
    first = math.ceil(lo / step) * step
    return [first + i * step for i in range(int((hi - first) / step + 1e-9) + 1)]


def hbars(bars: Sequence[Bar], *, log: bool = False, domain: tuple[float, float] | None = None,
          refs: Sequence[tuple[float, str]] = (), axis_label: str = "", width: int = 680,
          label_width: int = 190, title: str = "") -> str:
    """Horizontal bars, one row each; `refs` are labelled vertical lines (e.g. 1× baseline)."""
    if not bars:
        return ""
    values = [b.value for b in bars] + [r for r, _ in refs]
    values += [b.marker for b in bars if b.marker is not None]
    values += [v for b in bars if b.spread is not None for v in b.spread]
    if log:
        positive = [v for v in values if v > 0] or [1.0]
        lo, hi = domain or (math.floor(math.log10(min(positive))),
                            math.ceil(math.log10(max(positive))))
        hi = hi if hi > lo else lo + 1
    else:
        lo, hi = domain or (min(0.0, *values), max(0.0, *values))
        if hi <= lo:
            hi = lo + 1.0
    row, top, note_w = 22, 8 + (14 if title else 0), 110
    plot_w = width - label_width - note_w
    labelled_refs = any(label for _, label in refs)
    height = top + row * len(bars) + 22 + (16 if labelled_refs else 0) + (16 if axis_label else 0)

    def x(v: float) -> float:
        t = (math.log10(v) if v > 0 else lo) if log else v
        return label_width + plot_w * (min(max(t, lo), hi) - lo) / (hi - lo)

    def clipped(v: float) -> bool:
        t = (math.log10(v) if v > 0 else -math.inf) if log else v
        return not lo - 1e-12 <= t <= hi + 1e-12

    base = x(10.0 ** lo) if log else x(min(max(0.0, lo), hi))
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" '
           f'role="img" class="chart" {FONT}>']
    if title:
        out.append(f'<text x="0" y="11" font-weight="600">{escape(title)}</text>')
    bottom = top + row * len(bars)
    for tick in _ticks(lo, hi, log):
        tx = x(tick)
        out.append(f'<line x1="{tx:.1f}" y1="{top}" x2="{tx:.1f}" y2="{bottom}" '
                   f'stroke="{COLOURS["line"]}"/>')
        out.append(f'<text x="{tx:.1f}" y="{bottom + 14}" text-anchor="middle" '
                   f'fill="{COLOURS["muted"]}">{escape(_fmt(tick))}</text>')
    for i, b in enumerate(bars):
        y = top + i * row
        end = x(b.value)
        left, w = min(base, end), abs(end - base)
        fill = "none" if clipped(b.value) else b.colour
        out.append(f'<text x="{label_width - 8}" y="{y + 15}" text-anchor="end">'
                   f'{escape(b.label)}</text>')
        out.append(f'<rect x="{left:.1f}" y="{y + 4}" width="{max(w, 1.0):.1f}" height="{row - 8}" '
                   f'fill="{fill}" stroke="{b.colour}"><title>{escape(b.label)}: '
                   f'{escape(_fmt(b.value))}</title></rect>')
        if b.spread is not None:
            s0, s1 = x(b.spread[0]), x(b.spread[1])
            out.append(f'<line x1="{s0:.1f}" y1="{y + row / 2}" x2="{s1:.1f}" y2="{y + row / 2}" '
                       f'stroke="{COLOURS["ref"]}" stroke-width="1.5"/>')
        if b.marker is not None:
            mx = x(b.marker)
            out.append(f'<line x1="{mx:.1f}" y1="{y + 1}" x2="{mx:.1f}" y2="{y + row - 1}" '
                       f'stroke="{COLOURS["bad"]}" stroke-width="2"/>')
        out.append(f'<text x="{width - note_w + 6}" y="{y + 15}">'
                   f'{escape(b.note or _fmt(b.value))}</text>')
    for value, label in refs:
        rx = x(value)
        out.append(f'<line x1="{rx:.1f}" y1="{top - 4}" x2="{rx:.1f}" y2="{bottom + 2}" '
                   f'stroke="{COLOURS["ref"]}" stroke-dasharray="4 3"/>')
        if label:
            anchor = "end" if rx > label_width + plot_w * 0.6 else "start"
            out.append(f'<text x="{rx + (-3 if anchor == "end" else 3):.1f}" y="{bottom + 30}" '
                       f'text-anchor="{anchor}" fill="{COLOURS["ref"]}">{escape(label)}</text>')
    if axis_label:
        out.append(f'<text x="{label_width + plot_w / 2:.1f}" y="{height - 2}" '
                   f'text-anchor="middle" fill="{COLOURS["muted"]}">{escape(axis_label)}</text>')
    out.append("</svg>")
    return "".join(out)


def interval(value: float, low: float, high: float, *, lo: float, hi: float,
             label: str, width: int = 680) -> str:
    """One estimate with its interval on a horizontal axis, with the zero line."""
    lo, hi = min(lo, low, value, 0.0), max(hi, high, value, 0.0)
    left, plot_w, height = 20, width - 40, 64

    def x(v: float) -> float:
        return left + plot_w * (v - lo) / (hi - lo)

    colour = COLOURS["good"] if value > 0 else COLOURS["bad"]
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" '
           f'role="img" class="chart" {FONT}>',
           f'<line x1="{left}" y1="30" x2="{left + plot_w}" y2="30" stroke="{COLOURS["line"]}"/>']
    for tick in _ticks(lo, hi, False):
        out.append(f'<text x="{x(tick):.1f}" y="58" text-anchor="middle" '
                   f'fill="{COLOURS["muted"]}">{escape(f"{tick:+.2f}")}</text>')
        out.append(f'<line x1="{x(tick):.1f}" y1="26" x2="{x(tick):.1f}" y2="34" '
                   f'stroke="{COLOURS["line"]}"/>')
    out.append(f'<line x1="{x(0):.1f}" y1="8" x2="{x(0):.1f}" y2="44" stroke="{COLOURS["ref"]}" '
               f'stroke-dasharray="4 3"/>')
    out.append(f'<line x1="{x(low):.1f}" y1="30" x2="{x(high):.1f}" y2="30" stroke="{colour}" '
               f'stroke-width="6" stroke-linecap="round" opacity="0.45"/>')
    out.append(f'<circle cx="{x(value):.1f}" cy="30" r="6" fill="{colour}"><title>'
               f'{escape(label)}</title></circle>')
    out.append(f'<text x="{x(value):.1f}" y="16" text-anchor="middle">{escape(label)}</text>')
    out.append("</svg>")
    return "".join(out)


def ellipses(sides: Sequence[tuple[str, str, tuple[float, float],
                                   tuple[tuple[float, float], tuple[float, float]]]],
             *, axis_labels: tuple[str, str] = ("PC 1", "PC 2"), size: int = 420) -> str:
    """Both sides in a 2-D projection: each a centre and its 2-σ ellipse (from a 2×2 covariance).

    `sides` holds (name, colour, mean, covariance) per side.
    """
    boxes = []
    shapes = []
    for _name, _colour, mean, cov in sides:
        a, b, c = cov[0][0], cov[0][1], cov[1][1]
        half = math.sqrt(max((a - c) ** 2 / 4 + b * b, 0.0))
        l1, l2 = max((a + c) / 2 + half, 0.0), max((a + c) / 2 - half, 0.0)
        angle = 0.5 * math.degrees(math.atan2(2 * b, a - c))
        r1, r2 = 2 * math.sqrt(l1), 2 * math.sqrt(l2)
        shapes.append((mean, r1, r2, angle))
        reach = max(r1, r2)
        boxes.append((mean[0] - reach, mean[0] + reach, mean[1] - reach, mean[1] + reach))
    x0, x1 = min(b[0] for b in boxes), max(b[1] for b in boxes)
    y0, y1 = min(b[2] for b in boxes), max(b[3] for b in boxes)
    span = max(x1 - x0, y1 - y0, 1e-12) * 1.1
    cx, cy = (x0 + x1) / 2, (y0 + y1) / 2
    pad, plot = 30, size - 40
    scale = plot / span

    def px(v: float) -> float:
        return pad + plot / 2 + (v - cx) * scale

    def py(v: float) -> float:
        return 10 + plot / 2 - (v - cy) * scale

    out = [f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {size} {size}" role="img" '
           f'class="chart square" {FONT}>',
           f'<rect x="{pad}" y="10" width="{plot}" height="{plot}" fill="none" '
           f'stroke="{COLOURS["line"]}"/>']
    for (name, colour, _m, _c), (mean, r1, r2, angle) in zip(sides, shapes, strict=True):
        ex, ey = px(mean[0]), py(mean[1])
        out.append(f'<ellipse cx="{ex:.1f}" cy="{ey:.1f}" rx="{max(r1 * scale, 1):.1f}" '
                   f'ry="{max(r2 * scale, 1):.1f}" transform="rotate({-angle:.2f} {ex:.1f} '
                   f'{ey:.1f})" fill="{colour}" fill-opacity="0.15" stroke="{colour}"/>')
        out.append(f'<circle cx="{ex:.1f}" cy="{ey:.1f}" r="4" fill="{colour}"/>')
        out.append(f'<text x="{ex + 7:.1f}" y="{ey - 7:.1f}" fill="{colour}" '
                   f'font-weight="600">{escape(name)}</text>')
    out.append(f'<text x="{pad + plot / 2}" y="{size - 6}" text-anchor="middle" '
               f'fill="{COLOURS["muted"]}">{escape(axis_labels[0])}</text>')
    out.append(f'<text x="12" y="{10 + plot / 2}" text-anchor="middle" fill="{COLOURS["muted"]}" '
               f'transform="rotate(-90 12 {10 + plot / 2})">{escape(axis_labels[1])}</text>')
    out.append("</svg>")
    return "".join(out)
