"""The JSON API under /api (the twin of every page, from the same data functions) and the downloads."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from typing import Annotated, Any

from fastapi import APIRouter, Path, Query, Request
from fastapi.responses import JSONResponse, Response, StreamingResponse

from gpudb.storage import query
from gpudb.web import page_data, table_view
from gpudb.web.errors import ParameterError, not_allowed
from gpudb.web.openapi import ERROR_RESPONSES, download_responses
from gpudb.web.params import (
    FORMATS,
    NO_PARAMETERS,
    TABLES,
    ReadsItsOwnQuery,
    check_names,
    choice,
    params_of,
    single,
    values,
)
from gpudb.web.snapshot import COLUMNS, snapshot

router = APIRouter(responses=ERROR_RESPONSES)
Id = Annotated[str, Path(description="Accelerator id, name or alias, e.g. h20 or H200.")]


async def api_table(
    request: Request,
    sort: Annotated[
        str | None, Query(description="Column key to sort by (missing values last). Default: name.")
    ] = None,
    order: Annotated[str | None, Query(description="asc or desc.")] = None,
    columns: Annotated[
        str | None, Query(description="Comma-separated column keys to return (see /api/metrics).")
    ] = None,
    vendor: Annotated[list[str] | None, Query(description="Only these vendors (repeatable).")] = None,
    architecture: Annotated[list[str] | None, Query(description="Only these architectures (repeatable).")] = None,
    form_factor: Annotated[list[str] | None, Query(description="Only these form factors (repeatable).")] = None,
    rule: Annotated[
        str | None, Query(description="Rule version id for the export column and filter. Default: the newest in force.")
    ] = None,
    export: Annotated[
        list[str] | None, Query(description="Only chips with this outcome under the rule (repeatable).")
    ] = None,
    china: Annotated[str | None, Query(description="yes or no: China-specific parts only, or none of them.")] = None,
    q: Annotated[
        str | None,
        Query(description="Free text matched against id, name, vendor, architecture, form factor and aliases."),
    ] = None,
    baseline: Annotated[
        str | None, Query(description="A chip: every numeric cell also gets its ratio to this chip.")
    ] = None,
    limit: Annotated[
        str | None, Query(description="Page size, 1 to 1000 (default 100); every row is /download/table.")
    ] = None,
    offset: Annotated[str | None, Query(description="Rows to skip (default 0).")] = None,
) -> Response:

    # The page's bytes are made once per view and build, and sent as they are (gzip measured: no gain on loopback).
    # Made on the event loop, not in a worker thread: the work is Python under the GIL either way, and the hand-off
    # to the thread pool and back was about 0.1 ms of CPU a request (the middleware already reads the snapshot here).
    return Response(table_view.json_page(request.app.state.url, params_of(request)), media_type="application/json")


router.add_api_route(
    "/api/accelerators",
    api_table,
    methods=["GET"],
    summary="The table: accelerators with metric values, filtered, sorted and paged",
    route_class_override=ReadsItsOwnQuery,  # the parameters above describe the route; the endpoint reads them
)


@router.get(
    "/api/accelerators/{name}",
    summary="One accelerator: values with sources, derived metrics, export status",
    dependencies=NO_PARAMETERS,
)
def api_accelerator(request: Request, name: Id) -> dict[str, Any]:
    return page_data.accelerator(request.app.state.url, name)


@router.get(
    "/api/accelerators/{name}/values",
    summary="Every stored value of one accelerator with its provenance",
    dependencies=NO_PARAMETERS,
)
def api_values(request: Request, name: Id) -> dict[str, Any]:
    chip = query.get(name, query.engine_for(request.app.state.url))
    return {"ok": True, "accelerator": chip.id, "values": [v.model_dump(mode="json") for v in chip.values]}


@router.get("/api/accelerators/{name}/export-status", summary="One accelerator under every export rule, with working")
def api_export_status(
    request: Request,
    name: Id,
    rule: Annotated[str | None, Query(description="One rule version id (default: every rule).")] = None,
) -> dict[str, Any]:
    params = params_of(request)
    check_names(params, ("rule",))
    engine = query.engine_for(request.app.state.url)
    chosen = choice(params, "rule", [r["id"] for r in query.rules(engine)], what="rule")
    view = page_data.accelerator(engine, name)
    found = [c for c in view["export_status"] if chosen is None or c["rule_id"] == chosen]
    return {"ok": True, "accelerator": view["accelerator"]["id"], "export_status": found}


@router.get("/api/compare", summary="Every metric of several chips, with each chip's ratio to a baseline")
def api_compare(
    request: Request,
    ids: Annotated[
        str | None, Query(description="Chips to compare, comma-separated or repeated (ids, names or aliases).")
    ] = None,
    baseline: Annotated[
        str | None, Query(description="The chip ratios are taken against (default: the last chip).")
    ] = None,
    metrics: Annotated[
        str | None, Query(description="Comma-separated metric keys (default: every metric with a value).")
    ] = None,
) -> dict[str, Any]:
    params = params_of(request)
    if not values(params, "ids"):  # absent, empty, or only commas and spaces
        raise ParameterError("ids", "parameter 'ids' is required: the chips to compare, e.g. ids=h200,h20")
    view = page_data.comparison(request.app.state.url, params)
    return {k: v for k, v in view.items() if k != "all_chips"}


@router.get("/api/names", summary="Chips whose id, name or an alias contains q (at most 20): the compare pickers")
def api_names(
    request: Request, q: Annotated[str | None, Query(description="Part of a chip's name, e.g. h20.")] = None
) -> dict[str, Any]:
    return page_data.names(request.app.state.url, params_of(request))


@router.get("/api/coverage", summary="What each chip has, how well sourced, and where sources disagree")
def api_coverage(request: Request) -> dict[str, Any]:
    return page_data.coverage(request.app.state.url, params_of(request))


@router.get(
    "/api/crosscheck", summary="Peak tables of other projects (data/peers/) against gpudb, each entry classified"
)
def api_crosscheck(
    request: Request,
    peer: Annotated[str | None, Query(description="One peer table, e.g. torchtitan (default: all).")] = None,
    verdict: Annotated[str | None, Query(description="Only entries with this verdict, e.g. sparse-as-dense.")] = None,
) -> dict[str, Any]:
    return page_data.crosscheck(request.app.state.url, params_of(request))


@router.get("/api/claims", summary="Every published claim with its verdict line: stated figure, closest, gap, grade")
def api_claims(
    request: Request,
    verdict: Annotated[str | None, Query(description="matches, roughly, does-not-match or not-checkable.")] = None,
) -> dict[str, Any]:
    return page_data.claims(request.app.state.url, params_of(request))


@router.get("/api/plots", summary="The standard figures as plotly JSON", dependencies=NO_PARAMETERS)
def api_plots(request: Request) -> dict[str, Any]:
    return page_data.plots(request.app.state.url)


@router.get(
    "/api/metrics",
    summary="Every column of the table: key, label, unit, description and kind",
    dependencies=NO_PARAMETERS,
)
def api_metrics(request: Request) -> dict[str, Any]:
    return {"ok": True, "columns": [c.__dict__ | {"numeric": c.numeric} for c in COLUMNS.values()]}


@router.get("/api/rules", summary="Every export-rule version, oldest first", dependencies=NO_PARAMETERS)
def api_rules(request: Request) -> dict[str, Any]:
    rules = query.rules(query.engine_for(request.app.state.url))
    return {"ok": True, "rules": json.loads(json.dumps(rules, default=str))}


# ------------------------------------------------------------------------------------------------ downloads


def _format(params: dict[str, list[str]]) -> str:
    fmt = single(params, "format")
    if fmt is None:
        raise ParameterError("format", "parameter 'format' is required; allowed values: csv, json", FORMATS)
    if fmt not in FORMATS:
        raise not_allowed("format", fmt, FORMATS, "format")
    return fmt


def _attachment(body: str, name: str, fmt: str) -> Response:
    media = "text/csv; charset=utf-8" if fmt == "csv" else "application/json"
    return Response(body, media_type=media, headers={"content-disposition": f'attachment; filename="{name}.{fmt}"'})


def table_records(view: dict[str, Any]) -> list[dict[str, Any]]:
    """The rows of a table view as flat records that stand alone: id, name, each column (export under the rule),
    beside each stored value its source cited in full (`<key>_source`), beside each derived one its working
    (`<key>_working`), and the ratios to the baseline.

    A cell with no value says why when it is known: 'not-supported' or 'not-applicable'; unknown stays empty.
    """
    rule = view["rule"]["id"] if view["rule"] else None
    base = view["baseline"]["id"] if view["baseline"] else None
    records = []
    for row in view["rows"]:
        record = {"id": row["id"], "name": row["name"]}
        for column in view["columns"]:
            key = f"export_{rule}" if column["key"] == "export" else column["key"]
            cell = row["cells"][column["key"]]
            status = cell.get("status", "value")
            record[key] = cell["value"] if status in ("value", "unknown") else status
            if column["kind"] in ("number", "text"):
                record[f"{key}_source"] = table_view.citation(cell, view["sources"])
            elif column["kind"] == "derived":
                record[f"{key}_working"] = cell["working"] or ""
        if base:
            for column in view["columns"]:
                if column["numeric"]:
                    record[f"{column['key']}/{base}"] = row["cells"][column["key"]]["ratio"]
        records.append(record)
    return records


def to_csv(records: list[dict[str, Any]], header: bool = True) -> str:
    buffer = io.StringIO()
    if records:
        writer = csv.DictWriter(buffer, fieldnames=list(records[0]), lineterminator="\n")
        if header:
            writer.writeheader()
        writer.writerows(records)
    return buffer.getvalue()


def _csv_lines(pages: Iterator[dict[str, Any]]) -> Iterator[str]:
    for number, view in enumerate(pages):
        yield to_csv(table_records(view), header=number == 0)


def _json_lines(pages: Iterator[dict[str, Any]]) -> Iterator[str]:
    """One JSON document, written as it goes: the view's parameters and rule, then one row per line."""
    first = True
    for view in pages:
        if first:
            head = {"ok": True, "parameters": view["parameters"], "rule": view["rule"]["id"] if view["rule"] else None}
            yield json.dumps(head)[:-1] + ', "rows": ['
        for record in table_records(view):
            yield ("\n" if first else ",\n") + json.dumps(record, default=str)
            first = False
    yield "\n]}\n"


