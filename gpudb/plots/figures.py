"""Figures: a frame in, a plotly Figure out. No SQL and no files here (gpudb.plots.frames builds the frames,
gpudb.plots.files writes them).

Frames:
- *points*: one row per chip (index: id) with `name`, `vendor`, `china_specific`, metric columns in canonical units
  (TFLOPS, TB/s, GB, W; `memory_bandwidth_gbs` in GB/s for the rules), and for each metric a `<metric>__source`
  column naming where the value comes from (a source title, or a derived value's working and its inputs' sources).
- *comparison*: what gpudb.compare returns (one row per metric, a column per chip, `<chip>/<baseline>` ratios).

Colours are Okabe–Ito (colour-blind safe), one per vendor and the same in every figure (`vendor_colours`); chips of
one vendor are told apart by bar pattern or line dash, China-specific parts by a diamond marker or a dotted line.
A chip lacking a metric a figure needs is left out and named in a note under the plot, never drawn as 0.
"""

from __future__ import annotations

import html
from collections.abc import Mapping

import pandas as pd
import plotly.graph_objects as go

from gpudb.plots.export_map import export_map, rule_regions
from gpudb.plots.style import (
    DASHES,
    PATTERNS,
    VENDOR_COLOURS,
    add_notes,
    axis_title,
    chip_name,
    chip_styles,
    comparison_notes,
    complete,
    finish,
    label_and_unit,
    marker_symbol,
    number,
    one_line,
    ratio_scale,
    scatter_by_vendor,
    source_line,
    vendor_colours,
)

__all__ = [
    "KINDS",
    "VENDOR_COLOURS",
    "compute_bandwidth",
    "export_map",
    "measured_vs_published",
    "profile",
    "ratio_bars",
    "roofline",
    "rule_regions",
    "timeline",
    "vendor_colours",
]

KINDS = (
    "ratio",
    "export-map",
    "roofline",
    "compute-bandwidth",
    "timeline",
    "profile",
    "measured",
    "price-performance",
    "claim",
)


def ratio_bars(
    comparison: pd.DataFrame,
    points: pd.DataFrame | None = None,
    colours: Mapping[str, str] | None = None,
    log: bool = True,
) -> go.Figure:
    """Each chip's ratio to the baseline (×) on every metric of the comparison, as horizontal bars drawn from the 1×
    line (x = ratio − 1 on base 1; customdata = [metric, ratio]); a log or linear axis (buttons switch it).
    `points` (the points frame) gives names, vendors and sources for the hover."""
    chips, baseline = comparison.attrs["chips"], comparison.attrs["baseline"]
    others = [chip for chip in chips if chip != baseline]
    styles = chip_styles(chips, points, colours)
    names = {chip: chip_name(points, chip) for chip in chips}  # once a chip, not once a bar
    figure = go.Figure()
    for chip in others:
        column = f"{chip}/{baseline}"
        kept = comparison[comparison[column].notna()]
        colour, nth = styles[chip]
        hover = [
            f"<b>{row['label']}</b>: {row[column]:.3g}×<br>{names[chip]}: {number(row[chip])} {row['unit']}".rstrip()
            + source_line(points, chip, row["metric"])
            + f"<br>{names[baseline]}: {number(row[baseline])} {row['unit']}".rstrip()
            + source_line(points, baseline, row["metric"])
            for row in kept.to_dict("records")
        ]
        figure.add_trace(
            go.Bar(
                x=[value - 1 for value in kept[column]],  # drawn from 1×: left of the line is less than the baseline
                base=1,
                y=list(kept["label"]),
                orientation="h",
                name=f"{names[chip]} ÷ {names[baseline]}",
                marker={"color": colour, "pattern": {"shape": PATTERNS[nth % len(PATTERNS)]}},
                text=[f"{value:.2f}×" for value in kept[column]],
                textposition="outside",
                hovertext=hover,
                hoverinfo="text",
                customdata=[[key, value] for key, value in zip(kept["metric"], kept[column], strict=True)],
            )
        )
    one_line(figure, chip_name(points, baseline), vertical=True)
    add_notes(figure, comparison_notes(comparison, chips, points))
    ratio_scale(figure, "xaxis", [v for chip in others for v in comparison[f"{chip}/{baseline}"]], log)
    figure.update_yaxes(autorange="reversed")  # the comparison's first metric at the top
    figure.update_layout(
        barmode="group",
        height=max(420, 26 * len(comparison) * max(1, len(others)) + 200),
    )
    title = f"Compared with {chip_name(points, baseline)}: ratio on each metric"
    return finish(figure, title, f"ratio to {chip_name(points, baseline)} (×)", "")


