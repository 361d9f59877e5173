"""Figures: a frame in, a plotly Figure out. No SQL and no files here (gpudb.figures builds the frames,
gpudb.plot_files writes them).

Frames:
- *points*: one row per chip (index: id) with `name`, `vendor`, `china_specific`, metric columns in canonical units,
  and for each metric a `<metric>__source` column naming where the value comes from (a source title, or the
  working of a derived value).
- *comparison*: what gpudb.compare returns (one row per metric, a column per chip, `<chip>/<baseline>` ratios).

Colours are Okabe–Ito (colour-blind safe), one per vendor, the same in every figure.
"""

from __future__ import annotations

import math
import zlib
from collections.abc import Sequence
from typing import Any

import pandas as pd
import plotly.graph_objects as go

from gpudb.catalogue import METRICS_BY_KEY
from gpudb.metrics import DERIVED

KINDS = ("ratio", "export-map", "case-by-case", "roofline", "compute-bandwidth", "timeline", "profile")

OKABE_ITO = ("#009E73", "#D55E00", "#0072B2", "#CC79A7", "#E69F00", "#56B4E9", "#F0E442", "#000000")
VENDOR_COLOURS = {
    "NVIDIA": "#009E73",
    "AMD": "#D55E00",
    "Intel": "#0072B2",
    "Huawei": "#CC79A7",
    "Google": "#E69F00",
    "Cambricon": "#56B4E9",
}
_SPARE = ("#F0E442", "#000000", "#999999")
REGION_FILL = "rgba(213, 94, 0, 0.10)"  # vermillion, light: a controlled region
BOX_FILL = "rgba(0, 114, 178, 0.12)"  # blue, light: the case-by-case zone


def vendor_colour(vendor: str) -> str:
    """The vendor's colour; a vendor not in VENDOR_COLOURS always gets the same spare one (by a stable hash)."""
    return VENDOR_COLOURS.get(vendor) or _SPARE[zlib.crc32(vendor.encode()) % len(_SPARE)]


def _layout(figure: go.Figure, title: str, x_title: str, y_title: str) -> go.Figure:
    figure.update_layout(
        title=title,
        xaxis_title=x_title,
        yaxis_title=y_title,
        template="plotly_white",
        legend_title_text="",
        margin={"t": 70, "r": 30, "b": 60, "l": 70},
        hoverlabel={"align": "left"},
    )
    return figure


LABELS = {key: metric.label for key, metric in METRICS_BY_KEY.items()}
LABELS |= {metric.key: metric.label for metric in DERIVED}
LABELS |= {"memory_bandwidth_gbs": "memory bandwidth", "launch_date": "launch date"}


def _left_out(figure: go.Figure, missing: dict[str, list[str]]) -> None:
    """Name the chips left out for a missing metric under the plot: never plotted as 0."""
    if not missing:
        return
    lines = [f"Left out, no {LABELS.get(metric, metric)}: {', '.join(chips)}" for metric, chips in missing.items()]
    figure.add_annotation(
        text="<br>".join(lines),
        xref="paper",
        yref="paper",
        x=0,
        y=-0.16,
        xanchor="left",
        yanchor="top",
        showarrow=False,
        align="left",
        font={"size": 11, "color": "#555"},
    )
    figure.update_layout(margin={"b": 100 + 16 * len(lines)})


def complete(points: pd.DataFrame, metrics: Sequence[str]) -> tuple[pd.DataFrame, dict[str, list[str]]]:
    """The chips that have every metric, and for each metric the chips left out for lacking it."""
    missing = {metric: [chip for chip in points.index if _absent(points.loc[chip, metric])] for metric in metrics}
    keep = [chip for chip in points.index if not any(chip in chips for chips in missing.values())]
    return points.loc[keep], {metric: chips for metric, chips in missing.items() if chips}


def _absent(value: Any) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value))


def _hover(points: pd.DataFrame, fields: Sequence[tuple[str, str, str]]) -> list[str]:
    """Hover text per chip: name, then each (metric, label, unit) with its value and source."""
    texts = []
    for chip, row in points.iterrows():
        lines = [f"<b>{row['name']}</b> ({chip})"]
        for metric, label, unit in fields:
            value = row[metric]
            shown = value.strftime("%Y-%m-%d") if hasattr(value, "strftime") else f"{value:,.4g}"
            lines.append(f"{label}: {shown} {unit}".rstrip() + f"<br>  <i>{row.get(metric + '__source', '')}</i>")
        texts.append("<br>".join(lines))
    return texts


