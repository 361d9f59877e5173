"""The export map: TPP against performance density or memory bandwidth, with a rule's regions shaded at its numbers.

A frame in (points, see gpudb.plots.figures), a plotly Figure out; the regions are drawn from the rule data."""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

import pandas as pd
import plotly.graph_objects as go

from gpudb.plots.style import (
    OVERLAY_FILL,
    OVERLAY_LINE,
    REGION_FILL,
    REGION_LINE,
    add_notes,
    axis_title,
    complete,
    finish,
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
                "font": {"size": 11, "color": OVERLAY_LINE if overlay else "#333"},
            },
        )


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
    scatter_by_vendor(figure, shown, "tpp", y, ["tpp", y], colours)
    if any(r["data_center"] for r in regions):
        general = [r["id"] for r in regions if not r["data_center"]]
        others = f"; others only under {', '.join(general)}" if general else ""
        notes.append(f"* applies only to parts designed or marketed for data centres{others}")
    add_notes(figure, notes)
    figure.update_xaxes(type="log", range=[math.log10(x_low), math.log10(x_high)])  # a log axis's range is log10
    figure.update_yaxes(range=[0, y_top])
    title = f"{rule['title']}, {rule['citation']}"
    if overlay:
        title += f"<br><sup>blue: {overlay['title']}, {overlay['citation']}</sup>"
    figure.update_layout(height=600)
    return finish(figure, title, "TPP (dense TOPS × bit length, log)", axis_title(y))


# ---------------------------------------------------------------------------------------------- throughput
