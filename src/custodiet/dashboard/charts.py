"""Charts drawn on the server as inline SVG: no script, no external library, nothing to load.

Every label goes through html.escape; numbers are formatted by us. Colours are a fixed palette
that stays apart when printed in grey.
"""

from __future__ import annotations

import html
from collections.abc import Sequence

PALETTE = ("#b00020", "#1a73e8", "#f9ab00", "#137333", "#7b1fa2", "#e8710a", "#12b5cb", "#5f6368")
WIDTH = 640
HEIGHT = 220
PAD_LEFT, PAD_RIGHT, PAD_TOP, PAD_BOTTOM = 44, 12, 12, 28
LABEL_LIMIT = 40


def _e(value: object, limit: int = LABEL_LIMIT) -> str:
    text = str(value)
    if len(text) > limit:
        text = text[: limit - 1] + "…"
    return html.escape(text, quote=True)


def _t(title: str) -> str:
    return _e(title, 200)


def _ticks(top: int) -> list[int]:
    if top <= 0:
        return [0]
    step = 1
    for candidate in (1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000, 10_000, 20_000, 50_000, 100_000):
        step = candidate
        if top / candidate <= 5:
            break
    return list(range(0, top + step, step))


def _anchor(i: int, n: int) -> str:
    """The first label starts at its point and the last ends there: neither is cut at an edge."""
    if n > 1 and i == 0:
        return "start"
    if n > 1 and i == n - 1:
        return "end"
    return "middle"


def line_chart(title: str, labels: Sequence[str], series: dict[str, list[int]]) -> str:
    """Lines of covered devices per value over runs; `labels` name the runs (x axis)."""
    if not labels or not series:
        return f'<p class="muted">{_t(title)}: nothing covered yet.</p>'
    top = max(max(values) for values in series.values())
    ticks = _ticks(top)
    scale_top = ticks[-1] or 1
    inner_w = WIDTH - PAD_LEFT - PAD_RIGHT
    inner_h = HEIGHT - PAD_TOP - PAD_BOTTOM
    n = len(labels)

    def x(i: int) -> float:
        return PAD_LEFT + (inner_w * i / (n - 1) if n > 1 else inner_w / 2)

    def y(v: int) -> float:
        return PAD_TOP + inner_h - inner_h * v / scale_top

    parts = [
        f'<svg class="chart" viewBox="0 0 {WIDTH} {HEIGHT}" role="img" aria-label="{_t(title)}" '
        f'xmlns="http://www.w3.org/2000/svg"><title>{_t(title)}</title>'
    ]
    for tick in ticks:
        parts.append(
            f'<line x1="{PAD_LEFT}" x2="{WIDTH - PAD_RIGHT}" y1="{y(tick):.1f}" y2="{y(tick):.1f}" class="grid"/>'
            f'<text x="{PAD_LEFT - 6}" y="{y(tick) + 4:.1f}" class="tick" text-anchor="end">{tick:,}</text>'
        )
    every = max(1, n // 8)
    for i, label in enumerate(labels):
        if i % every == 0 or i == n - 1:
            parts.append(
                f'<text x="{x(i):.1f}" y="{HEIGHT - 8}" class="tick" text-anchor="{_anchor(i, n)}">{_e(label)}</text>'
            )
    for index, (name, values) in enumerate(series.items()):
        colour = PALETTE[index % len(PALETTE)]
        points = " ".join(f"{x(i):.1f},{y(v):.1f}" for i, v in enumerate(values))
        parts.append(
            f'<polyline points="{points}" fill="none" stroke="{colour}" stroke-width="2"><title>{_e(name)}</title></polyline>'
        )
        for i, v in enumerate(values):
            parts.append(
                f'<circle cx="{x(i):.1f}" cy="{y(v):.1f}" r="3" fill="{colour}"><title>{_e(name)}: {v:,} in {_e(labels[i])}</title></circle>'
            )
    parts.append("</svg>")
    legend = "".join(
        f'<li><span class="swatch s{index % len(PALETTE)}"></span>{_e(name)} ({values[-1]:,})</li>'
        for index, (name, values) in enumerate(series.items())
    )
    return f'<figure><figcaption>{_t(title)}</figcaption>{"".join(parts)}<ul class="legend">{legend}</ul></figure>'


def bar_chart(title: str, rows: Sequence[tuple[str, int, int]]) -> str:
    """Horizontal bars: (label, covered, all devices) per row, covered drawn over all."""
    if not rows:
        return f'<p class="muted">{_t(title)}: no devices.</p>'
    top = max(total for _, _, total in rows) or 1
    bar_h, gap, label_w = 16, 6, 180
    height = len(rows) * (bar_h + gap) + 8
    inner = WIDTH - label_w - 70
    parts = [
        f'<svg class="chart" viewBox="0 0 {WIDTH} {height}" role="img" aria-label="{_t(title)}" '
        f'xmlns="http://www.w3.org/2000/svg"><title>{_t(title)}</title>'
    ]
    for i, (label, covered, total) in enumerate(rows):
        y = 4 + i * (bar_h + gap)
        all_w = inner * total / top
        covered_w = inner * covered / top
        parts.append(
            f'<text x="{label_w - 6}" y="{y + 12}" class="tick" text-anchor="end">{_e(label)}</text>'
            f'<rect x="{label_w}" y="{y}" width="{all_w:.1f}" height="{bar_h}" class="all"><title>{_e(label)}: {total:,} devices</title></rect>'
            f'<rect x="{label_w}" y="{y}" width="{covered_w:.1f}" height="{bar_h}" class="covered"><title>{_e(label)}: {covered:,} covered</title></rect>'
            f'<text x="{label_w + all_w + 6:.1f}" y="{y + 12}" class="tick">{covered:,} / {total:,}</text>'
        )
    parts.append("</svg>")
    return f"<figure><figcaption>{_t(title)}</figcaption>{''.join(parts)}</figure>"
