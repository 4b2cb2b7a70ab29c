"""The monthly trend as a server-drawn SVG (no script, so the strict CSP holds).

The chart is a picture of the table beside it: role="img" with a title and a description
that says what it shows; every number is in the table, so no reader depends on the picture.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from xml.sax.saxutils import escape

WIDTH, HEIGHT = 720, 260
LEFT, RIGHT, TOP, BOTTOM = 48, 48, 16, 40


@dataclass(frozen=True)
class Point:
    label: str  # e.g. "01-2026"
    vp: float | None
    mf: float | None


def _scale(values: Sequence[float | None]) -> float:
    top = max((value for value in values if value is not None), default=0.0)
    if top <= 0:
        return 1.0
    for step in (1, 2, 5, 10, 20, 25, 50, 100, 200, 500, 1000):
        if top <= step:
            return float(step)
    return top


def _path(values: Sequence[float | None], top: float) -> str:
    width = WIDTH - LEFT - RIGHT
    height = HEIGHT - TOP - BOTTOM
    step = width / max(len(values) - 1, 1)
    parts: list[str] = []
    pen_down = False
    for index, value in enumerate(values):
        if value is None:
            pen_down = False
            continue
        x = LEFT + index * step
        y = TOP + height - (value / top) * height
        parts.append(f"{'L' if pen_down else 'M'}{x:.1f},{y:.1f}")
        pen_down = True
    return " ".join(parts)


def trend_svg(
    points: Sequence[Point], *, title: str, description: str, vp_label: str, mf_label: str
) -> str:
    """VP (left axis, %) and MF (right axis) per month as two lines."""
    vp_top = _scale([point.vp for point in points])
    mf_top = _scale([point.mf for point in points])
    height = HEIGHT - TOP - BOTTOM
    width = WIDTH - LEFT - RIGHT
    out = [
        f'<svg class="trend" viewBox="0 0 {WIDTH} {HEIGHT}" role="img" '
        'aria-labelledby="trend-title trend-desc" xmlns="http://www.w3.org/2000/svg">',
        f'<title id="trend-title">{escape(title)}</title>',
        f'<desc id="trend-desc">{escape(description)}</desc>',
    ]
    for fraction in (0, 0.25, 0.5, 0.75, 1):
        y = TOP + height - fraction * height
        out.append(
            f'<line class="grid" x1="{LEFT}" x2="{LEFT + width}" y1="{y:.1f}" y2="{y:.1f}"/>'
        )
        out.append(
            f'<text class="axis" x="{LEFT - 6}" y="{y + 4:.1f}" text-anchor="end">{vp_top * fraction:g}%</text>'
        )
        out.append(
            f'<text class="axis mf" x="{LEFT + width + 6}" y="{y + 4:.1f}">{mf_top * fraction:g}</text>'
        )
    step = width / max(len(points) - 1, 1)
    for index, point in enumerate(points):
        if index % 3 == 0 or index == len(points) - 1:
            x = LEFT + index * step
            out.append(
                f'<text class="axis" x="{x:.1f}" y="{HEIGHT - BOTTOM + 18}" '
                f'text-anchor="middle">{escape(point.label)}</text>'
            )
    out.append(f'<path class="line vp" d="{_path([p.vp for p in points], vp_top)}"/>')
    out.append(f'<path class="line mf" d="{_path([p.mf for p in points], mf_top)}"/>')
    legend_y = HEIGHT - 6
    out.append(
        f'<line class="line vp" x1="{LEFT}" x2="{LEFT + 24}" y1="{legend_y - 4}" y2="{legend_y - 4}"/>'
    )
    out.append(f'<text class="legend" x="{LEFT + 30}" y="{legend_y}">{escape(vp_label)}</text>')
    out.append(
        f'<line class="line mf" x1="{LEFT + 260}" x2="{LEFT + 284}" y1="{legend_y - 4}" y2="{legend_y - 4}"/>'
    )
    out.append(f'<text class="legend" x="{LEFT + 290}" y="{legend_y}">{escape(mf_label)}</text>')
    out.append("</svg>")
    return "".join(out)
