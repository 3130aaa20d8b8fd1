"""Key figures across years, as bar-chart geometry for a build-time SVG.

Only numbers are computed here; the SVG markup is in
`overrides/partials/youfu/chart.html`. A series is one figure id followed across a
bureau's reports with known years; it becomes a chart when it has two or more years.
"""
from __future__ import annotations

from dataclasses import dataclass

from . import figures as fig
from .reports import Report

WIDTH, HEIGHT, TOP, BOTTOM, LEFT = 320, 160, 20, 28, 8


@dataclass(frozen=True, kw_only=True)
class Bar:
    x: float
    y: float
    width: float
    height: float
    year: int
    mark: str  # "" when the report states its year, else 推断 or 存疑
    label: str  # the value as written for readers
    report_src: str  # the report the value comes from
    flagged: bool


@dataclass(frozen=True, kw_only=True)
class Chart:
    figure_id: str
    what: str
    unit: str
    bars: list[Bar]
    width: int = WIDTH
    height: int = HEIGHT
    baseline: float = HEIGHT - BOTTOM


def bureau_charts(timeline: list[Report]) -> list[Chart]:
    series: dict[str, list[tuple[int, fig.Figure, Report]]] = {}
    for report in timeline:
        if report.meta.year is None:
            continue
        for figure in report.meta.figures:
            series.setdefault(figure.id, []).append((report.meta.year, figure, report))
    return [_chart(fid, points) for fid, points in sorted(series.items())
            if len({year for year, _, _ in points}) >= 2 and _one_unit_family(points)]


def _one_unit_family(points) -> bool:
    first = points[0][1].unit
    return all(fig.convertible(f.unit, first) for _, f, _ in points)


def _chart(figure_id: str, points) -> Chart:
    points = sorted(points, key=lambda p: p[0])
    unit = points[-1][1].unit
    values = [float(fig.convert(f.value, f.unit, unit)) for _, f, _ in points]
    top = max(values) or 1.0
    slot = (WIDTH - LEFT * 2) / len(points)
    usable = HEIGHT - TOP - BOTTOM
    bars = []
    for index, ((year, figure, report), value) in enumerate(zip(points, values)):
        height = max(1.0, usable * value / top)
        bars.append(Bar(
            x=round(LEFT + index * slot + slot * 0.15, 1), y=round(HEIGHT - BOTTOM - height, 1),
            width=round(slot * 0.7, 1), height=round(height, 1), year=year,
            mark={"inferred": "推断", "doubtful": "存疑"}.get(report.period.certainty, ""),
            label=fig.format_amount(figure.value, figure.unit, figure.approx, sep=""), report_src=report.src_uri,
            flagged=report.checks[figure.id].flagged,
        ))
    return Chart(figure_id=figure_id, what=points[-1][1].what, unit=unit, bars=bars)
