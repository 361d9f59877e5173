"""The ratio figure (gpudb.plots.figures.ratio_bars, log axis) as plotly's JSON, written from plain dicts, for the
compare page: plotly's object model was most of a first view's time (issue 23). The dict is the one
json.loads(ratio_bars(...).to_json()) gives, key for key and in the same order (tests/test_compare_json.py draws
pairs both ways and compares the text); a change to figures.ratio_bars must be made here too.

Points and comparison rows are gpudb.plots.figure_json's."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from gpudb.plots.figure_json import (
    Point,
    absent,
    add_notes,
    chip_name,
    chip_styles,
    comparison_notes,
    finish,
    one_line,
    ratio_bar,
    ratio_scale,
    template,
)


def ratio_bars(
    rows: Sequence[Mapping[str, Any]],
    chips: Sequence[str],
    baseline: str,
    points: Mapping[str, Point],
    colours: Mapping[str, str],
) -> dict[str, Any]:
    """figures.ratio_bars's JSON: each chip's ratio to the baseline on every row, horizontal bars from the 1× line;
    `rows` the comparison (rows no chip has a value in already dropped, as frames._comparison drops them),
    `colours` every stored vendor's colour (style.vendor_colours)."""
    others = [chip for chip in chips if chip != baseline]
    styles = chip_styles(chips, points, colours)
    names = {chip: chip_name(points, chip) for chip in chips}
    data = []
    for chip in others:
        column = f"{chip}/{baseline}"
        kept = [row for row in rows if not absent(row[column])]
        data.append(
            {
                **ratio_bar(kept, chip, baseline, points, styles[chip], ""),
                "name": f"{names[chip]} ÷ {names[baseline]}",
                "orientation": "h",
                "text": [f"{row[column]:.2f}×" for row in kept],
                "textposition": "outside",
                "x": [row[column] - 1 for row in kept],
                "y": [row["label"] for row in kept],
                "type": "bar",
            }
        )
    layout: dict[str, Any] = {"template": template()}
    layout["shapes"] = [one_line(names[baseline], vertical=True)]
    add_notes(layout, comparison_notes(rows, chips, points))
    ratio_scale(layout, "xaxis", [row[f"{chip}/{baseline}"] for chip in others for row in rows])
    layout["yaxis"] = {"autorange": "reversed"}  # the comparison's first metric at the top
    layout["barmode"] = "group"
    layout["height"] = max(420, 26 * len(rows) * max(1, len(others)) + 200)
    title = f"Compared with {names[baseline]}: ratio on each metric"
    finish(layout, title, f"ratio to {names[baseline]} (×)", "")
    return {"data": data, "layout": layout}