def _scatter_by_vendor(
    figure: go.Figure,
    points: pd.DataFrame,
    x: str,
    y: str,
    fields: Sequence[tuple[str, str, str]],
    sizes: pd.Series | None = None,
    labels: bool = True,
) -> None:
    """One trace per vendor (so the legend names vendors), China-specific parts drawn as diamonds."""
    for vendor, group in points.groupby("vendor", sort=True):
        marker: dict[str, Any] = {
            "color": vendor_colour(str(vendor)),
            "symbol": ["diamond" if flag else "circle" for flag in group["china_specific"]],
            "line": {"width": 1, "color": "#333"},
        }
        marker["size"] = list(sizes.loc[group.index]) if sizes is not None else 11
        figure.add_trace(
            go.Scatter(
                x=list(group[x]),
                y=list(group[y]),
                mode="markers+text" if labels else "markers",
                name=str(vendor),
                text=list(group["name"]),
                textposition="top center",
                textfont={"size": 10},
                marker=marker,
                hovertext=_hover(group, fields),
                hoverinfo="text",
                customdata=list(group.index),
            )
        )


# ---------------------------------------------------------------------------------------------- figures


def _source(sources: dict[tuple[str, str], str] | None, chip: str, metric: str) -> str:
    return f"<br>  <i>{chip}: {sources[chip, metric]}</i>" if sources and (chip, metric) in sources else ""


def ratio_bars(
    comparison: pd.DataFrame, log: bool = True, sources: dict[tuple[str, str], str] | None = None
) -> go.Figure:
    """Each chip's ratio to the baseline on every metric, as horizontal bars, with the 1× line drawn.

    `sources`: (chip, metric) → where the value comes from, shown on hover.
    """
    chips, baseline = comparison.attrs["chips"], comparison.attrs["baseline"]
    figure = go.Figure()
    rows = comparison[::-1]  # plotly draws the first category at the bottom
    for index, chip in enumerate(c for c in chips if c != baseline):
        ratios = rows[f"{chip}/{baseline}"]
        kept = ratios.notna()
        hover = [
            f"<b>{row['label']}</b>: {chip} {row[chip]:,.4g} {row['unit']} vs {baseline} {row[baseline]:,.4g} "
            f"{row['unit']}<br>ratio {row[f'{chip}/{baseline}']:.3g}×"
            + _source(sources, chip, row["metric"])
            + _source(sources, baseline, row["metric"])
            for _, row in rows[kept].iterrows()
        ]
        figure.add_trace(
            go.Bar(
                x=list(ratios[kept]),
                y=list(rows.loc[kept, "label"]),
                orientation="h",
                name=f"{chip} ÷ {baseline}",
                marker_color=OKABE_ITO[index % len(OKABE_ITO)],
                text=[f"{value:.2f}×" for value in ratios[kept]],
                textposition="outside",
                hovertext=hover,
                hoverinfo="text",
            )
        )
    figure.add_vline(x=1, line_dash="dash", line_color="#333", annotation_text="1×", annotation_position="top")
    missing = [row["label"] for _, row in comparison.iterrows() if _all_ratios_missing(row, chips, baseline)]
    _left_out(figure, {"value for both chips": missing} if missing else {})
    figure.update_xaxes(type="log" if log else "linear")
    figure.update_layout(barmode="group", height=max(400, 28 * len(comparison) + 150))
    return _layout(figure, f"Compared with {baseline}: ratio on each metric", f"ratio to {baseline} (×)", "")


def _all_ratios_missing(row: pd.Series, chips: Sequence[str], baseline: str) -> bool:
    return all(_absent(row[f"{chip}/{baseline}"]) for chip in chips if chip != baseline)


