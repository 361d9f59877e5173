"""The table view behind / and /api/table: filter, sort and page the snapshot; cache the pages; stream downloads."""

from __future__ import annotations

import json
import math
import threading
from collections import OrderedDict
from collections.abc import Callable, Iterator
from typing import Any

from sqlalchemy import Engine

from gpudb.storage import query
from gpudb.tiers import inference_label, reading_label, tier_label
from gpudb.web.errors import ParameterError
from gpudb.web.params import Params, TableState, table_state
from gpudb.web.snapshot import COLUMNS, Snapshot, snapshot

# The compare pages the mission names; the static site writes these (every other chip list comes from the data).
NAMED_COMPARISONS = (("h200-sxm", "h20"), ("h100-sxm", "h20"), ("b200", "h20"), ("h200-sxm", "h100-sxm"))


def resolver(engine: Engine) -> Callable[[str, str], str]:
    """resolve(parameter, name) → id, or a 404 ParameterError naming the parameter and the closest ids."""

    def resolve(parameter: str, name: str) -> str:
        try:
            return query.resolve(name, engine)
        except LookupError as error:
            allowed = getattr(error, "suggestions", None) or getattr(error, "candidates", [])
            raise ParameterError(parameter, f"parameter {parameter!r}: {error}", allowed, 404) from None

    return resolve


BAR_SPAN_STEPS = 3  # a ratio bar's half-width stands for 2³ = 8× (or ⅛×); beyond, the bar stops at the edge


def judged_ratio(ratio: float | None, higher_is_better: bool | None) -> dict[str, Any]:
    """How the compare page and the table draw a ratio: a class saying better or worse for this metric (green when
    higher is better and the ratio is above 1, or lower is better and it is below; red the other way; grey when the
    metric has no direction), and a bar whose length is |log₂ ratio| as a percentage of half the cell, capped at
    8×."""
    if ratio is None or ratio <= 0:
        return {"class": "", "bar": 0.0, "side": ""}
    step = math.log2(ratio)
    bar = round(min(abs(step), BAR_SPAN_STEPS) / BAR_SPAN_STEPS * 100, 1)
    side = "above" if step > 0 else "below"
    if abs(step) < 0.14:
        return {"class": "r-0", "bar": bar, "side": side}
    bucket = 1 if abs(step) < 1 else 2 if abs(step) < 2 else 3
    if higher_is_better is None:
        return {"class": "r-neutral", "bar": bar, "side": side}
    better = (step > 0) == higher_is_better
    return {"class": f"r-{'good' if better else 'bad'}{bucket}", "bar": bar, "side": side}


def _plain(value: Any) -> Any:
    """NaN → None, numpy scalars → Python, so rows serialise as JSON."""
    if value is None:
        return None
    if hasattr(value, "item"):
        value = value.item()
    if isinstance(value, float) and math.isnan(value):
        return None
    return value


def filtered(snap: Snapshot, state: TableState):
    """The frame after the filters, sorted (missing values last in either direction, then by name)."""
    frame = snap.frame
    mask = frame["name"].notna()
    for name in ("vendor", "architecture", "form_factor"):
        if getattr(state, name):
            mask &= frame[name].isin(getattr(state, name))
    if state.china:
        mask &= frame["china_specific"].astype(bool) == (state.china == "yes")
    if state.export and state.rule:
        mask &= snap.export_column(state.rule).isin(state.export)
    if state.q:
        mask &= frame["_text"].str.contains(state.q.lower(), regex=False)
    view = frame[mask]
    if state.sort == "export":
        view = view.assign(export=snap.export_column(state.rule)[view.index])
    column = state.sort
    ascending = state.order == "asc"

    def key(series):
        return series.str.lower() if series.dtype == object or str(series.dtype) in {"str", "string"} else series

    # two stable passes: by name, then by the chosen column, keeps ties in name order whatever the direction
    view = view.sort_values("name", key=key, kind="mergesort")
    return view.sort_values(column, ascending=ascending, na_position="last", key=key, kind="mergesort")


SOURCE_FIELDS = ("title", "publisher", "published", "url", "kind", "tier", "read", "read_via")
PROVENANCE_IF_SET = (
    "as_published",
    "sparse_in_source",
    "board_gpus",
    "inference",
    "note",
)  # left out when empty: bytes per page


