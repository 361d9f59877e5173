"""The export map: TPP against performance density or memory bandwidth, with a rule's regions shaded at its numbers.

A frame in (points, see gpudb.plots.figures), a plotly Figure out; the regions are drawn from the rule data."""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

import pandas as pd
import plotly.graph_objects as go

from gpudb.plots.labels import Box, add_labels, place, text_size, to_pixels, wrap
from gpudb.plots.style import (
    OVERLAY_FILL,
    OVERLAY_LINE,
    REGION_FILL,
    REGION_LINE,
    add_notes,
    axis_title,
    chip_name,
    complete,
    finish,
    log_ticks,
    number,
    scatter_by_vendor,
)


def rule_regions(paragraphs: list[dict[str, Any]], x: str, y: str) -> list[dict[str, Any]]:
    """Rectangles of a rule's paragraphs on an x–y plane: {id, x0, x1, y0, y1, data_center} (None = unbounded).

    Only paragraphs whose conditions all test x or y are drawable; a.1 (TPP only) spans every y.
    """
    regions = []
    for paragraph in paragraphs:
        bounds: dict[str, list[float | None]] = {x: [None, None], y: [None, None]}
        if not paragraph["conditions"] or any(c["metric"] not in bounds for c in paragraph["conditions"]):
            continue
        for condition in paragraph["conditions"]:
            bounds[condition["metric"]][0 if condition["op"] in (">=", ">") else 1] = condition["value"]
        (x0, x1), (y0, y1) = bounds[x], bounds[y]
        regions.append(
            {
                "id": paragraph["id"],
                "x0": x0,
                "x1": x1,
                "y0": y0,
                "y1": y1,
                "data_center": paragraph.get("requires_data_center", False),
            }
        )
    return regions


# The size the labels are placed for: the article export (gpudb.plots.files.SIZES), also the HTML figure's height.
NOMINAL_WIDTH, NOMINAL_HEIGHT = 1200, 675
REGION_FONT = 11


def _draw_regions(
    figure: go.Figure, regions: list[dict[str, Any]], x_range: tuple[float, float], y_top: float, overlay: bool
) -> None:
    """Shade each region (unbounded sides run to the plot's edges), labelled with its paragraph id."""
    for region in regions:
        mark = "*" if region["data_center"] else ""
        figure.add_shape(
            type="rect",
            x0=region["x0"] if region["x0"] is not None else x_range[0],
            x1=region["x1"] if region["x1"] is not None else x_range[1],
            y0=region["y0"] if region["y0"] is not None else 0,
            y1=region["y1"] if region["y1"] is not None else y_top,
            fillcolor=OVERLAY_FILL if overlay else REGION_FILL,
            line={"color": OVERLAY_LINE if overlay else REGION_LINE, "width": 1.5 if overlay else 1},
            layer="below",
            name=region["id"],
            label={
                "text": region["id"] + mark,
                "textposition": "top right" if region["x1"] is not None and not overlay else "top left",
                "font": {"size": REGION_FONT, "color": OVERLAY_LINE if overlay else "#333"},
            },
        )


# Above this many spots the labels would cover the plot, and placing them cost most of the /plots page at 10,000
# chips (40,000 plotly annotations): the points are named on hover only, and a note says so.
MAX_LABELLED_SPOTS = 300


