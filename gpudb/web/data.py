"""The data functions behind every page: each returns plain JSON-ready dicts that the HTML template, its JSON
twin under /api and the static site (gpudb site) all use, so the three can never disagree."""

from __future__ import annotations

import json
import math
import threading
from collections import OrderedDict
from collections.abc import Callable, Iterator
from typing import Any

from sqlalchemy import Engine

from gpudb.errors import InvalidArgumentError
from gpudb.metrics.derived import DERIVED, H100_EQUIVALENT_BASE, derive
from gpudb.storage import query
from gpudb.web import figures_bridge, measured_view
from gpudb.web.errors import ParameterError
from gpudb.web.params import Params, TableState, check_names, single, table_state, values
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


def ratio_class(ratio: float | None) -> str:
    """A colour bucket for a ratio on a log₂ scale: r-n3 (≤ ¼) … r-0 (about 1) … r-p3 (≥ 4)."""
    if ratio is None or ratio <= 0:
        return ""
    step = math.log2(ratio)
    if abs(step) < 0.14:
        return "r-0"
    bucket = 1 if abs(step) < 1 else 2 if abs(step) < 2 else 3
    return f"r-{'p' if step > 0 else 'n'}{bucket}"


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


SOURCE_FIELDS = ("title", "publisher", "published", "url", "kind")
PROVENANCE_IF_SET = ("as_published", "sparse_in_source", "board_gpus", "note")  # left out when empty: bytes per page


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
        cell["ratio_class"] = ratio_class(ratio)
    return cell


def citation(cell: dict[str, Any], sources: dict[str, dict[str, Any]]) -> str:
    """'Acme X1 Datasheet — Acme, 2024-03-01 (vendor-datasheet) https://…; published as 1979 TFLOPS with 2:4
    sparsity, halved': everything needed to cite a stored cell, as text; '' when it has no source."""
    source = sources.get(cell.get("source") or "")
    if not source:
        return ""
    text = f"{source['title']} — {source['publisher']}, {source['published'] or 'undated'}"
    text += f" ({source['kind']}) {source['url']}"
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


def accelerator(url: str | Engine | None, name: str) -> dict[str, Any]:
    """The detail page: identity, every value with its source, derived metrics with their working and inputs,
    export status under every rule with the working, the claims that mention the chip, and its plots."""
    from gpudb.analysis.claims import run_checks
    from gpudb.analysis.export_controls import export_status

    engine = query.engine_for(url)
    chip = query.get(name, engine)
    values_ = [v.model_dump(mode="json") for v in chip.values]
    stored = {
        v.metric: float(v.value)
        for v in chip.values
        if v.preferred and v.status == "value" and isinstance(v.value, int | float)
    }
    base = query.numeric_values([H100_EQUIVALENT_BASE], engine)[H100_EQUIVALENT_BASE] or None
    derivations = derive(stored, base)
    derived = [
        {
            "key": d.key,
            "label": d.label,
            "unit": d.unit,
            "description": d.description,
            "value": derivations[d.key].value,
            "working": derivations[d.key].working,
            "inputs": [v["metric"] for v in values_ if v["preferred"] and v["metric"] in derivations[d.key].inputs],
        }
        for d in DERIVED
    ]
    rules = {r["id"]: r for r in query.rules(engine)}
    export = [
        {
            "rule_id": c.rule_id,
            "title": rules[c.rule_id]["title"],
            "citation": rules[c.rule_id]["citation"],
            "rule_status": rules[c.rule_id]["status"],
            "effective": rules[c.rule_id]["effective"],
            "outcome": c.outcome,
            "paragraph": c.paragraph,
            "summary": c.summary,
            "working": c.working,
            "missing": c.missing,
        }
        for c in export_status(chip.id, url=engine)
    ]
    claims_ = [
        _claim(check)
        for check in run_checks(url=engine)
        if chip.id in {check.claim["subject_id"], check.claim["baseline_id"]}
    ]
    identity = chip.model_dump(mode="json", exclude={"values"})
    runs = measured_view.runs(chip.id, engine)
    wanted_plots = [("profile", "Profile", {"ids": [chip.id]})]
    if runs:
        wanted_plots.append(
            ("measured", "Measured by gpudb bench, as a share of the published peak", {"ids": [chip.id]})
        )
    return _jsonable(
        {
            "ok": True,
            "accelerator": identity,
            "values": values_,
            "derived": derived,
            "export_status": export,
            "claims": claims_,
            "measurements": runs,
            "plots": figures_bridge.figures(wanted_plots, engine),
        }
    )


def _claim(check) -> dict[str, Any]:
    from gpudb.analysis.claims import stated_text

    c = check.claim
    return {
        "id": c["id"],
        "claimant": c["claimant"],
        "reported_by": c["reported_by"],
        "date": c["date"],
        "quote": c["quote"],
        "subject": c["subject_id"],
        "baseline": c["baseline_id"],
        "stated": stated_text(c),
        "scope": c["scope"],
        "verdict": check.verdict,
        "explanation": check.explanation,
        "metrics": [{"metric": m.metric, "label": m.label, "figure": m.figure} for m in check.matching],
        "candidates": [
            {"metric": m.metric, "label": m.label, "figure": m.figure, "matches": m.matches} for m in check.candidates
        ],
        "note": c["note"],
        "source_title": c["source_title"],
        "source_url": c["source_url"],
    }