@router.get(
    "/download/table",
    summary="The current table view (same filters and sort, every page, each value with its source) as CSV or JSON",
    responses=download_responses("text/csv", "application/json"),
)
def download_table(
    request: Request, format: Annotated[str | None, Query(description="csv or json.")] = None
) -> Response:  # noqa: A002
    params = params_of(request)
    fmt = _format(params)
    params.pop("format")
    pages = table_view.table_download(request.app.state.url, params)  # checks the parameters before anything is sent
    lines = _csv_lines(pages) if fmt == "csv" else _json_lines(pages)
    media = "text/csv; charset=utf-8" if fmt == "csv" else "application/json"
    disposition = f'attachment; filename="gpudb-table.{fmt}"'
    return StreamingResponse(lines, media_type=media, headers={"content-disposition": disposition})


def _export_frames(url: Any) -> dict[str, Any]:
    """Every table of the database as `gpudb export` writes it, as frames (read once per build)."""
    from gpudb.dataset_export import tables

    engine = query.engine_for(url)
    snap = snapshot(engine)
    if "database" not in snap.extra:
        snap.extra["database"] = tables(engine)
    return snap.extra["database"]


def database_records(url: Any, name: str) -> list[dict[str, Any]]:
    """One exported table as records, as JSON gives them (ISO dates, null for a missing value)."""
    return json.loads(_export_frames(url)[name].to_json(orient="records", date_format="iso"))