def rule_regions(paragraphs: list[dict[str, Any]], x: str, y: str) -> list[dict[str, Any]]:
    """Rectangles of a rule's paragraphs on an x–y plane: {id, x0, x1, y0, y1} (None = unbounded).

    Only paragraphs whose conditions all test x or y are drawable; a.1 (TPP only) spans every y.
    """
    regions = []
    for paragraph in paragraphs:
        bounds: dict[str, list[float | None]] = {x: [None, None], y: [None, None]}
        drawable = True
        for condition in paragraph["conditions"]:
            if condition["metric"] not in bounds:
                drawable = False
                break
            side = 0 if condition["op"] in (">=", ">") else 1
            bounds[condition["metric"]][side] = condition["value"]
        if drawable:
            (x0, x1), (y0, y1) = bounds[x], bounds[y]
            regions.append({"id": paragraph["id"], "x0": x0, "x1": x1, "y0": y0, "y1": y1})
    return regions


AXIS = {
    "tpp": ("TPP (dense TOPS × bit length)", ""),
    "performance_density": ("performance density (TPP per mm² of die)", "per mm²"),
    "memory_bandwidth_gbs": ("memory bandwidth (GB/s)", "GB/s"),
}


def export_map(points: pd.DataFrame, rule: dict[str, Any], y: str = "performance_density") -> go.Figure:
    """TPP against `y` (performance density, or memory bandwidth in GB/s) with the rule's regions shaded."""
    shown, missing = complete(points, ["tpp", y])
    regions = rule_regions(rule["paragraphs"], "tpp", y)
    x_max = max([*shown["tpp"], *(r["x0"] or 0 for r in regions), *(r["x1"] or 0 for r in regions)]) * 1.15
    y_max = max([*shown[y], *(r["y0"] or 0 for r in regions), *(r["y1"] or 0 for r in regions), 1]) * 1.15
    figure = go.Figure()
    case_by_case = rule["kind"] == "case-by-case"
    for region in regions:
        x0, x1 = region["x0"] or 0, region["x1"] or x_max
        y0, y1 = region["y0"] or 0, region["y1"] or y_max
        figure.add_shape(
            type="rect",
            x0=x0,
            x1=x1,
            y0=y0,
            y1=y1,
            fillcolor=BOX_FILL if case_by_case else REGION_FILL,
            line={"color": "#0072B2" if case_by_case else "#D55E00", "width": 1},
            layer="below",
            name=region["id"],
        )
        figure.add_annotation(
            x=x1 if region["x1"] else x0,
            y=y1 if region["y1"] else y0,
            text=region["id"],
            showarrow=False,
            xanchor="right" if region["x1"] else "left",
            yanchor="top" if region["y1"] else "bottom",
            font={"size": 11},
        )
    if not case_by_case:
        figure.add_annotation(
            x=0,
            y=0,
            xanchor="left",
            yanchor="bottom",
            text="not controlled",
            showarrow=False,
            font={"size": 11, "color": "#555"},
        )
    y_label, y_unit = AXIS[y]
    fields = [("tpp", "TPP", ""), (y, y_label.split(" (")[0], y_unit)]
    _scatter_by_vendor(figure, shown, "tpp", y, fields)
    _left_out(figure, missing)
    figure.update_xaxes(range=[0, x_max])
    figure.update_yaxes(range=[0, y_max])
    title = f"{rule['title']} ({rule['citation']}): where each chip falls"
    return _layout(figure, title, AXIS["tpp"][0], y_label)


