"""The profile figure (gpudb.plots.figures.profile) as plotly's JSON, written from plain dicts, for `gpudb site`,
which draws one on every chip's page: plotly's object model (validating each property as it is set, the 1× line
through add_hline) was most of a page's cost (issue 23). The dict is the one json.loads(profile(...).to_json())
gives, key for key and in the same order (tests/test_site_bulk.py draws every chip both ways and compares the text);
a change to figures.profile or to the style helpers it uses must be made here too, and that test says so.

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

__all__ = ["profile", "template"]


def profile(
    rows: Sequence[Mapping[str, Any]],
    chips: Sequence[str],
    baseline: str,
    points: Mapping[str, Point],
    colours: Mapping[str, str],
) -> dict[str, Any]:
    """figures.profile's JSON: `rows` the comparison (rows no chip has a value in already dropped, as
    frames._comparison drops them), `colours` every stored vendor's colour (style.vendor_colours)."""
    styles = chip_styles(chips, points, colours)
    base_name = chip_name(points, baseline)
    data = []
    for chip in (chip for chip in chips if chip != baseline):
        column = f"{chip}/{baseline}"
        kept = [row for row in rows if not absent(row[column])]
        data.append(
            {
                **ratio_bar(kept, chip, baseline, points, styles[chip], f" {base_name}"),
                "name": chip_name(points, chip),
                "x": [row["label"] for row in kept],
                "y": [row[column] - 1 for row in kept],
                "type": "bar",
            }
        )
    layout: dict[str, Any] = {"template": template()}
    layout["shapes"] = [one_line(base_name, vertical=False)]
    add_notes(layout, comparison_notes(rows, chips, points))
    layout["barmode"] = "group"
    layout["xaxis"] = {"categoryorder": "array", "categoryarray": [row["label"] for row in rows]}
    ratio_scale(layout, "yaxis", [row[f"{chip}/{baseline}"] for chip in chips if chip != baseline for row in rows])
    finish(layout, f"Spec profile, normalised to {base_name}", "", f"ratio to {base_name} (×, log)")
    return {"data": data, "layout": layout}