def profile(
    comparison: pd.DataFrame,
    points: pd.DataFrame | None = None,
    colours: Mapping[str, str] | None = None,
) -> go.Figure:
    """Several chips over the comparison's metrics, each value ÷ the baseline's (×, log axis), as grouped bars drawn
    from the 1× line, which is the baseline (y = ratio − 1 on base 1; customdata = [metric, ratio])."""
    chips, baseline = comparison.attrs["chips"], comparison.attrs["baseline"]
    styles = chip_styles(chips, points, colours)
    names = {chip: chip_name(points, chip) for chip in chips}  # once a chip, not once a bar
    figure = go.Figure()
    for chip in (chip for chip in chips if chip != baseline):
        column = f"{chip}/{baseline}"
        kept = comparison[comparison[column].notna()]
        colour, nth = styles[chip]
        figure.add_trace(
            go.Bar(
                x=list(kept["label"]),
                y=[value - 1 for value in kept[column]],  # drawn from 1×: below the line is less than the baseline
                base=1,
                name=names[chip],
                marker={"color": colour, "pattern": {"shape": PATTERNS[nth % len(PATTERNS)]}},
                hovertext=[
                    f"<b>{row['label']}</b>: {row[column]:.3g}× {names[baseline]}<br>"
                    f"{names[chip]}: {number(row[chip])} {row['unit']}".rstrip()
                    + source_line(points, chip, row["metric"])
                    + f"<br>{names[baseline]}: {number(row[baseline])} {row['unit']}".rstrip()
                    + source_line(points, baseline, row["metric"])
                    for row in kept.to_dict("records")
                ],
                hoverinfo="text",
                customdata=[[key, value] for key, value in zip(kept["metric"], kept[column], strict=True)],
            )
        )
    one_line(figure, chip_name(points, baseline), vertical=False)
    add_notes(figure, comparison_notes(comparison, chips, points))
    figure.update_layout(barmode="group")
    figure.update_xaxes(categoryorder="array", categoryarray=list(comparison["label"]))
    ratio_scale(
        figure, "yaxis", [v for chip in chips if chip != baseline for v in comparison[f"{chip}/{baseline}"]], True
    )
    title = f"Spec profile, normalised to {chip_name(points, baseline)}"
    return finish(figure, title, "", f"ratio to {chip_name(points, baseline)} (×, log)")


# ---------------------------------------------------------------------------------------------- export rules


