"""Charts as SVG text, written by hand: the eval report's plots and the web UI's "learned over time".

Why not matplotlib: it is a heavy install (numpy, pillow, fonts) for a handful of line and bar charts,
so it was an optional extra and ``reverie eval --report`` drew nothing without it. These charts need
only the standard library, so every install draws them; an SVG file opens in any browser, and the web
UI puts the same text inline in its pages.

Only presentation attributes (``fill="..."``), never ``style``: the web UI's Content-Security-Policy
refuses inline styles, and an inline SVG is part of the page. Every chart carries ``role="img"``, a
``<title>`` and an ``aria-label``, so a screen reader says what it shows.

Three shapes, each returning one ``<svg>`` element:

- ``lines``: one or more series of (x, y) points, with an optional dashed target line;
- ``bars``: grouped bars per category, with lines over them (a stock beside flows);
- ``grid``: several charts side by side in rows, as one SVG document.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from xml.sax.saxutils import escape, quoteattr

# Colour-blind-safe (Okabe-Ito), in the order series are drawn.
PALETTE = ("#0072b2", "#e69f00", "#009e73", "#d55e00", "#cc79a7", "#56b4e9", "#f0e442", "#000000")
_FONT = 'font-family="sans-serif"'
_LEFT, _RIGHT, _TOP, _BOTTOM = 42, 10, 34, 40  # room for the axis numbers, the title, the legend, the labels


@dataclass(frozen=True, slots=True)
class Series:
    name: str
    points: Sequence[tuple[float, float]]  # (x, y); for bars only y is read, one per category


@dataclass(frozen=True, slots=True)
class Chart:
    """One drawn chart: its SVG text and its size, so ``grid`` can place it."""

    svg: str
    width: int
    height: int

    def __str__(self) -> str:
        return self.svg


def lines(
    title: str,
    series: Sequence[Series],
    *,
    x_label: str = "",
    y_max: float | None = None,
    target: float | None = None,
    legend: bool = True,
    width: int = 360,
    height: int = 220,
) -> Chart:
    """``legend=False`` for the panels of a ``grid`` that draws one legend for all: a series keeps
    its colour by its position in ``series``, drawn or empty."""
    xs = [x for s in series for x, _ in s.points] or [0.0, 1.0]
    ys = [y for s in series for _, y in s.points] + ([target] if target is not None else [])
    frame = _Frame(width, height, min(xs), max(xs), 0.0, y_max if y_max is not None else _ceiling(max(ys, default=1)))
    parts = [*frame.axes(x_label), *(_legend([s.name for s in series], width) if legend else [])]
    if target is not None:
        y = frame.y(target)
        parts.append(
            f'<line x1="{_LEFT}" x2="{width - _RIGHT}" y1="{y:.1f}" y2="{y:.1f}" stroke="#888" stroke-dasharray="4 3">'
            f"<title>target {_number(target)}</title></line>"
        )
    for index, line in enumerate(series):
        if not line.points:
            continue
        colour = PALETTE[index % len(PALETTE)]
        path = " ".join(f"{frame.x(x):.1f},{frame.y(y):.1f}" for x, y in line.points)
        parts.append(f'<polyline points="{path}" fill="none" stroke="{colour}" stroke-width="1.5"/>')
        parts += [
            f'<circle cx="{frame.x(x):.1f}" cy="{frame.y(y):.1f}" r="2" fill="{colour}">'
            f"<title>{escape(line.name)}: {_number(y)} at {_number(x)}</title></circle>"
            for x, y in line.points
        ]
    return _chart(title, parts, width, height)


def bars(
    title: str,
    categories: Sequence[str],
    series: Sequence[Series],
    *,
    overlays: Sequence[Series] = (),
    y_label: str = "",
    y_max: float | None = None,
    width: int = 640,
    height: int = 240,
) -> Chart:
    """Grouped bars: one group per category, one bar per series; each of ``overlays`` a line over the
    groups (a stock beside the flows the bars count)."""
    values = [y for s in (*series, *overlays) for _, y in s.points]
    top = y_max if y_max is not None else _ceiling(max(values, default=1))
    frame = _Frame(width, height, 0.0, float(max(len(categories), 1)), 0.0, top)
    slot = (width - _LEFT - _RIGHT) / max(len(categories), 1)
    bar = slot * 0.8 / max(len(series), 1)
    legend = [s.name for s in (*series, *overlays)]
    parts = [*frame.axes(y_label, x_ticks=False), *_legend(legend, width)]
    step = max(1, math.ceil(len(categories) / max(1, int((width - _LEFT) / 60))))  # labels that do not overlap
    for number, category in enumerate(categories):
        left = _LEFT + number * slot
        if number % step == 0:
            parts.append(_label(category, left + slot / 2, height - _BOTTOM + 12, slot * step))
        for index, group in enumerate(series):
            value = group.points[number][1] if number < len(group.points) else 0.0
            if value <= 0:
                continue
            y = frame.y(value)
            parts.append(
                f'<rect x="{left + slot * 0.1 + index * bar:.1f}" y="{y:.1f}" width="{bar:.1f}" '
                f'height="{frame.y(0) - y:.1f}" fill="{PALETTE[index % len(PALETTE)]}">'
                f"<title>{escape(category)}: {escape(group.name)} {_number(value)}</title></rect>"
            )
    for number, line in enumerate(overlays, len(series)):
        colour = PALETTE[number % len(PALETTE)]
        points = [(_LEFT + (n + 0.5) * slot, frame.y(y)) for n, (_, y) in enumerate(line.points)]
        path = " ".join(f"{x:.1f},{y:.1f}" for x, y in points)
        parts.append(f'<polyline points="{path}" fill="none" stroke="{colour}" stroke-width="1.5"/>')
        parts += [
            f'<circle cx="{x:.1f}" cy="{y:.1f}" r="2.5" fill="{colour}">'
            f"<title>{escape(categories[n])}: {escape(line.name)} {_number(line.points[n][1])}</title></circle>"
            for n, (x, y) in enumerate(points)
        ]
    return _chart(title, parts, width, height)


def grid(title: str, charts: Sequence[Chart], *, columns: int = 3, legend: Sequence[str] = ()) -> Chart:
    """Charts in rows of ``columns`` under one title and one legend, as one SVG document (a nested
    ``<svg>`` per chart)."""
    if not charts:
        return _chart(title, [], 1, 1)
    cell_width = max(c.width for c in charts)
    cell_height = max(c.height for c in charts)
    rows = math.ceil(len(charts) / columns)
    width, height = cell_width * min(columns, len(charts)), _TOP + cell_height * rows
    placed = [
        chart.svg.replace("<svg ", f'<svg x="{n % columns * cell_width}" y="{_TOP + n // columns * cell_height}" ', 1)
        for n, chart in enumerate(charts)
    ]
    return _chart(title, [*_legend(legend, width), *placed], width, height)


class _Frame:
    """Data coordinates to pixels, and the axes with a few round numbers on them."""

    def __init__(self, width: int, height: int, x0: float, x1: float, y0: float, y1: float) -> None:
        self.width, self.height = width, height
        self.x0, self.x1 = x0, x1 if x1 > x0 else x0 + 1
        self.y0, self.y1 = y0, y1 if y1 > y0 else y0 + 1

    def x(self, value: float) -> float:
        return _LEFT + (value - self.x0) / (self.x1 - self.x0) * (self.width - _LEFT - _RIGHT)

    def y(self, value: float) -> float:
        return self.height - _BOTTOM - (value - self.y0) / (self.y1 - self.y0) * (self.height - _TOP - _BOTTOM)

    def axes(self, label: str, *, x_ticks: bool = True) -> list[str]:
        bottom, right = self.height - _BOTTOM, self.width - _RIGHT
        parts = [
            f'<line x1="{_LEFT}" x2="{right}" y1="{bottom}" y2="{bottom}" stroke="#444"/>',
            f'<line x1="{_LEFT}" x2="{_LEFT}" y1="{_TOP}" y2="{bottom}" stroke="#444"/>',
        ]
        for tick in _ticks(self.y0, self.y1):
            y = self.y(tick)
            parts.append(f'<line x1="{_LEFT}" x2="{right}" y1="{y:.1f}" y2="{y:.1f}" stroke="#eee"/>')
            parts.append(
                f'<text x="{_LEFT - 4}" y="{y + 3:.1f}" text-anchor="end" font-size="9" {_FONT}>{_number(tick)}</text>'
            )
        if x_ticks:
            for tick in _ticks(self.x0, self.x1):
                parts.append(
                    f'<text x="{self.x(tick):.1f}" y="{bottom + 12}" text-anchor="middle" font-size="9" {_FONT}>'
                    f"{_number(tick)}</text>"
                )
        if label:
            parts.append(
                f'<text x="{(_LEFT + right) / 2:.1f}" y="{self.height - 4}" text-anchor="middle" font-size="9" '
                f'fill="#555" {_FONT}>{escape(label)}</text>'
            )
        return parts


def _legend(names: Sequence[str], width: int) -> list[str]:
    """A swatch and a name per series, right-aligned under the title."""
    parts: list[str] = []
    x = float(width - _RIGHT)
    for index, name in reversed(list(enumerate(names))):
        x -= 14 + 5.5 * len(name)
        parts.append(
            f'<rect x="{x:.1f}" y="{_TOP - 15}" width="8" height="8" fill="{PALETTE[index % len(PALETTE)]}"/>'
            f'<text x="{x + 10:.1f}" y="{_TOP - 8}" font-size="9" {_FONT}>{escape(name)}</text>'
        )
    return parts


def _label(text: str, x: float, y: float, room: float) -> str:
    """A category under its bars, on two lines when one would run into the next (about 5 px a letter)."""
    words, lines = text.split(), [""]
    for word in words:
        joined = f"{lines[-1]} {word}".strip()
        if len(joined) * 5 > room and lines[-1] and len(lines) < 2:
            lines.append(word)
        else:
            lines[-1] = joined
    spans = "".join(
        f'<tspan x="{x:.1f}" dy="{0 if n == 0 else 10}">{escape(line)}</tspan>' for n, line in enumerate(lines)
    )
    return f'<text x="{x:.1f}" y="{y:.1f}" text-anchor="middle" font-size="9" {_FONT}>{spans}</text>'


def _chart(title: str, parts: Sequence[str], width: int, height: int, *, heading: bool = True) -> Chart:
    label = quoteattr(title)
    head = f'<text x="4" y="12" font-size="11" font-weight="bold" {_FONT}>{escape(title)}</text>' if heading else ""
    svg = (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" viewBox="0 0 {width} {height}" '
        f'role="img" aria-label={label}><title>{escape(title)}</title>'
        f'<rect width="{width}" height="{height}" fill="#fff"/>{head}{"".join(parts)}</svg>'
    )
    return Chart(svg, width, height)


def _ceiling(value: float) -> float:
    """The top of the y axis: the first tick at or above ``value``, so the top is labelled."""
    if value <= 1:
        return 1.0
    step = _step(value / 4)
    return math.ceil(value / step) * step


def _step(raw: float) -> float:
    magnitude = 10.0 ** math.floor(math.log10(raw))
    return next(s * magnitude for s in (1, 2, 2.5, 5, 10) if s * magnitude >= raw)


def _ticks(low: float, high: float) -> list[float]:
    span = high - low
    if span <= 0:
        return [low]
    step = _step(span / 4)
    first = math.ceil(low / step) * step
    return [first + n * step for n in range(int((high - first) / step + 1e-9) + 1)]


def _number(value: float) -> str:
    return f"{value:.0f}" if float(value).is_integer() else f"{value:.2f}".rstrip("0")
