"""The table view behind / and /api/table: filter, sort and page the snapshot; cache the pages; stream downloads."""

from __future__ import annotations

import json
import math
import threading
from collections import OrderedDict
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, Any

from sqlalchemy import Engine

from gpudb.storage import query
from gpudb.tiers import inference_label, reading_label, tier_label
from gpudb.web.errors import ParameterError
from gpudb.web.params import Params, TableState, table_state
from gpudb.web.snapshot import COLUMNS, Snapshot, snapshot

if TYPE_CHECKING:
    import pandas as pd

# The compare pages the mission names; the static site writes these (every other chip list comes from the data).
NAMED_COMPARISONS = (("h200-sxm", "h20"), ("h100-sxm", "h20"), ("b200", "h20"), ("h200-sxm", "h100-sxm"))


def resolve_name(engine: Engine, name: str) -> str:
    """query.resolve(name), answered from this build's names (query.unique_name_keys, kept in the snapshot) when the
    name means one chip and no system: a query a name was a tenth of a page's first view."""
    from gpudb.names import name_key

    snap = snapshot(engine)
    if "name_keys" not in snap.extra:
        snap.extra["name_keys"] = query.unique_name_keys(engine)
    return snap.extra["name_keys"].get(name_key(name)) or query.resolve(name, engine)


def resolver(engine: Engine) -> Callable[[str, str], str]:
    """resolve(parameter, name) → id, or a 404 ParameterError naming the parameter and the closest ids."""

    def resolve(parameter: str, name: str) -> str:
        try:
            return resolve_name(engine, name)
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


def ordered_ids(snap: Snapshot, state: TableState) -> pd.Index:
    """The ids of the chips the filters keep, sorted (missing values last in either direction, then by name),
    remembered per build for each filter, sort and order (a page at another offset, or with other columns or
    baseline, reuses them: sorting was most of a new page at 10,000 chips)."""
    key = (state.vendor, state.architecture, state.form_factor, state.rule, state.export, state.china, state.q)
    return cached(snap, "order", (*key, state.sort, state.order), lambda: _ordered_ids(snap, state))


def _ordered_ids(snap: Snapshot, state: TableState) -> pd.Index:
    """ordered_ids, computed: only the name and the sorted column are sorted, not a copy of the whole frame."""
    import pandas as pd

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
    kept = frame.index[mask]
    if state.sort == "export":
        chosen = snap.export_column(state.rule)[kept]
    elif state.sort == frame.index.name:  # the id is the index, not a column
        chosen = pd.Series(kept, index=kept)
    else:
        chosen = frame[state.sort][mask]
    keys = pd.DataFrame({"name": frame["name"][mask], "_sort": chosen}, index=kept)

    def key(series):
        return series.str.lower() if series.dtype == object or str(series.dtype) in {"str", "string"} else series

    # two stable passes: by name, then by the chosen column, keeps ties in name order whatever the direction
    keys = keys.sort_values("name", key=key, kind="mergesort")
    keys = keys.sort_values("_sort", ascending=state.order == "asc", na_position="last", key=key, kind="mergesort")
    return keys.index


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
        cell["working"] = snap.working_of(chip, key)
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
# Pages kept as the bytes or text sent are also bounded by their size, per kind: a JSON page of 100 rows at 10,000
# chips is about 140 KB, so 128 of them were 18 MiB of each worker (benchmarks/NOTES.md, seventh pass).
PAGE_BYTES_CACHED = 6 * 2**20


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


ROW_SETS = 4  # column sets (with baseline and rule) whose rows are kept as JSON, per build and process


def _json(value: Any) -> str:
    """The table API's JSON form of a value (the page is these pieces joined, byte for byte one json.dumps)."""
    return json.dumps(value, default=str, separators=(",", ":"), ensure_ascii=False, allow_nan=False)


