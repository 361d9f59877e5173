"""The profile figure (gpudb.plots.figures.profile) as plotly's JSON, written from plain dicts, for `gpudb site`,
which draws one on every chip's page: plotly's object model (validating each property as it is set, the 1× line
through add_hline) was most of a page's cost (issue 23). The dict is the one json.loads(profile(...).to_json())
gives, key for key and in the same order (tests/test_site_bulk.py draws every chip both ways and compares the text);
a change to figures.profile or to the style helpers it uses must be made here too, and that test says so.

A point is a plain dict: {"name", "vendor", "availability", "sources": {metric: source text}}; a comparison row is
one of gpudb.analysis.comparison.compare_rows's rows (None where a value is missing)."""

from __future__ import annotations

import html
import json
import math
import textwrap
from collections.abc import Mapping, Sequence
from functools import cache
from typing import Any

from gpudb.plots.style import PATTERNS, log_ticks, number

Point = Mapping[str, Any]


def _absent(value: Any) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value))


def chip_name(points: Mapping[str, Point], chip: str) -> str:
    """style.chip_name on plain points."""
    point = points.get(chip)
    name = str(point["name"]) if point is not None else chip
    if point is not None and point.get("availability") == "announced":
        name += " (announced)"
    return html.escape(name, quote=False)


def source_line(points: Mapping[str, Point], chip: str, key: str) -> str:
    """style.source_line on plain points."""
    point = points.get(chip)
    text = point["sources"].get(key) if point is not None else None
    if not isinstance(text, str):
        return ""
    lines = textwrap.wrap(html.escape(text, quote=False), 100, break_on_hyphens=False)
    return "".join(f"<br>  <i>{line}</i>" for line in lines)


@cache
def _template_text() -> str:
    """plotly's "plotly_white" template as figures.finish gives it (style.white_template), as JSON text."""
    import plotly.graph_objects as go

    from gpudb.plots.style import white_template

    figure = go.Figure()
    white_template(figure)
    return json.dumps(json.loads(figure.to_json())["layout"]["template"])


def template() -> dict[str, Any]:
    """A fresh copy of the template's JSON (a page's figure is its own)."""
    return json.loads(_template_text())


def _notes(rows: Sequence[Mapping[str, Any]], chips: Sequence[str], points: Mapping[str, Point]) -> list[str]:
    """style.comparison_notes on plain rows (each row's "status" says why a value is missing)."""
    lacking: dict[tuple[str, str], list[str]] = {}
    for row in rows:
        for chip in chips:
            if _absent(row[chip]):
                reason = row["status"].get(chip, "unknown").replace("-", " ")
                lacking.setdefault((chip, reason), []).append(row["label"])
    return [
        f"Left out, {chip_name(points, chip)} has no {', '.join(labels)} ({reason})"
        for (chip, reason), labels in lacking.items()
    ]