def _cell(
    snap: Snapshot, chip: str, key: str, value: Any, base: dict | None, sources: dict[str, dict[str, Any]]
) -> dict[str, Any]:
    """One cell: its value and status; a stored entry names its source (added to `sources`, given once per view),
    with the figure as published, sparse_in_source, board_gpus and note when they have something to say."""
    column = COLUMNS[key]
    cell: dict[str, Any] = {"value": _plain(value)}
    if column.kind in {"number", "text"}:
        stored = snap.cells.get((chip, key))
        cell["status"] = stored["status"] if stored else "unknown"
        if stored:
            source = stored["source"]
            cell["source"] = source["id"] if source else None
            if source and source["id"] not in sources:
                sources[source["id"]] = {name: source[name] for name in SOURCE_FIELDS}
            cell |= {name: stored[name] for name in PROVENANCE_IF_SET if stored[name]}
    elif column.kind == "derived":
        cell["status"] = "value" if cell["value"] is not None else "unknown"
        cell["working"] = snap.working.get((chip, key))
    if base is not None and column.numeric:
        reference = _plain(base.get(key))
        ratio = cell["value"] / reference if cell["value"] is not None and reference else None
        cell["ratio"] = ratio
        cell["ratio_class"] = judged_ratio(ratio, column.higher_is_better)["class"]  # the compare page's rule
    return cell


def citation(cell: dict[str, Any], sources: dict[str, dict[str, Any]]) -> str:
    """'Acme X1 Datasheet — Acme, 2024-03-01 (vendor-datasheet; tier 1 vendor) https://…; published as 1979 TFLOPS
    with 2:4 sparsity, halved': everything needed to cite a stored cell, as text; '' when it has no source. A copy
    or quotation says what it was read through; an inferred value says 'inference: <reasoning>'."""
    source = sources.get(cell.get("source") or "")
    if not source:
        return ""
    text = f"{source['title']} — {source['publisher']}, {source['published'] or 'undated'}"
    reading = reading_label(source.get("read"), source.get("read_via"))
    text += f" ({source['kind']}; {tier_label(source['kind'])}{'; ' + reading if reading else ''}) {source['url']}"
    if cell.get("inference"):
        text += f"; {inference_label(cell['inference'])}"
    if cell.get("sparse_in_source"):
        text += f"; published as {cell['as_published']} with 2:4 sparsity, halved"
    if cell.get("board_gpus"):
        text += f"; published for a board of {cell['board_gpus']} GPUs, divided"
    return text


VIEWS_CACHED = 128  # pages kept per kind, database build and process: memory stays bounded whatever the traffic


def table(url: str | Engine | None, params: Params, paged: bool = True, exports: bool = True) -> dict[str, Any]:
    """The table page: the validated state, the columns shown, one page of rows (each cell naming its source) and
    the sources they cite.

    `exports`: give each row its outcome under every rule (the static site filters on them). Not cached: the server
    asks rendered_table, which keeps the bytes it sends; the static site asks once.
    """
    engine = query.engine_for(url)
    return _table(engine, snapshot(engine), params, paged, exports)


def rendered_table(url: str | Engine | None, params: Params, kind: str, render: Callable[[dict[str, Any]], Any]) -> Any:
    """One page of the table drawn by `render` (the JSON bytes, the HTML), cached per build by its parameters;
    the view itself is not kept, so the cache holds only what is sent. Only a valid view is ever drawn, so a cached
    page needs no checking; a new one checks every parameter (raising the 400s) first."""
    engine = query.engine_for(url)
    snap = snapshot(engine)
    return cached(snap, kind, params_key(params), lambda: render(_table(engine, snap, params, True, True)))


def permalink_query(url: str | Engine | None, params: Params) -> str:
    """The shortest query string for the view `params` ask for ('' for the default view): defaults left out, the
    columns as one comma-separated value. Raises the parameter errors the table page would."""
    engine = query.engine_for(url)
    return table_state(params, snapshot(engine), resolver(engine)).query()


def params_key(params: Params) -> tuple:
    """A hashable form of the query parameters, the same whatever their order."""
    return tuple(sorted((name, tuple(found)) for name, found in params.items()))


def cached(snap: Snapshot, kind: str, key: Any, compute: Callable[[], Any]) -> Any:
    """compute(), remembered for this build under (kind, key); the least recently used beyond VIEWS_CACHED go."""
    store = snap.extra.setdefault(f"cache:{kind}", OrderedDict())
    with _VIEWS_LOCK:
        if key in store:
            store.move_to_end(key)
            return store[key]
    value = compute()
    with _VIEWS_LOCK:
        store[key] = value
        while len(store) > VIEWS_CACHED:
            store.popitem(last=False)
    return value