def roofline(
    points: pd.DataFrame, metric: str = "bf16_dense_tflops", colours: Mapping[str, str] | None = None
) -> go.Figure:
    """Attainable throughput (TFLOPS, or TOPS for INT8) against arithmetic intensity (FLOP/byte) on log axes:
    min(peak, intensity × bandwidth), each chip's ridge point (peak ÷ bandwidth) marked and labelled."""
    shown, notes = complete(points, [metric, "memory_bandwidth_tbs"])
    label, unit = label_and_unit(metric)
    ridges = shown[metric] / shown["memory_bandwidth_tbs"]  # TFLOPS ÷ TB/s: the 10¹² cancel, FLOP per byte
    low = min([0.1, *(ridges / 100)])
    high = max([10_000, *(ridges * 100)])
    styles = chip_styles(list(shown.index), shown, colours)
    figure = go.Figure()
    for chip, row in shown.iterrows():
        peak, bandwidth, ridge = row[metric], row["memory_bandwidth_tbs"], ridges[chip]
        colour, nth = styles[chip]
        sources = source_line(shown, str(chip), metric) + source_line(shown, str(chip), "memory_bandwidth_tbs")
        figure.add_trace(
            go.Scatter(
                x=[low, ridge, high],
                y=[low * bandwidth, peak, peak],
                mode="lines",
                name=str(row["name"]),
                legendgroup=str(chip),
                line={"color": colour, "dash": "dot" if row["china_specific"] else DASHES[nth % len(DASHES)]},
                hovertemplate=f"%{{x:.3g}} FLOP/byte → %{{y:,.4g}} {unit}<br>peak {number(peak)} {unit}, "
                f"bandwidth {number(bandwidth)} TB/s{sources}<extra>{html.escape(str(row['name']))}</extra>",
                customdata=[chip] * 3,
            )
        )
        figure.add_trace(
            go.Scatter(
                x=[ridge],
                y=[peak],
                mode="markers+text",
                text=[number(ridge)],
                textposition="top center",
                marker={"color": colour, "size": 10, "symbol": marker_symbol(shown, str(chip))},
                legendgroup=str(chip),
                showlegend=False,
                name=f"{row['name']} ridge point",
                hovertext=[
                    f"<b>{html.escape(str(row['name']))}</b> ridge point {number(ridge)} FLOP/byte"
                    f"<br>{label}: {number(peak)} {unit}{source_line(shown, str(chip), metric)}"
                    f"<br>Memory bandwidth: {number(bandwidth)} TB/s"
                    + source_line(shown, str(chip), "memory_bandwidth_tbs")
                ],
                hoverinfo="text",
                customdata=[chip],
            )
        )
    add_notes(figure, notes)
    figure.update_xaxes(type="log")
    figure.update_yaxes(type="log")
    title = f"Roofline, {label}: ridge points (FLOP/byte) marked; below them a kernel is memory-bound"
    return finish(figure, title, "arithmetic intensity (FLOP/byte, log)", f"attainable {label} ({unit}, log)")


def compute_bandwidth(
    points: pd.DataFrame, metric: str = "bf16_dense_tflops", colours: Mapping[str, str] | None = None
) -> go.Figure:
    """Compute (TFLOPS) against memory bandwidth (TB/s); bubble area = memory capacity (GB); colour = vendor."""
    shown, notes = complete(points, [metric, "memory_bandwidth_tbs", "memory_capacity_gb"])
    figure = go.Figure()
    keys = [metric, "memory_bandwidth_tbs", "memory_capacity_gb"]
    scatter_by_vendor(figure, shown, "memory_bandwidth_tbs", metric, keys, colours, size="memory_capacity_gb")
    add_notes(figure, notes)
    label = label_and_unit(metric)[0]
    title = f"{label} compute against memory bandwidth (bubble area: memory capacity in GB; diamonds: China-specific)"
    return finish(figure, title, axis_title("memory_bandwidth_tbs"), axis_title(metric))


def timeline(
    points: pd.DataFrame, metric: str = "bf16_dense_tflops", colours: Mapping[str, str] | None = None
) -> go.Figure:
    """Launch date against compute (TFLOPS, log axis); colour = vendor; China-specific parts as diamonds.

    An announced part that is not shipping yet is placed at its announcement date, hollow and labelled so."""
    if "availability" in points.columns and "announced" in points.columns:
        announced = (points["availability"] == "announced") & points["launch_date"].isna()
        points = points.assign(launch_date=points["launch_date"].where(~announced, points["announced"]))
    shown, notes = complete(points, ["launch_date", metric])
    shown = shown.assign(launch_date=pd.to_datetime(shown["launch_date"]))
    figure = go.Figure()
    scatter_by_vendor(figure, shown, "launch_date", metric, ["launch_date", metric], colours)
    add_notes(figure, notes)
    figure.update_yaxes(type="log")
    title = f"{label_and_unit(metric)[0]} by launch date (diamonds: China-specific parts; hollow: announced)"
    return finish(figure, title, "launch date", axis_title(metric, "log"))