def profile(
    rows: Sequence[Mapping[str, Any]],
    chips: Sequence[str],
    baseline: str,
    points: Mapping[str, Point],
    colours: Mapping[str, str],
) -> dict[str, Any]:
    """figures.profile's JSON: `rows` the comparison (rows no chip has a value in already dropped, as
    frames._comparison drops them), `colours` every stored vendor's colour (style.vendor_colours)."""
    seen: dict[str, int] = {}
    styles: dict[str, tuple[str, int]] = {}
    for chip in chips:  # style.chip_styles: the vendor's colour, and how many of its chips came before
        vendor = str(points[chip]["vendor"]) if chip in points else chip
        styles[chip] = (colours[vendor], seen.get(vendor, 0))
        seen[vendor] = seen.get(vendor, 0) + 1
    base_name = chip_name(points, baseline)
    data = []
    for chip in (chip for chip in chips if chip != baseline):
        column = f"{chip}/{baseline}"
        kept = [row for row in rows if not _absent(row[column])]
        colour, nth = styles[chip]
        data.append(
            {
                "base": 1,
                "customdata": [[row["metric"], row[column]] for row in kept],
                "hoverinfo": "text",
                "hovertext": [
                    f"<b>{row['label']}</b>: {row[column]:.3g}× {base_name}<br>"
                    f"{chip_name(points, chip)}: {number(row[chip])} {row['unit']}".rstrip()
                    + source_line(points, chip, row["metric"])
                    + f"<br>{base_name}: {number(row[baseline])} {row['unit']}".rstrip()
                    + source_line(points, baseline, row["metric"])
                    for row in kept
                ],
                "marker": {"color": colour, "pattern": {"shape": PATTERNS[nth % len(PATTERNS)]}},
                "name": chip_name(points, chip),
                "x": [row["label"] for row in kept],
                "y": [row[column] - 1 for row in kept],
                "type": "bar",
            }
        )
    layout: dict[str, Any] = {"template": template()}
    layout["shapes"] = [  # style.one_line, horizontal
        {
            "label": {"font": {"size": 11}, "text": f"1× = {base_name}", "textposition": "start", "yanchor": "top"},
            "line": {"color": "#333", "dash": "dash", "width": 1},
            "name": "1×",
            "type": "line",
            "x0": 0,
            "x1": 1,
            "xref": "x domain",
            "y0": 1,
            "y1": 1,
            "yref": "y",
        }
    ]
    notes = _notes(rows, chips, points)
    if notes:  # style.add_notes
        wrapped = [part for line in notes for part in textwrap.wrap(line, 160, subsequent_indent="    ")]
        layout["annotations"] = [
            {
                "align": "left",
                "font": {"color": "#555", "size": 11},
                "name": "notes",
                "showarrow": False,
                "text": "<br>".join(html.escape(line, quote=False) for line in wrapped),
                "x": 0,
                "xanchor": "left",
                "xref": "paper",
                "y": -0.14,
                "yanchor": "top",
                "yref": "paper",
            }
        ]
        layout["margin"] = {"b": 90 + 16 * len(wrapped)}
    layout["barmode"] = "group"
    layout["xaxis"] = {"categoryorder": "array", "categoryarray": [row["label"] for row in rows]}
    # style.ratio_scale, log
    shown = [
        row[f"{chip}/{baseline}"]
        for chip in chips
        if chip != baseline
        for row in rows
        if not _absent(row[f"{chip}/{baseline}"]) and row[f"{chip}/{baseline}"] > 0
    ] or [1.0]
    low, high = min([*shown, 1.0]) / 1.3, max([*shown, 1.0]) * 1.4
    ticks = log_ticks(low, high)
    log = {
        "yaxis.type": "log",
        "yaxis.range": [math.log10(low), math.log10(high)],
        "yaxis.tickvals": ticks,
        "yaxis.ticktext": [f"{tick:g}×" for tick in ticks],
    }
    layout["yaxis"] = {"type": "log", "range": log["yaxis.range"], "tickvals": ticks, "ticktext": log["yaxis.ticktext"]}
    linear = {"yaxis.type": "linear", "yaxis.range": [0, high], "yaxis.tickvals": None}
    layout["updatemenus"] = [
        {
            "active": 0,
            "buttons": [
                {"args": [log], "label": "log", "method": "relayout"},
                {"args": [linear], "label": "linear", "method": "relayout"},
            ],
            "direction": "left",
            "showactive": True,
            "type": "buttons",
            "x": 1,
            "xanchor": "right",
            "y": 1.08,
            "yanchor": "bottom",
        }
    ]
    # style.finish
    layout["xaxis"]["title"] = {"text": ""}
    layout["yaxis"]["title"] = {"text": f"ratio to {base_name} (×, log)"}
    layout["legend"] = {"title": {"text": ""}}
    layout["hoverlabel"] = {"align": "left"}
    layout["title"] = {"text": f"Spec profile, normalised to {base_name}"}
    layout["showlegend"] = True
    layout["margin"] = {**layout.get("margin", {}), "t": 70, "r": 30, **({} if notes else {"b": 60}), "l": 70}
    return {"data": data, "layout": layout}
