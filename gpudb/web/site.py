"""`gpudb site OUTDIR`: the pages written as static files (relative links, no server) that work from any static
host and from file://. The table carries every row and column and is sorted and filtered by static/app.js."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

from gpudb.errors import GpudbError
from gpudb.speed import processes
from gpudb.storage import query, query_systems
from gpudb.web import api, detail_data, page_data, systems_view, table_view
from gpudb.web.caching import versioned_name
from gpudb.web.render import STATIC, StaticLinks, render
from gpudb.web.snapshot import COLUMNS, OUTCOMES

DETAIL_BATCH = 500  # chips whose detail-page data is in memory at once (in each writing process)
DETAIL_WORKERS = 4  # processes writing detail pages at most (one per CPU)


def _write(path: Path, text: str, written: list[Path]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    written.append(path)


class _Details:
    """What writing a batch of detail pages needs: the chips' values, names, measurements and prices are read a
    batch at a time (a few queries a batch, whatever its size), each profile drawn against the baselines loaded
    once."""

    def __init__(self, out_dir: Path, engine: Any, chips: list[str]):
        self.out_dir, self.engine = out_dir, engine
        self.batches = [chips[start : start + DETAIL_BATCH] for start in range(0, len(chips), DETAIL_BATCH)]
        self.loaded = detail_data.Loaded({}, [], None)  # each batch's, with the baselines: see write
        self.profile = detail_data.profile_drawer(engine, self.loaded, detail_data.baselines(engine)[1])

    def write(self, index: int) -> list[Path]:
        """The pages of batch `index`; the files written."""
        batch, written = self.batches[index], list[Path]()
        fresh = detail_data.with_baselines(self.engine, batch)  # into self.loaded, which the drawer reads at each call
        self.loaded.chips, self.loaded.rules, self.loaded.base = fresh.chips, fresh.rules, fresh.base
        for chip in batch:
            detail = page_data.detail(self.engine, chip, self.loaded, self.profile)
            has_plots = any(p["figure"] for p in detail["plots"])
            html = render("accelerator.html", StaticLinks(1), view=detail, page="accelerator", has_plots=has_plots)
            _write(self.out_dir / "accelerators" / f"{chip}.html", html, written)
        return written


_FORKED: _Details | None = None  # the work of the forked writers: set before they are forked, which copies it


def _write_forked(index: int) -> list[Path]:
    assert _FORKED is not None
    return _FORKED.write(index)


def _write_details(out_dir: Path, engine: Any, chips: list[str], written: list[Path]) -> None:
    """Every detail page. Above DETAIL_BATCH × 4 chips, where the system can fork, the batches are shared among a
    process per CPU (at most DETAIL_WORKERS): the pages are independent, and writing 10,000 of them was half of
    `gpudb site`; each process reads its own batches, through its own connections."""
    global _FORKED
    details = _Details(out_dir, engine, chips)
    workers = processes.workers_for(len(details.batches), DETAIL_WORKERS)
    if len(chips) <= DETAIL_BATCH * 4 or not processes.can_fork(workers):
        for index in range(len(details.batches)):
            written.extend(details.write(index))
        return
    engine.dispose(close=False)  # a forked process must not share the parent's pooled connections
    _FORKED = details
    try:
        for paths in processes.in_order(_write_forked, range(len(details.batches)), workers):
            written.extend(paths)
    finally:
        _FORKED = None


def write_site(out_dir: Path, url: Any = None) -> list[Path]:
    """Write index.html, accelerators/<id>.html, systems/<id>.html, compare/<a>-vs-<b>.html, claims.html,
    coverage.html, plots.html, static/ (each file under a versioned name, static/style.1a2b3c4d5e.css, so that a
    host may cache it for a year) and download/; returns the files written."""
    from gpudb.web.app import plotly_js

    engine = query.engine_for(url)
    written: list[Path] = []
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise GpudbError(f"cannot create {out_dir}: {error.strerror}") from None
    every_column = ",".join(key for key in COLUMNS if key != "name")
    view = table_view.table(engine, {"columns": [every_column]}, paged=False)
    default = table_view.table(engine, {"limit": ["1"]})
    visible = {c["key"] for c in default["columns"]}
    view["all_columns"] = default["all_columns"]
    view["state"] = default["state"]  # the form and links show the default view; app.js applies the #fragment
    page = render(
        "table.html",
        StaticLinks(0),
        view=view,
        columns=view["columns"],
        visible=visible,
        outcomes=OUTCOMES,
        page="table",
    )
    _write(out_dir / "index.html", page, written)
    _write_details(out_dir, engine, page_data.chip_ids(engine), written)
    for system_id in sorted(query_systems.system_ids(engine)):  # the pages claims about systems link to
        html = render("system.html", StaticLinks(1), view=systems_view.system_data(engine, system_id), page="systems")
        _write(out_dir / "systems" / f"{system_id}.html", html, written)
    known = set(page_data.chip_ids(engine))
    pairs = [pair for pair in table_view.NAMED_COMPARISONS if set(pair) <= known]
    for pair in pairs:
        view_ = page_data.comparison(engine, {"ids": [",".join(pair)]})
        has_plots = any(p["figure"] for p in view_["plots"])
        html = render(
            "compare.html",
            StaticLinks(1),
            view=view_,
            chosen=list(pair),
            named=pairs,
            page="compare",
            has_plots=has_plots,
        )
        _write(out_dir / "compare" / f"{'-vs-'.join(pair)}.html", html, written)
    empty = page_data.comparison(engine, {})
    html = render("compare.html", StaticLinks(1), view=empty, chosen=[], named=pairs, page="compare")
    _write(out_dir / "compare" / "index.html", html, written)
    coverage = render("coverage.html", StaticLinks(0), view=page_data.coverage(engine), page="coverage")
    _write(out_dir / "coverage.html", coverage, written)
    claims = page_data.claims(engine, with_plots=True)
    html = render("claims.html", StaticLinks(0), view=claims, page="claims", has_plots=bool(claims["plots"]))
    _write(out_dir / "claims.html", html, written)
    plots = page_data.plots(engine)
    html = render("plots.html", StaticLinks(0), view=plots, page="plots", has_plots=bool(plots["plots"]))
    _write(out_dir / "plots.html", html, written)
    for asset in sorted(STATIC.iterdir()):  # each under its versioned name, as the pages link it
        if asset.is_file():
            target = out_dir / "static" / versioned_name(asset.name)
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(asset, target)
            written.append(target)
    _write(out_dir / "static" / versioned_name("plotly.min.js"), plotly_js(), written)
    records = api.table_records(table_view.table(engine, {}, paged=False))
    _write(out_dir / "download" / "table.csv", api.to_csv(records), written)
    _write(out_dir / "download" / "table.json", json.dumps({"ok": True, "rows": records}, indent=1), written)
    _write(out_dir / "download" / "database.json", api.database_json(engine), written)
    _write(out_dir / "download" / "database.csv", api.to_csv(api.database_records(engine, "accelerators")), written)
    return written