def measured_vs_published(
    measured: pd.DataFrame, points: pd.DataFrame | None = None, colours: Mapping[str, str] | None = None
) -> go.Figure:
    """Each chip's measured figures as a share of the published peak (100% = the datasheet), one bar per figure,
    labelled with who measured it ("gpudb bench", or the person or organisation that published it) and
    "measured / published unit"; several measurements of one chip stand side by side, never averaged.
    `measured`: rows of gpudb.analysis.measured.measurement_rows, with a published value; a figure without one
    is named in a note."""
    chips = list(dict.fromkeys(measured["accelerator_id"]))
    styles = chip_styles(chips, points, colours)
    figure = go.Figure()
    notes = []
    for chip in chips:
        rows = measured[measured["accelerator_id"] == chip]
        lacking = rows[rows["published"].isna()]
        if len(lacking):
            names = ", ".join(lacking["name"])
            notes.append(f"Left out, {chip_name(points, chip)} has no published peak for: {html.escape(names)}")
        rows = rows[rows["published"].notna()]
        colour, nth = styles[chip]
        labels = [_measured_label(row) for _, row in rows.iterrows()]
        hover = [_measured_hover(row, chip_name(points, chip)) for _, row in rows.iterrows()]
        figure.add_trace(
            go.Bar(
                x=[value * 100 for value in rows["efficiency"]],
                y=labels,
                orientation="h",
                name=chip_name(points, chip),
                marker={"color": colour, "pattern": {"shape": PATTERNS[nth % len(PATTERNS)]}},
                text=[_measured_text(row) for _, row in rows.iterrows()],
                textposition="outside",
                hovertext=hover,
                hoverinfo="text",
                customdata=[[name, value] for name, value in zip(rows["name"], rows["efficiency"], strict=True)],
            )
        )  # fmt: skip
    figure.add_shape(
        type="line", x0=100, x1=100, y0=0, y1=1, yref="paper", line={"dash": "dash", "color": "#333", "width": 1}
    )
    figure.add_annotation(x=100, y=1, yref="paper", text="100% = published peak", showarrow=False, yanchor="bottom")
    add_notes(figure, notes)
    figure.update_yaxes(autorange="reversed")
    figure.update_xaxes(range=[0, 130])
    figure.update_layout(barmode="group", height=max(420, 30 * len(measured) + 200))
    title = "Measured (by gpudb bench and by others), as a share of the published peak"
    return finish(figure, title, "measured ÷ published (%)", "")


def _measured_hover(row: pd.Series, chip: str) -> str:
    """Who measured, what, how, against which published figure; a run also its spread and environment."""
    if row["kind"] == "published":
        what = f"measured {number(row['value'])} {row['unit']} (as published)"
        where = (
            f"by {html.escape(str(row['measured_by']))}, {row['measured']}; "
            f"in {html.escape(str(row['measurement_source']))}"
        )
    else:
        what = (
            f"measured {number(row['median'])} {row['unit']} (median; best {number(row['best'])}, "
            f"spread {row['spread_pct']:.1f}%)"
        )
        where = (
            f"by gpudb bench, run {html.escape(str(row['measurement_id']))}, "
            f"{html.escape(str(row['device_name']))}, PyTorch {html.escape(str(row['torch_version']))}"
        )
    return (
        f"<b>{chip}</b>, {html.escape(row['name'])}<br>{what}<br>published {number(row['published'])} "
        f"{row['unit']} ({html.escape(str(row['label']))})<br><i>{html.escape(str(row['published_source']))}</i><br>"
        f"{html.escape(str(row['method']))}<br>{where}"
        + (f"<br>limitation: {html.escape(str(row['limitation']))}" if isinstance(row["limitation"], str) else "")
    )


def _measured_text(row: pd.Series) -> str:
    """'75% · 745 / 989.5 TFLOPS': the share, then measured and published."""
    return f"{row['efficiency']:.0%} · {number(row['value'])} / {number(row['published'])} {row['unit']}"


def _measured_label(row: pd.Series) -> str:
    """'BF16 dense: matmul-bf16 (gpudb bench)', 'BF16 dense: matmul-bf16 (Stas Bekman, 2025-08-10)': who measured."""
    who = "gpudb bench" if row["kind"] != "published" else f"{row['measured_by']}, {row['measured']}"
    return f"{html.escape(str(row['label']))}: {html.escape(str(row['name']))} ({html.escape(who)})"