_VIEWS_LOCK = threading.Lock()


def _table(engine: Engine, snap: Snapshot, params: Params, paged: bool, exports: bool) -> dict[str, Any]:
    state = table_state(params, snap, resolver(engine))
    view = filtered(snap, state)
    page = view.iloc[state.offset : state.offset + state.limit] if paged else view
    return _view(snap, state, view, page, paged, exports)


def _view(snap: Snapshot, state: TableState, view, page, paged: bool, exports: bool) -> dict[str, Any]:
    """The view of `page` (some rows of the filtered frame `view`): its rows, and each source they cite once."""
    base = snap.frame.loc[state.baseline].to_dict() if state.baseline else None
    shown = [k for k in state.columns if k != "name"]
    rows = []
    sources: dict[str, dict[str, Any]] = {}
    for chip, record in zip(page.index, page.to_dict("records"), strict=True):
        row = {key: record[key] for key in ("name", "vendor", "architecture", "form_factor")}
        row = {"id": chip, **row, "china_specific": bool(record["china_specific"]), "text": record["_text"]}
        if exports:
            row["exports"] = snap.exports(chip)
            record["export"] = row["exports"].get(state.rule)
        elif "export" in shown:
            record["export"] = snap.export_column(state.rule)[chip]
        row["cells"] = {key: _cell(snap, chip, key, record[key], base, sources) for key in shown}
        rows.append(row)
    matched = len(view)
    return {
        "ok": True,
        "state": state,
        "parameters": dict(state.pairs()),
        "total": len(snap.frame),
        "matched": matched,
        "offset": state.offset,
        "limit": state.limit,
        "next_offset": state.offset + state.limit if paged and state.offset + state.limit < matched else None,
        "previous_offset": max(state.offset - state.limit, 0) if paged and state.offset else None,
        "columns": [COLUMNS[k].__dict__ | {"numeric": COLUMNS[k].numeric} for k in shown],
        "all_columns": [c.__dict__ | {"numeric": c.numeric} for k, c in COLUMNS.items() if k != "name"],
        "rule": next((r for r in snap.rules if r["id"] == state.rule), None),
        "rules": [{"id": r["id"], "title": r["title"], "status": r["status"]} for r in snap.rules],
        "facets": snap.facets,
        "chips": _chips(snap),
        "baseline": {"id": state.baseline, "name": snap.frame.loc[state.baseline, "name"]} if base else None,
        "rows": rows,
        "sources": dict(sorted(sources.items())),
    }


def _chips(snap: Snapshot) -> list[dict[str, str]]:
    """Every chip's id and name (the baseline picker), one list per build shared by every view."""
    if "chips" not in snap.extra:
        snap.extra["chips"] = [{"id": chip, "name": name} for chip, name in snap.frame["name"].items()]
    return snap.extra["chips"]


DOWNLOAD_ROWS = 1_000  # rows made into dicts at a time while a download streams


def table_download(url: str | Engine | None, params: Params) -> Iterator[dict[str, Any]]:
    """Every row of a table view (limit and offset ignored), as views of DOWNLOAD_ROWS rows each, made one at a time
    so a download of 10,000 rows streams in bounded memory. Parameters are checked (and errors raised) here, before
    the first view is asked for."""
    engine = query.engine_for(url)
    snap = snapshot(engine)
    state = table_state(params, snap, resolver(engine))
    view = filtered(snap, state)
    if "export" in state.columns and state.rule:
        snap.export_column(state.rule)  # computed here, so a failure is an error response, not a cut-off file

    def pages() -> Iterator[dict[str, Any]]:
        for start in range(0, max(len(view), 1), DOWNLOAD_ROWS):
            yield _view(snap, state, view, view.iloc[start : start + DOWNLOAD_ROWS], False, False)

    return pages()


def table_json(view: dict[str, Any]) -> dict[str, Any]:
    """The JSON twin of the table: the same dict without the state object and the chooser lists."""
    return {k: v for k, v in view.items() if k not in {"state", "all_columns", "chips"}}


def _jsonable(value: Any) -> Any:
    return json.loads(json.dumps(value, default=str))
