"""The table page's rows written in Python (gpudb/web/table_rows.py) are the text the Jinja loop wrote: the loop is
kept as tests/fixtures/table_rows_reference.html and both render the same views of the real catalogue, whose
cells include every kind (statuses, sparse and per-board flags, derived workings, text, export outcomes)."""

from pathlib import Path

import pytest

from gpudb.web import table_view
from gpudb.web.render import ENV, Links, StaticLinks
from gpudb.web.snapshot import COLUMNS
from gpudb.web.table_rows import table_body

REFERENCE = ENV.from_string((Path(__file__).parent / "fixtures" / "table_rows_reference.html").read_text())
EVERY_COLUMN = ",".join(key for key in COLUMNS if key != "name")
VIEWS = [
    {},
    {"baseline": ["h20"]},
    {"columns": [EVERY_COLUMN]},
    {"columns": [EVERY_COLUMN], "baseline": ["h100-sxm"], "sort": ["tpp"], "order": ["desc"]},
    {"sort": ["memory_type"], "vendor": ["NVIDIA", "Huawei"]},
    {"q": ["no chip is called this"]},
]


@pytest.mark.parametrize("params", VIEWS, ids=lambda p: ",".join(p) or "default")
@pytest.mark.parametrize("links", [Links(), StaticLinks(0)], ids=["server", "site"])
def test_the_rows_are_the_text_the_template_loop_wrote(real_db, params, links):
    view = table_view.table(real_db, params, paged=False)
    visible = {column["key"] for column in table_view.table(real_db, {"limit": ["1"]})["columns"]}
    expected = REFERENCE.render(view=view, columns=view["columns"], visible=visible, links=links, state=view["state"])
    assert str(table_body(view, view["columns"], visible, links)) == expected


def test_the_full_table_has_every_kind_of_cell(real_db):
    """What the comparison above covers: without these the equality would say little."""
    view = table_view.table(real_db, {"columns": [EVERY_COLUMN]}, paged=False)
    html = str(table_body(view, view["columns"], set(), Links()))
    assert html.count("<tr ") == len(view["rows"]) > 80
    for piece in (
        'with 2:4 sparsity; halved">½</abbr>',
        'GPUs; divided">÷',
        "status status-not-supported",
        "outcome-controlled",
        'title="TPP',
        " hidden>",
    ):
        assert piece in html


def test_text_from_data_is_escaped_in_the_rows():
    view = {
        "state": type("State", (), {"sort": "name", "baseline": None})(),
        "sources": {},
        "rows": [
            {
                "id": "x<y",
                "name": '<script>"',
                "vendor": "A&B",
                "architecture": None,
                "form_factor": "PCIe",
                "china_specific": False,
                "text": "'",
                "exports": {"r": "named"},
                "cells": {"memory_type": {"value": "<b>", "status": "value"}},
            }
        ],
    }
    column = {"key": "memory_type", "label": "Memory <type>", "unit": "", "kind": "text", "numeric": False}
    html = str(table_body(view, [column], {"memory_type"}, Links()))
    assert "<script>" not in html and "<b>" not in html
    assert 'data-v="&lt;script&gt;&#34;"' in html and "A&amp;B" in html


COVERAGE_REFERENCE = ENV.from_string((Path(__file__).parent / "fixtures" / "coverage_rows_reference.html").read_text())


@pytest.mark.parametrize("links", [Links(), StaticLinks(0)], ids=["server", "site"])
def test_the_coverage_rows_are_the_text_the_template_loop_wrote(real_db, links):
    from gpudb.web import page_data
    from gpudb.web.table_rows import coverage_body

    view = page_data.coverage(real_db)
    html = str(coverage_body(view, links))
    assert html == COVERAGE_REFERENCE.render(view=view, links=links)
    # what the comparison covers: every grade and status, counts of sources, copies, chips missing core metrics
    for piece in ('class="cov-vendor"', "read as a copy", "status-not-disclosed", "status-not-supported", ">V2<"):
        assert piece in html
    assert html.count("<tr>") == len(view["accelerators"]) > 100