def claims(url: str | Engine | None, params: Params | None = None) -> dict[str, Any]:
    """Every published claim with its verdict and the metric(s) it rests on."""
    from gpudb.analysis.claims import run_checks

    check_names(params or {}, ("verdict",))
    verdict = single(params or {}, "verdict")
    allowed = ("supported", "not-supported", "not-checkable")
    if verdict is not None and verdict not in allowed:
        raise ParameterError(
            "verdict", f"parameter 'verdict': unknown value {verdict!r}; allowed values: " + ", ".join(allowed), allowed
        )
    checks = [_claim(check) for check in run_checks(url=query.engine_for(url))]
    return _jsonable({"ok": True, "claims": [c for c in checks if verdict is None or c["verdict"] == verdict]})


COMPARE_PARAMETERS = ("ids", "baseline", "metrics")


def comparison(url: str | Engine | None, params: Params) -> dict[str, Any]:
    """The compare page: chips (by id, name or alias), the baseline, one row per metric, and the ratio plot."""
    from gpudb.analysis.comparison import compare_rows

    engine = query.engine_for(url)
    check_names(params, COMPARE_PARAMETERS)
    resolve = resolver(engine)
    ids = list(dict.fromkeys(resolve("ids", name) for name in values(params, "ids")))
    chips = [{"id": chip, "name": name} for chip, name in snapshot(engine).frame["name"].items()]
    if not ids:
        return {"ok": True, "chips": [], "baseline": None, "rows": [], "all_chips": chips, "plots": []}
    baseline = single(params, "baseline")
    base = resolve("baseline", baseline) if baseline else ids[-1]
    if base not in ids:
        raise ParameterError(
            "baseline",
            f"parameter 'baseline': {base!r} is not among the chips compared; allowed values: {', '.join(ids)}",
            ids,
        )
    metrics = values(params, "metrics") or None
    try:
        result = compare_rows(ids, base, metrics, engine)
    except InvalidArgumentError as error:
        raise ParameterError("metrics", f"parameter 'metrics': {error}") from None
    names = dict(snapshot(engine).frame["name"].items())
    plots = figures_bridge.figures([("ratio", "Ratio to the baseline", {"ids": ids, "baseline": base})], engine)
    for row in result.rows:
        row["ratio_classes"] = {c: ratio_class(row.get(f"{c}/{base}")) for c in ids if c != base}
    return _jsonable(
        {
            "ok": True,
            "chips": [{"id": chip, "name": names.get(chip, chip)} for chip in result.chips],
            "baseline": result.baseline,
            "ratio_columns": result.ratio_columns,
            "rows": result.rows,
            "all_chips": chips,
            "plots": plots,
        }
    )


def plots(url: str | Engine | None) -> dict[str, Any]:
    """The standard figures (cached per database build)."""
    engine = query.engine_for(url)
    snap = snapshot(engine)
    if "standard" not in snap.extra:
        snap.extra["standard"] = figures_bridge.standard(engine)
    return {"ok": True, "plots": snap.extra["standard"]}


def chip_ids(url: str | Engine | None) -> list[str]:
    """Every accelerator id, in table order."""
    return list(snapshot(query.engine_for(url)).frame.index)


def coverage(url: str | Engine | None, params: Params | None = None) -> dict[str, Any]:
    """What each chip has and how well sourced (a row per chip, a cell per metric), and where sources disagree."""
    from gpudb.analysis.completeness import VENDOR_KINDS, conflicts, missing_core
    from gpudb.analysis.completeness import coverage as cells_of
    from gpudb.metrics.catalogue import METRICS

    check_names(params or {}, ())
    engine = query.engine_for(url)
    cells = cells_of(engine)
    rows: dict[str, dict[str, Any]] = {}
    for cell in cells:
        grade = "vendor" if cell.vendor_sourced else (cell.source_kind or "") if cell.status == "value" else cell.status
        rows.setdefault(cell.accelerator_id, {"id": cell.accelerator_id, "cells": {}})["cells"][cell.metric] = {
            "status": cell.status,
            "grade": grade,
            "source_kind": cell.source_kind,
            "sources": cell.entries,
        }
    gaps = missing_core(cells)
    for chip, row in rows.items():
        row["core_missing"] = gaps.get(chip, [])
    disagreements = [
        {
            "accelerator": conflict.accelerator_id,
            "metric": conflict.metric,
            "spread": conflict.spread,
            "entries": [
                {
                    "value": entry["value_number"] if entry["value_number"] is not None else entry["value_text"],
                    "status": entry["status"],
                    "preferred": entry["preferred"],
                    "unit": entry["unit"],
                    "source": entry["source_id"],
                    "source_title": entry["source_title"],
                    "source_kind": entry["source_kind"],
                }
                for entry in conflict.entries
            ],
        }
        for conflict in conflicts(url=engine)
    ]
    return _jsonable(
        {
            "ok": True,
            "vendor_kinds": list(VENDOR_KINDS),
            "metrics": [{"key": m.key, "label": m.label} for m in METRICS],
            "accelerators": list(rows.values()),
            "conflicts": disagreements,
        }
    )
