"""The compare page's ratio plot is written as plotly's JSON from plain dicts (gpudb.plots.ratio_json through
frames.ratio_json): it must be the very text plotly's figure objects give (make_figure("ratio")), on pairs, trios,
a lone chip (drawn against its partner) and named baselines, and the page must carry it."""

from __future__ import annotations

import json
import random

from gpudb.analysis.comparison import read_values
from gpudb.plots import frames
from gpudb.storage import build as db
from gpudb.storage import query
from gpudb.web import page_data


def plotly_text(engine, chips: list[str], base: str) -> str:
    return json.dumps(json.loads(frames.make_figure("ratio", ids=chips, baseline=base, url=engine).to_json()))


def test_each_ratio_json_is_plotlys_text(real_db):
    engine = query.engine_for(real_db)
    ids = page_data.chip_ids(engine)
    rng = random.Random(23)
    cases = [(["h200-sxm", "h20"], "h20"), (["h20"], "h20"), (["h100-sxm"], "h100-sxm"), (["h200-sxm"], "h200-sxm")]
    for _ in range(60):
        chips = rng.sample(ids, rng.choice([2, 2, 3, 4]))
        cases.append((chips, rng.choice(chips)))
    known = frames.known_points()
    drawn_with_notes = 0
    for chips, base in cases:
        values, marked = read_values(chips, engine)
        figure = frames.ratio_json(chips, base, values, marked, engine, known)
        assert json.dumps(figure) == plotly_text(engine, chips, base), (chips, base)
        drawn_with_notes += "annotations" in figure["layout"]
    assert drawn_with_notes > 5  # the notes naming what a chip lacks are compared too


def test_the_compare_page_carries_the_ratio_json(real_db):
    view = page_data.comparison(real_db, {"ids": ["h200,h20"]})
    (plot,) = view["plots"]
    assert plot["slug"] == "ratio" and plot["title"] == "Ratio to the baseline"
    assert json.dumps(plot["figure"]) == plotly_text(query.engine_for(real_db), ["h200-sxm", "h20"], "h20")


def test_a_lone_chip_without_a_partner_says_why(minimal_data, tmp_path):
    url = f"sqlite:///{tmp_path / 'minimal.sqlite'}"
    db.build(url, minimal_data)
    (plot,) = page_data.comparison(url, {"ids": ["x1"]})["plots"]
    assert plot == {
        "slug": "ratio",
        "title": "Ratio to the baseline",
        "figure": None,
        "reason": "a ratio plot needs two or more chips; name them",
    }