def export_map(
    points: pd.DataFrame,
    rule: dict[str, Any],
    y: str = "performance_density",
    overlay: dict[str, Any] | None = None,
    colours: Mapping[str, str] | None = None,
) -> go.Figure:
    """TPP (log axis) against `y` — performance density (TPP per mm²) or memory bandwidth (GB/s) — with the
    regions of `rule` (a rule version from gpudb.storage.query.rules) shaded at its numbers, and optionally
    the regions of
    a second rule (`overlay`, e.g. the January 2026 case-by-case box) outlined in blue. Each chip a labelled point."""
    shown, notes = complete(points, ["tpp", y])
    regions = rule_regions(rule["paragraphs"], "tpp", y)
    boxes = rule_regions(overlay["paragraphs"], "tpp", y) if overlay else []
    edges = [v for r in [*regions, *boxes] for v in (r["x0"], r["x1"]) if v]
    x_low = min([*shown["tpp"], *edges, 1000]) / 1.6
    x_high = max([*shown["tpp"], *edges]) * 1.6
    y_edges = [v for r in [*regions, *boxes] for v in (r["y0"], r["y1"]) if v]
    y_top = max([*shown[y], *y_edges, 1]) * 1.15
    figure = go.Figure()
    _draw_regions(figure, regions, (x_low, x_high), y_top, overlay=False)
    _draw_regions(figure, boxes, (x_low, x_high), y_top, overlay=True)
    if rule["kind"] == "thresholds" and y == "performance_density":
        figure.add_annotation(
            text="not controlled",
            xref="paper",
            yref="paper",
            x=0.01,
            y=0.01,
            xanchor="left",
            yanchor="bottom",
            showarrow=False,
            font={"size": 11, "color": "#555"},
            name="not controlled",
        )
    scatter_by_vendor(figure, shown, "tpp", y, ["tpp", y], colours, labels=False)
    spot_count = len(set(zip(shown["tpp"].astype(float), shown[y].astype(float), strict=True)))
    if spot_count > MAX_LABELLED_SPOTS:
        notes.append(f"{spot_count:,} points: too many to label; hover a point for its chips")
    if any(r["data_center"] for r in regions):
        general = [r["id"] for r in regions if not r["data_center"]]
        others = f"; others only under {', '.join(general)}" if general else ""
        notes.append(f"* applies only to parts designed or marketed for data centres{others}")
    add_notes(figure, notes)
    ticks = log_ticks(x_low, x_high)  # 1,000, 2,000, 5,000, 10,000 …: never bare minor digits
    figure.update_xaxes(
        type="log",
        range=[math.log10(x_low), math.log10(x_high)],  # a log axis's range is log10
        tickvals=ticks,
        ticktext=[number(tick) for tick in ticks],
    )
    figure.update_yaxes(range=[0, y_top])
    title = f"{rule['title']}, {rule['citation']}"
    if overlay:
        title += f"<br><sup>blue: {overlay['title']}, {overlay['citation']}</sup>"
    figure.update_layout(
        height=NOMINAL_HEIGHT,
        legend={"orientation": "h", "x": 1, "xanchor": "right", "y": 1.01, "yanchor": "bottom"},
    )
    finish(figure, title, "TPP (dense TOPS × bit length, log)", axis_title(y))
    figure.update_layout(margin={"t": 105})  # the title, its subtitle and the legend above the plot
    if spot_count <= MAX_LABELLED_SPOTS:
        _label_points(figure, _spots(shown, y), [*regions, *boxes], (x_low, x_high), y_top)
    return figure


def plot_area(figure: go.Figure) -> tuple[float, float]:
    """The plot area's (width, height) in pixels at the nominal size, inside the figure's margins."""
    margin = figure.layout.margin
    return NOMINAL_WIDTH - margin.l - margin.r, NOMINAL_HEIGHT - margin.t - margin.b


def _spots(shown: pd.DataFrame, y: str) -> dict[tuple[float, float], list[str]]:
    """The names of the chips at each (TPP, y): chips at one spot share a label."""
    spots: dict[tuple[float, float], list[str]] = {}
    for chip, row in shown.iterrows():
        spots.setdefault((float(row["tpp"]), float(row[y])), []).append(chip_name(shown, str(chip)))
    return spots


def _label_points(
    figure: go.Figure,
    spots: dict[tuple[float, float], list[str]],
    regions: list[dict[str, Any]],
    x_edges: tuple[float, float],
    y_top: float,
) -> None:
    """Label each spot where it overlaps no other label, marker or region label at the nominal size; moved
    labels get a leader line."""
    width, height = plot_area(figure)
    x_range, y_range = (math.log10(x_edges[0]), math.log10(x_edges[1])), (0.0, y_top)
    pixels = [to_pixels(px, py, x_range, y_range, width, height) for px, py in spots]
    texts = [wrap(names) for names in spots.values()]
    offsets = place(pixels, texts, width, height, region_label_boxes(regions, x_edges, y_top, width, height))
    add_labels(figure, [x for x, _ in spots], [v for _, v in spots], texts, offsets)


def region_label_boxes(
    regions: list[dict[str, Any]], x_edges: tuple[float, float], y_top: float, width: float, height: float
) -> list[Box]:
    """Where the regions' labels (and 'not controlled') sit, in pixels: kept clear of the point labels."""
    x_range, y_range = (math.log10(x_edges[0]), math.log10(x_edges[1])), (0.0, y_top)
    boxes = [Box(0, height - 20, 100, height)]  # 'not controlled', bottom left
    for region in regions:
        right = region["x1"] is not None
        corner_x = region["x1"] if right else (region["x0"] if region["x0"] is not None else x_edges[0])
        corner_y = region["y1"] if region["y1"] is not None else y_top
        cx, cy = to_pixels(corner_x, corner_y, x_range, y_range, width, height)
        w, h = text_size(region["id"] + "*", REGION_FONT)
        w, h = w + 6, h + 4
        boxes.append(Box(cx - w, cy, cx, cy + h) if right else Box(cx, cy, cx + w, cy + h))
    return boxes


# ---------------------------------------------------------------------------------------------- throughput