def database_json(url: Any) -> str:
    """The whole database as one JSON document, {"ok": true, "<table>": [records…], …}: each table's records as
    pandas writes them (at 10,000 chips, parsing them back into Python objects and writing them again with an indent
    was 8 s of `gpudb site` and 200 MB of a download)."""
    frames = _export_frames(url)
    parts = [
        f"{json.dumps(name)}:{frame.to_json(orient='records', date_format='iso')}" for name, frame in frames.items()
    ]
    return '{"ok":true,' + ",".join(parts) + "}"


@router.get(
    "/download/database",
    summary="The whole database: JSON (every table) or CSV (one table)",
    responses=download_responses("text/csv", "application/json"),
)
def download_database(
    request: Request,
    format: Annotated[str | None, Query(description="csv or json.")] = None,  # noqa: A002
    table: Annotated[
        str | None, Query(description="For CSV: one exported table, accelerators (default) … dictionary.")
    ] = None,
) -> Response:
    params = params_of(request)
    check_names(params, ("format", "table"))
    fmt = _format(params)
    name = choice(params, "table", TABLES, "accelerators", "table")
    url = request.app.state.url
    if fmt == "json":
        if single(params, "table"):
            return _attachment(json.dumps(database_records(url, name), indent=1), f"gpudb-{name}", "json")
        return _attachment(database_json(url), "gpudb", "json")
    return _attachment(to_csv(database_records(url, name)), f"gpudb-{name}", "csv")


@router.get(
    "/download/crosscheck",
    summary="The cross-check entries (same peer and verdict filters) as CSV or JSON",
    responses=download_responses("text/csv", "application/json"),
)
def download_crosscheck(
    request: Request,
    format: Annotated[str | None, Query(description="csv or json.")] = None,  # noqa: A002
    peer: Annotated[str | None, Query(description="One peer table (default: all).")] = None,
    verdict: Annotated[str | None, Query(description="Only entries with this verdict.")] = None,
) -> Response:
    params = params_of(request)
    fmt = _format(params)
    params.pop("format")
    view = page_data.crosscheck(request.app.state.url, params)
    name = f"gpudb-crosscheck-{view['peer'] or 'all'}"
    if fmt == "json":
        return _attachment(json.dumps(view["rows"], indent=1), name, "json")
    return _attachment(to_csv(view["rows"]), name, "csv")


@router.get("/api/health", include_in_schema=False)
def health(request: Request) -> JSONResponse:
    """200 when the database can be read now (not only when it could at start-up), else 503 with why."""
    from gpudb import settings
    from gpudb.storage.engines import check_usable, open_for_reading

    url = request.app.state.url or settings.database_url()
    check_usable(open_for_reading(url), url)  # a DatabaseError becomes the one 503 error shape
    return JSONResponse({"ok": True})