def json_page(url: str | Engine | None, params: Params) -> bytes:
    """The table API's page (the JSON twin of the table, one page of rows) as the bytes sent, cached per build by
    its parameters. A page not drawn before is assembled from its rows' JSON, each row written once per build and
    column set: a request at a new offset or sort sorts the ids and joins a hundred kept rows, instead of making
    a thousand cells."""
    engine = query.engine_for(url)
    snap = snapshot(engine)

    def assemble() -> bytes:
        state = table_state(params, snap, resolver(engine))
        ids = ordered_ids(snap, state)
        page = ids[state.offset : state.offset + state.limit].tolist()
        rows = _row_texts(snap, state, page)
        cited = sorted({source_id for _, sources in rows for source_id in sources})
        texts = _source_texts(snap)
        head = _json(table_json(_head(snap, state, len(ids), True)))
        body = ",".join(text for text, _ in rows)
        sources_text = ",".join(f"{_json(source_id)}:{texts[source_id]}" for source_id in cited)
        return f'{head[:-1]},"rows":[{body}],"sources":{{{sources_text}}}}}'.encode()

    return cached(snap, "table-json", params_key(params), assemble)


def _source_texts(snap: Snapshot) -> dict[str, str]:
    """Each cited source's JSON by its id, written once per build (a row keeps only the ids it cites: a copy of
    each source's text in every row it was cited by was 14 MiB of a worker at 10,000 chips)."""
    return snap.extra.setdefault("source-json", {})


def _row_texts(snap: Snapshot, state: TableState, page: list[str]) -> list[tuple[str, tuple[str, ...]]]:
    """Each row of `page` as its JSON text and the ids of the sources it cites, kept per column set; the sources'
    JSON is in _source_texts."""
    context = _context(snap, state, True)
    key = (tuple(context[0]), state.baseline, state.rule)
    sets = snap.extra.setdefault("rows-json", OrderedDict())
    with _VIEWS_LOCK:
        kept = sets.setdefault(key, {})
        sets.move_to_end(key)
        while len(sets) > ROW_SETS:
            sets.popitem(last=False)
    missing = [chip for chip in page if chip not in kept]
    texts = _source_texts(snap)
    for chip, record in zip(missing, _records(snap, missing, context[0]), strict=True):
        sources: dict[str, dict[str, Any]] = {}
        row = _row(snap, state, chip, record, context, sources)
        for source_id, source in sources.items():
            if source_id not in texts:
                texts[source_id] = _json(source)
        kept[chip] = (_json(row), tuple(sources))
    return [kept[chip] for chip in page]


def permalink_query(url: str | Engine | None, params: Params) -> str:
    """The shortest query string for the view `params` ask for ('' for the default view): defaults left out, the
    columns as one comma-separated value. Raises the parameter errors the table page would."""
    engine = query.engine_for(url)
    return table_state(params, snapshot(engine), resolver(engine)).query()


def params_key(params: Params) -> tuple:
    """A hashable form of the query parameters, the same whatever their order."""
    return tuple(sorted((name, tuple(found)) for name, found in params.items()))


class _Kept:
    """One kind's remembered values for a build, least recently used first, and the bytes of those that are pages."""

    def __init__(self) -> None:
        self.values: OrderedDict[Any, Any] = OrderedDict()
        self.page_bytes = 0

    def add(self, key: Any, value: Any) -> None:
        if key in self.values:
            return
        self.values[key] = value
        self.page_bytes += _page_size(value)
        while len(self.values) > 1 and (len(self.values) > VIEWS_CACHED or self.page_bytes > PAGE_BYTES_CACHED):
            _, gone = self.values.popitem(last=False)
            self.page_bytes -= _page_size(gone)


def _page_size(value: Any) -> int:
    """The size of a page kept as sent (bytes or text), 0 for a view kept as objects (bounded by count only)."""
    return len(value) if isinstance(value, (bytes, str)) else 0


def cached(snap: Snapshot, kind: str, key: Any, compute: Callable[[], Any]) -> Any:
    """compute(), remembered for this build under (kind, key); the least recently used go beyond VIEWS_CACHED
    values of the kind or, for pages kept as bytes or text, beyond PAGE_BYTES_CACHED of them."""
    store: _Kept = snap.extra.setdefault(f"cache:{kind}", _Kept())
    with _VIEWS_LOCK:
        if key in store.values:
            store.values.move_to_end(key)
            return store.values[key]
    value = compute()
    with _VIEWS_LOCK:
        store.add(key, value)
    return value


