"""Small SVG charts drawn in Python for the HTML report: points over time, bars per day
(stacked or side by side), a heatmap and horizontal bars.

Each function returns one `<svg>` element as text, sized by its viewBox so the page's CSS
scales it to the column; hovering a mark shows its `<title>`, which is all the
interactivity there is (no script, nothing fetched). Every label is escaped: flow names,
entities and messages come from the ledger.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from html import escape

__all__ = ["Point", "Series", "bars", "hbars", "heatmap", "nice_ticks", "points_over_time"]

WIDTH = 960
_LEFT, _RIGHT, _TOP, _BOTTOM = 64, 16, 12, 40
_GRID = "#e5e7eb"
_INK = "#374151"


@dataclass(frozen=True)
class Point:
    at: datetime
    value: float
    tip: str
    ring: str | None = None  # outline colour: marks a failed run among its flow's points


@dataclass(frozen=True)
class Series:
    name: str
    color: str
    points: Sequence[Point]


def _svg(height: int, body: list[str], label: str) -> str:
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" viewBox="0 0 {WIDTH} {height}" '
        f'role="img" aria-label="{escape(label)}">' + "".join(body) + "</svg>"
    )


def _text(x: float, y: float, text: str, anchor: str = "middle", extra: str = "") -> str:
    return (
        f'<text x="{x:.1f}" y="{y:.1f}" text-anchor="{anchor}" fill="{_INK}"{extra}>'
        f"{escape(text)}</text>"
    )


def nice_ticks(top: float, count: int = 5) -> list[float]:
    """0 up to a round number at or above `top`, in round steps (1, 2, 2.5, 5 x 10^n)."""
    if top <= 0:
        return [0.0, 1.0]
    raw = top / count
    mag = 10 ** math.floor(math.log10(raw))
    step = next(m * mag for m in (1, 2, 2.5, 5, 10) if m * mag >= raw)
    return [i * step for i in range(math.ceil(top / step - 1e-9) + 1)]


def _log_ticks(lo: float, hi: float, candidates: Sequence[float]) -> list[float]:
    """The candidates spanning [lo, hi]: the last at or below lo to the first at or above
    hi (powers of ten when the candidates do not reach)."""
    pool = sorted(candidates) if candidates else [10.0**e for e in range(-3, 10)]
    first = max([c for c in pool if c <= lo] or [pool[0]])
    last = min([c for c in pool if c >= hi] or [pool[-1]])
    ticks = [c for c in pool if first <= c <= last]
    return ticks if len(ticks) > 1 else [first, first * 10]


def _y_axis(
    lo: float,
    hi: float,
    height: int,
    log: bool,
    fmt: Callable[[float], str],
    log_ticks: Sequence[float] = (),
) -> tuple[Callable[[float], float], list[str]]:
    """The value -> y mapping and the grid lines with their labels."""
    bottom, span = height - _BOTTOM, height - _BOTTOM - _TOP
    if log:
        ticks = _log_ticks(lo, hi, log_ticks)
        a, b = math.log10(ticks[0]), math.log10(ticks[-1])

        def y(v: float) -> float:
            return bottom - (math.log10(max(v, ticks[0])) - a) / (b - a) * span
    else:
        ticks = nice_ticks(hi)

        def y(v: float) -> float:
            return bottom - v / ticks[-1] * span

    grid = []
    for v in ticks:
        yy = y(v)
        grid.append(
            f'<line x1="{_LEFT}" x2="{WIDTH - _RIGHT}" y1="{yy:.1f}" y2="{yy:.1f}" '
            f'stroke="{_GRID}"/>' + _text(_LEFT - 6, yy + 4, fmt(v), "end")
        )
    return y, grid


_STEPS = [timedelta(hours=h) for h in (1, 3, 6, 12, 24, 48, 24 * 7, 24 * 14, 24 * 30, 24 * 91)]


def _time_ticks(lo: datetime, hi: datetime, most: int = 8) -> list[datetime]:
    """Round instants (whole hours, days, weeks) across [lo, hi], at most `most`."""
    span = max((hi - lo).total_seconds(), 1.0)
    step = next((s for s in _STEPS if span / s.total_seconds() <= most), _STEPS[-1])
    epoch = datetime(1970, 1, 1, tzinfo=UTC)
    first = math.ceil((lo - epoch) / step)
    last = math.floor((hi - epoch) / step)
    return [epoch + i * step for i in range(first, last + 1)][: most + 1]


def points_over_time(
    series: Sequence[Series],
    *,
    label: str,
    fmt: Callable[[float], str],
    height: int = 300,
    log_ticks: Sequence[float] = (),
) -> str:
    """Each series' points by time; a log scale when the values span two decades (a seed
    of minutes next to syncs of seconds)."""
    pts = [p for s in series for p in s.points]
    if not pts:
        return _svg(60, [_text(WIDTH / 2, 35, "no runs in this period")], label)
    lo_t, hi_t = min(p.at for p in pts), max(p.at for p in pts)
    if hi_t == lo_t:
        lo_t, hi_t = lo_t - timedelta(minutes=30), hi_t + timedelta(minutes=30)
    positive = [p.value for p in pts if p.value > 0] or [1.0]
    log = max(positive) / min(positive) > 100
    y, body = _y_axis(min(positive), max(positive), height, log, fmt, log_ticks)
    width = WIDTH - _LEFT - _RIGHT - 12

    def x(at: datetime) -> float:
        return _LEFT + 6 + (at - lo_t) / (hi_t - lo_t) * width

    span = hi_t - lo_t
    for tick in _time_ticks(lo_t, hi_t):
        shown = f"{tick:%m-%d %H:%M}" if span <= timedelta(days=2) else f"{tick:%Y-%m-%d}"
        body.append(_text(x(tick), height - _BOTTOM + 16, shown))
    for s in series:
        for p in s.points:
            ring = f' stroke="{p.ring}" stroke-width="2.5"' if p.ring else ""
            body.append(
                f'<circle cx="{x(p.at):.1f}" cy="{y(max(p.value, 0.0)):.1f}" r="4" '
                f'fill="{s.color}" fill-opacity="0.8"{ring}><title>{escape(p.tip)}</title></circle>'
            )
    if log:
        body.append(_text(_LEFT, height - 6, "log scale", "start", ' font-style="italic"'))
    return _svg(height, body, label)


def bars(
    categories: Sequence[str],
    stacks: Sequence[tuple[str, str, Sequence[float]]],
    *,
    label: str,
    stacked: bool = True,
    fmt: Callable[[float], str] = lambda v: f"{v:.0f}",
    height: int = 260,
) -> str:
    """One group per category (a day): the series (name, colour, values) stacked or side
    by side. Category labels thin out so at most about 14 are written."""
    n = len(categories)
    if not n:
        return _svg(60, [_text(WIDTH / 2, 35, "no runs in this period")], label)
    tops = [
        sum(s[2][i] for s in stacks) if stacked else max(s[2][i] for s in stacks) for i in range(n)
    ]
    y, body = _y_axis(0.0, max([*tops, 1.0]), height, False, fmt)
    slot = (WIDTH - _LEFT - _RIGHT) / n
    bar = max(slot * 0.8, 1.0)
    every = max(1, math.ceil(n / 14))
    for i, cat in enumerate(categories):
        x0 = _LEFT + i * slot + (slot - bar) / 2
        base = 0.0
        for j, (name, color, values) in enumerate(stacks):
            v = values[i]
            if v <= 0:
                continue
            if stacked:
                y1, y0, bx, bw = y(base + v), y(base), x0, bar
                base += v
            else:
                bw = bar / len(stacks)
                y1, y0, bx = y(v), y(0), x0 + j * bw
            body.append(
                f'<rect x="{bx:.1f}" y="{y1:.1f}" width="{max(bw - 0.5, 0.5):.1f}" '
                f'height="{max(y0 - y1, 0.5):.1f}" fill="{color}">'
                f"<title>{escape(f'{cat}: {fmt(v)} {name}')}</title></rect>"
            )
        if i % every == 0:
            body.append(_text(_LEFT + i * slot + slot / 2, height - _BOTTOM + 16, cat))
    return _svg(height, body, label)


def heatmap(
    rows: Sequence[str],
    columns: Sequence[str],
    cells: Sequence[Sequence[tuple[float, str] | None]],
    *,
    label: str,
    fmt: Callable[[float], str],
    rgb: tuple[int, int, int] = (37, 99, 235),
) -> str:
    """rows x columns of (value, tip); the colour's strength on a log scale, so one
    seed's hundred thousand records do not wash out a sync's dozen."""
    # Room for the longest row name at about 6.5 px a character of the 11 px font.
    left, top, cell_h = max(80, 12 + round(6.5 * max((len(r) for r in rows), default=8))), 8, 20
    cell_w = min(60.0, (WIDTH - left - 8) / max(len(columns), 1))
    height = top + cell_h * len(rows) + 70
    values = [c[0] for r in cells for c in r if c is not None and c[0] > 0]
    peak = math.log10(max(values) + 1) if values else 1.0
    body = []
    for i, name in enumerate(rows):
        yy = top + i * cell_h
        body.append(_text(left - 6, yy + 14, name, "end"))
        for j, cell in enumerate(cells[i]):
            xx = left + j * cell_w
            if cell is None:
                continue
            value, tip = cell
            strength = math.log10(value + 1) / peak if value > 0 else 0.0
            r, g, b = (round(255 - (255 - c) * (0.08 + 0.92 * strength)) for c in rgb)
            fill = f"rgb({r},{g},{b})" if value > 0 else "#f3f4f6"
            body.append(
                f'<rect x="{xx:.1f}" y="{yy}" width="{cell_w - 1:.1f}" height="{cell_h - 1}" '
                f'fill="{fill}"><title>{escape(tip)}</title></rect>'
            )
            if value > 0 and cell_w >= 22:
                ink = "#ffffff" if strength > 0.55 else _INK
                body.append(
                    f'<text x="{xx + cell_w / 2:.1f}" y="{yy + 14}" text-anchor="middle" '
                    f'fill="{ink}" font-size="9">{escape(fmt(value))}</text>'
                )
    base = top + cell_h * len(rows) + 6
    for j, name in enumerate(columns):
        xx = left + j * cell_w + cell_w / 2
        body.append(
            f'<text transform="translate({xx:.1f},{base}) rotate(-55)" text-anchor="end" '
            f'fill="{_INK}" font-size="10">{escape(name)}</text>'
        )
    return _svg(height, body, label)


def hbars(
    labels: Sequence[str],
    values: Sequence[float],
    shown: Sequence[str],
    *,
    label: str,
    colors: Sequence[str],
) -> str:
    """One horizontal bar per label, its value written at its end."""
    left, bar_h = 230, 18
    height = 8 + bar_h * len(labels) + 8
    peak = max([*values, 1e-9])
    span = WIDTH - left - 230  # room for the value written after the longest bar
    body = []
    for i, (name, value, text, color) in enumerate(zip(labels, values, shown, colors, strict=True)):
        yy = 8 + i * bar_h
        w = max(value / peak * span, 1.0)
        body.append(_text(left - 6, yy + 13, name, "end"))
        body.append(
            f'<rect x="{left}" y="{yy + 2}" width="{w:.1f}" height="{bar_h - 4}" fill="{color}">'
            f"<title>{escape(f'{name}: {text}')}</title></rect>"
        )
        body.append(_text(left + w + 6, yy + 13, text, "start"))
    return _svg(height, body, label)
