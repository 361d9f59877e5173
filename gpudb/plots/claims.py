"""The claim view: a stored claim's stated figure drawn beside what the data gives on each candidate metric.

A ClaimCheck (gpudb.analysis.claims) in, a plotly Figure out: one marker per metric with a figure (the ratio on a
log axis, or for a claim of a value the value on a linear axis from 0), coloured by its grade; the stated figure
as a dashed line with its qualifier's match band shaded, so that "nearly six times" and the 6.69× of TPP and 1.2×
of bandwidth are one picture. Metrics without a figure are named in a note. No SQL and no files here.
"""

from __future__ import annotations

import html
import math

import plotly.graph_objects as go

from gpudb.analysis.claims import (
    DOES_NOT_MATCH,
    GRADES,
    MATCHES,
    ROUGH_TOLERANCE,
    ROUGHLY,
    ClaimCheck,
    gap_text,
    match_band,
)
from gpudb.metrics.catalogue import METRICS_BY_KEY
from gpudb.metrics.derived import DERIVED_BY_KEY
from gpudb.plots.style import add_notes, axis_title, finish, label_and_unit, log_ticks, number

KNOWN = {*METRICS_BY_KEY, *DERIVED_BY_KEY, "memory_bandwidth_gbs"}  # metrics label_and_unit knows

# grade → marker colour (Okabe–Ito: bluish green, orange, vermillion) and symbol; ungraded (system-level): grey
GRADE_STYLE = {
    MATCHES: ("#009E73", "circle"),
    ROUGHLY: ("#E69F00", "diamond"),
    DOES_NOT_MATCH: ("#D55E00", "x"),
    None: ("#777777", "circle-open"),
}
BAND_FILL, ROUGH_FILL = "rgba(0, 158, 115, 0.18)", "rgba(230, 159, 0, 0.10)"
# The metrics most claims rest on lead; FP64 and FP32, often one third-party figure and the extreme, come last.
LEADING = ("tpp", "bf16_dense_tflops", "fp8_dense_tflops", "int8_dense_tops", "fp16_dense_tflops")
TRAILING = ("fp32_tflops", "fp64_tensor_tflops", "fp64_tflops")


def _order(metric: str, index: int) -> tuple[int, int]:
    if metric in LEADING:
        return 0, LEADING.index(metric)
    if metric in TRAILING:
        return 2, TRAILING.index(metric)
    return 1, index


def claim_view(check: ClaimCheck) -> go.Figure:
    """The claim's stated figure (a dashed line at it, its match band shaded green and the ±15% 'roughly' band
    orange) beside each candidate metric's figure (customdata = [metric, figure]), on a log axis."""
    claim = check.claim
    is_ratio = claim["stated_ratio"] is not None
    stated_line = check.stated_named  # the baseline by its name, as people read it: "nearly 6× H20"
    stated = check.stated
    unit = "×" if is_ratio else _unit(claim["stated_metric"])
    indexed = sorted(enumerate(check.candidates), key=lambda pair: _order(pair[1].metric, pair[0]))
    shown = [c for _, c in indexed if c.figure is not None]
    lacking = [c.label for _, c in indexed if c.figure is None]
    figure = go.Figure()
    low_gap, high_gap = match_band(claim["qualifier"], claim["tolerance"])
    rough = max(ROUGH_TOLERANCE, claim["tolerance"] or 0.0)
    values = [c.figure for c in shown if c.figure] + [stated]
    # ratios on a log axis (1× in view); a value from 0 on a linear one, so that a 10% gap looks like 10%
    low, high = (min([*values, 1.0]) / 1.5, max(values) * 1.6) if is_ratio else (0.0, max(values) * 1.3)
    if claim["scope"] == "peak-spec":
        figure.add_vrect(
            x0=max(stated * (1 - rough), low), x1=min(stated * (1 + rough), high), fillcolor=ROUGH_FILL,
            line_width=0, layer="below", name="roughly band",
        )  # fmt: skip
        figure.add_vrect(
            x0=max(stated * (1 + low_gap), low), x1=min(stated * (1 + high_gap), high), fillcolor=BAND_FILL,
            line_width=0, layer="below", name="match band",
        )  # fmt: skip
    figure.add_vline(x=stated, line={"dash": "dash", "color": "#333", "width": 1.5}, name="stated")
    figure.add_annotation(
        x=math.log10(stated) if is_ratio else stated,  # an annotation on a log axis is placed in log10
        y=1,
        yref="paper",
        yanchor="bottom",
        showarrow=False,
        text=f"<b>stated: {html.escape(stated_line)}</b>",
        font={"size": 12},
        name="stated",
    )
    for grade in (*GRADES, None):
        group = [c for c in shown if c.grade == grade]
        if not group:
            continue
        colour, symbol = GRADE_STYLE[grade]
        figure.add_trace(
            go.Scatter(
                x=[c.figure for c in group],
                y=[c.label for c in group],
                mode="markers+text",
                name=grade.replace("-", " ") if grade else "not graded (system-level)",
                marker={"color": colour, "symbol": symbol, "size": 13, "line": {"width": 1.5, "color": colour}},
                text=[f"{_short(c.figure or 0, is_ratio)}{unit} ({gap_text(c.gap or 0)})" for c in group],
                textposition="middle right",
                textfont={"size": 11},
                cliponaxis=False,
                hovertext=[_hover(c.label, _short(c.figure or 0, is_ratio) + unit, c.gap or 0, grade) for c in group],
                hoverinfo="text",
                customdata=[[c.metric, c.figure] for c in group],
            )
        )
    notes = [f"No figure for: {', '.join(lacking)}"] if lacking else []
    if claim["scope"] == "system-level":
        notes.append("A system-level speed-up: peak specifications cannot confirm or refute it, so none is graded.")
    add_notes(figure, notes)
    if is_ratio:
        ticks = sorted({*log_ticks(low, high), float(stated)})
        figure.update_xaxes(
            type="log",
            range=[math.log10(low), math.log10(high)],  # a log axis's range is given in log10
            tickvals=ticks,
            ticktext=[f"{tick:g}×" for tick in ticks],
        )
    else:
        figure.update_xaxes(range=[low, high], tickformat=",")
    ordered = [c.label for c in shown]
    figure.update_yaxes(categoryorder="array", categoryarray=ordered, autorange="reversed")
    figure.update_layout(height=max(320, 30 * len(shown) + 200))
    subject, baseline = html.escape(check.name(claim["subject_id"])), html.escape(check.name(claim["baseline_id"]))
    title = f"{html.escape(str(claim['claimant']))}: {subject} {html.escape(stated_line)}"
    if is_ratio:
        what = f"{subject} ÷ {baseline} (×, log)"
    else:
        what = axis_title(claim["stated_metric"]) if claim["stated_metric"] in KNOWN else "figure"
    return finish(figure, title, what, "")


def _unit(metric: str | None) -> str:
    """' TB/s' after a value of a metric with a unit, '' for TPP and metrics not in the catalogue."""
    if metric not in KNOWN:
        return ""
    unit = label_and_unit(str(metric))[1]
    return f" {unit}" if unit else ""


def _short(value: float, is_ratio: bool) -> str:
    """6.69 / 1.2 / 34 for a ratio (three significant digits), 5,648 / 3.2 for a value."""
    return f"{value:.3g}" if is_ratio else number(value)


def _hover(label: str, shown: str, gap: float, grade: str | None) -> str:
    graded = grade.replace("-", " ") if grade else "not graded"
    return f"<b>{html.escape(label)}</b>: {shown}<br>{gap_text(gap)} from the stated figure: {graded}"