_VIEWS_LOCK = threading.Lock()


def _table(engine: Engine, snap: Snapshot, params: Params, paged: bool, exports: bool) -> dict[str, Any]:
    state = table_state(params, snap, resolver(engine))
    ids = ordered_ids(snap, state)
    page = ids[state.offset : state.offset + state.limit] if paged else ids
    return _view(snap, state, len(ids), page.tolist(), paged, exports)


IDENTITY_FIELDS = ("name", "vendor", "architecture", "form_factor", "china_specific", "_text")


def _records(snap: Snapshot, chips: list[str], shown: list[str]) -> list[dict[str, Any]]:
    """The frame's rows of `chips`, only the columns a view shows (a dict of all 70 columns a row was most of a
    page's cost), read by position from the snapshot's column lists: pandas' .loc and to_dict were half of a
    worker's first thousand pages at 10,000 chips."""
    wanted = list(dict.fromkeys([*IDENTITY_FIELDS, *(k for k in shown if k != "export")]))
    if not chips:
        return []
    positions = snap.positions
    columns = [(key, snap.column_values(key)) for key in wanted]
    return [{key: values[position] for key, values in columns} for position in map(positions.__getitem__, chips)]


def _row(
    snap: Snapshot,
    state: TableState,
    chip: str,
    record: dict[str, Any],
    context: tuple[list[str], dict | None, bool],
    sources: dict[str, dict[str, Any]],
) -> dict[str, Any]:
    """One row of a view: identity, each rule's outcome (when `exports`), and a cell per shown column; the sources
    its cells cite are added to `sources`. `context`: the shown columns, the baseline's values, `exports`."""
    shown, base, exports = context
    row = {key: record[key] for key in ("name", "vendor", "architecture", "form_factor")}
    row = {"id": chip, **row, "china_specific": bool(record["china_specific"]), "text": record["_text"]}
    if exports:
        row["exports"] = snap.exports(chip)
        record["export"] = row["exports"].get(state.rule)
    elif "export" in shown:
        record["export"] = snap.export_column(state.rule)[chip]
    row["cells"] = {key: _cell(snap, chip, key, record[key], base, sources) for key in shown}
    return row


def _context(snap: Snapshot, state: TableState, exports: bool) -> tuple[list[str], dict | None, bool]:
    base = snap.frame.loc[state.baseline].to_dict() if state.baseline else None
    return [k for k in state.columns if k != "name"], base, exports


def _view(
    snap: Snapshot, state: TableState, matched: int, page: list[str], paged: bool, exports: bool
) -> dict[str, Any]:
    """The view of `page` (the ids of some of the `matched` rows): its rows, and each source they cite once."""
    context = _context(snap, state, exports)
    sources: dict[str, dict[str, Any]] = {}
    records = _records(snap, page, context[0])
    rows = [_row(snap, state, chip, record, context, sources) for chip, record in zip(page, records, strict=True)]
    return _head(snap, state, matched, paged) | {"rows": rows, "sources": dict(sorted(sources.items()))}


def _head(snap: Snapshot, state: TableState, matched: int, paged: bool) -> dict[str, Any]:
    """Everything of a view but its rows and their sources."""
    shown = [k for k in state.columns if k != "name"]
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
        "baseline": {"id": state.baseline, "name": snap.frame.loc[state.baseline, "name"]} if state.baseline else None,
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
    ids = ordered_ids(snap, state)
    if "export" in state.columns and state.rule:
        snap.export_column(state.rule)  # computed here, so a failure is an error response, not a cut-off file

    def pages() -> Iterator[dict[str, Any]]:
        for start in range(0, max(len(ids), 1), DOWNLOAD_ROWS):
            yield _view(snap, state, len(ids), ids[start : start + DOWNLOAD_ROWS].tolist(), False, False)

    return pages()


def table_json(view: dict[str, Any]) -> dict[str, Any]:
    """The JSON twin of the table: the same dict without the state object and the chooser lists."""
    return {k: v for k, v in view.items() if k not in {"state", "all_columns", "chips"}}


def _jsonable(value: Any) -> Any:
    return json.loads(json.dumps(value, default=str))