def roofline(points: pd.DataFrame, metric: str = "bf16_dense_tflops", label: str = "BF16 dense") -> go.Figure:
    """Attainable TFLOP/s against arithmetic intensity (FLOP/byte): min(peak, intensity × bandwidth)."""
    shown, missing = complete(points, [metric, "memory_bandwidth_tbs"])
    intensities = [10 ** (step / 20) for step in range(-20, 81)]  # 0.1 to 10,000 FLOP/byte
    figure = go.Figure()
    for _, row in shown.iterrows():
        peak, bandwidth = row[metric], row["memory_bandwidth_tbs"]  # TFLOP/s and TB/s, so TB/s × FLOP/B = TFLOP/s
        ridge = peak / bandwidth
        colour = vendor_colour(row["vendor"])
        figure.add_trace(
            go.Scatter(
                x=intensities,
                y=[min(peak, intensity * bandwidth) for intensity in intensities],
                mode="lines",
                name=row["name"],
                line={"color": colour, "dash": "dot" if row["china_specific"] else "solid"},
                hovertemplate="%{x:.3g} FLOP/byte → %{y:,.4g} TFLOP/s<extra>" + row["name"] + "</extra>",
            )
        )
        figure.add_trace(
            go.Scatter(
                x=[ridge],
                y=[peak],
                mode="markers+text",
                text=[f"{ridge:,.0f}"],
                textposition="top center",
                marker={"color": colour, "size": 10, "symbol": "diamond" if row["china_specific"] else "circle"},
                showlegend=False,
                hovertext=[
                    f"<b>{row['name']}</b> ridge point {ridge:,.1f} FLOP/byte<br>peak {peak:,.4g} TFLOP/s "
                    f"<i>{row.get(metric + '__source', '')}</i><br>bandwidth {bandwidth:g} TB/s "
                    f"<i>{row.get('memory_bandwidth_tbs__source', '')}</i>"
                ],
                hoverinfo="text",
            )
        )
    _left_out(figure, missing)
    figure.update_xaxes(type="log")
    figure.update_yaxes(type="log")
    title = f"Roofline, {label}: ridge points (FLOP/byte) marked"
    return _layout(figure, title, "arithmetic intensity (FLOP/byte)", f"attainable {label} (TFLOP/s)")


def compute_bandwidth(points: pd.DataFrame, metric: str = "bf16_dense_tflops", label: str = "BF16 dense") -> go.Figure:
    """Compute against memory bandwidth, bubble size memory capacity, colour vendor."""
    shown, missing = complete(points, [metric, "memory_bandwidth_tbs", "memory_capacity_gb"])
    sizes = 8 + shown["memory_capacity_gb"].astype(float).pow(0.5) * 1.6  # area grows with capacity
    fields = [
        (metric, label, "TFLOPS"),
        ("memory_bandwidth_tbs", "memory bandwidth", "TB/s"),
        ("memory_capacity_gb", "memory", "GB"),
    ]
    figure = go.Figure()
    _scatter_by_vendor(figure, shown, "memory_bandwidth_tbs", metric, fields, sizes=sizes)
    _left_out(figure, missing)
    title = f"{label} compute against memory bandwidth (bubble: memory capacity)"
    return _layout(figure, title, "memory bandwidth (TB/s)", f"{label} (TFLOPS)")


def timeline(points: pd.DataFrame, metric: str = "bf16_dense_tflops", label: str = "BF16 dense") -> go.Figure:
    """Launch date against compute (log axis), colour vendor, China-specific parts as diamonds."""
    shown, missing = complete(points, ["launch_date", metric])
    shown = shown.assign(launch_date=pd.to_datetime(shown["launch_date"]))
    figure = go.Figure()
    fields = [("launch_date", "launched", ""), (metric, label, "TFLOPS")]
    _scatter_by_vendor(figure, shown, "launch_date", metric, fields)
    _left_out(figure, missing)
    figure.update_yaxes(type="log")
    title = f"{label} by launch date (diamonds: China-specific parts)"
    return _layout(figure, title, "launch date", f"{label} (TFLOPS, log)")


def profile(comparison: pd.DataFrame, sources: dict[tuple[str, str], str] | None = None) -> go.Figure:
    """Several chips over chosen metrics, each normalised to the baseline (baseline = 1), as grouped bars."""
    chips, baseline = comparison.attrs["chips"], comparison.attrs["baseline"]
    figure = go.Figure()
    for index, chip in enumerate(chips):
        if chip == baseline:
            ratios = [1.0 if not _absent(value) else None for value in comparison[baseline]]
        else:
            ratios = [None if _absent(value) else value for value in comparison[f"{chip}/{baseline}"]]
        figure.add_trace(
            go.Bar(
                x=list(comparison["label"]),
                y=ratios,
                name=chip,
                marker_color=OKABE_ITO[index % len(OKABE_ITO)],
                hovertext=[
                    f"<b>{chip}</b> {row['label']}: {row[chip]:,.4g} {row['unit']}"
                    + _source(sources, chip, row["metric"])
                    for _, row in comparison.iterrows()
                ],
                hoverinfo="text",
            )
        )
    figure.add_hline(y=1, line_dash="dash", line_color="#333")
    figure.update_layout(barmode="group")
    figure.update_yaxes(type="log")
    return _layout(figure, f"Spec profile, normalised to {baseline}", "", f"× {baseline}")
