"""The rows of the two whole-catalogue grids as HTML, written in Python: the table page (the static site's holds
every row and column, 370,000 cells at 10,000 chips) and the coverage page (230,000 cells). Jinja's per-cell
lookups made rendering them 15 s and 8 s of `gpudb site`. Each column's unchanging parts are prepared once; the
output is the text the template loops wrote before (tests/test_table_rows.py renders both and compares them)."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from markupsafe import Markup, escape

from gpudb.formatting import STATUS_WORDS
from gpudb.web.render import Links, fmt, ratio, source_text

CellWriter = Callable[[dict, dict, Links, dict], str]  # (row, cell, links, sources) → the cell's HTML


def _text(value: Any) -> str:
    """What `{{ value }}` writes: the value as text, HTML-escaped (None as "None", as Jinja writes it)."""
    return str(escape(value))


def _status_word(status: Any) -> str:
    return _text(STATUS_WORDS.get(status, status))


def _numeric_cell(column: dict, hidden: str, sorted_: bool) -> CellWriter:
    label, key = _text(column["label"]), column["key"]
    unit = f" ({_text(column['unit'])})" if column["unit"] else ""
    opening = (
        f'      <td class="num{" sorted" if sorted_ else ""}" data-label="{label}{unit}" '
        f'data-key="{_text(key)}" data-v="'
    )
    derived = column["kind"] == "derived"

    def cell_html(row: dict, cell: dict, links: Links, sources: dict) -> str:
        value = cell.get("value")
        parts = [opening, "" if value is None else _text(value), '"', hidden, ">\n"]
        if value is None:
            word, status = _status_word(cell.get("status")), _text(cell.get("status"))
            parts.append(f'        <span class="status status-{status}" title="{label}: {word}">{word}</span>\n')
        elif derived:
            href = _text(links.accelerator(row["id"], "d-" + key))
            parts.append(f'        <a href="{href}" title="{_text(cell.get("working"))}">{_text(fmt(value))}</a>\n')
        else:
            href = _text(links.accelerator(row["id"], "m-" + key))
            title = _text(source_text(cell, sources))
            parts.append(f'        <a href="{href}" title="{title}">{_text(fmt(value))}</a>\n')
            if cell.get("sparse_in_source"):
                published = _text(cell.get("as_published"))
                parts.append(f'<abbr class="flag" title="published as {published} with 2:4 sparsity; halved">½</abbr>')
            if board := cell.get("board_gpus"):
                gpus = _text(board)
                parts.append(f'<abbr class="flag" title="published for a board of {gpus} GPUs; divided">÷{gpus}</abbr>')
        ratio_class = _text(cell.get("ratio_class") or "")
        parts.append(
            f'        <span class="ratio {ratio_class}">{_text(ratio(cell.get("ratio")))}</span>\n      </td>\n'
        )
        return "".join(parts)

    return cell_html


def table_body(view: dict, columns: Iterable[dict], visible: set[str], links: Links) -> Markup:
    """Every row of `view` (the table page's data) as the `<tr>` elements of its `<tbody>`; `columns` are the
    columns written (hidden unless in `visible`)."""
    state = view["state"]
    sort, baseline, sources = state.sort, state.baseline, view["sources"]
    writers: list[tuple[str, CellWriter]] = []
    for column in columns:
        hidden = "" if column["key"] in visible else " hidden"
        sorted_ = column["key"] == sort
        if column["numeric"]:
            writer = _numeric_cell(column, hidden, sorted_)
        elif column["kind"] == "export":
            writer = _export_cell(hidden)
        elif column["kind"] == "text":
            writer = _text_cell(column, hidden, sorted_)
        else:
            writer = _plain_cell(column, hidden, sorted_)
        writers.append((column["key"], writer))
    lines = []
    for row in view["rows"]:
        cells = row["cells"]
        lines.append(_row_opening(row, baseline, links))
        lines.extend(writer(row, cells[key], links, sources) for key, writer in writers)
        lines.append("    </tr>\n")
    return Markup("".join(lines))  # noqa: S704 - every piece of data above is escaped by _text


def _row_opening(row: dict, baseline: str | None, links: Links) -> str:
    exports = " ".join(f"{_text(rule)}={_text(value)}" for rule, value in row["exports"].items())
    chip = row["id"]
    marked = ' class="baseline"' if chip == baseline else ""
    return (
        f'    <tr data-id="{_text(chip)}" data-vendor="{_text(row["vendor"])}" '
        f'data-architecture="{_text(row["architecture"])}" data-form_factor="{_text(row["form_factor"])}" '
        f'data-china="{"yes" if row["china_specific"] else "no"}" data-text="{_text(row["text"])}" '
        f'data-exports="{exports}"{marked}>\n'
        f'      <th scope="row" data-key="name" data-v="{_text(row["name"])}">'
        f'<a href="{_text(links.accelerator(chip))}">{_text(row["name"])}</a></th>\n'
    )


def _export_cell(hidden: str) -> CellWriter:
    def cell_html(row: dict, cell: dict, links: Links, sources: dict) -> str:
        value = cell.get("value")
        words = _text(str(value).replace("-", " "))
        return (
            f'      <td data-label="Export status" data-key="export" data-v="{_text(value)}"{hidden}>'
            f'<span class="outcome outcome-{_text(value)}">{words}</span></td>\n'
        )

    return cell_html


def _opening(column: dict, sorted_: bool) -> str:
    """The start of a text or plain cell, up to its data-v value."""
    return (
        f'      <td class="{"sorted" if sorted_ else ""}" data-label="{_text(column["label"])}" '
        f'data-key="{_text(column["key"])}" data-v="'
    )


def _text_cell(column: dict, hidden: str, sorted_: bool) -> CellWriter:
    opening, key = _opening(column, sorted_), column["key"]

    def cell_html(row: dict, cell: dict, links: Links, sources: dict) -> str:
        value = cell.get("value")
        head = f'{opening}{_text(value or "")}"{hidden}>'
        if value is None:
            status = cell.get("status")
            return f'{head}<span class="status status-{_text(status)}">{_status_word(status)}</span></td>\n'
        href = _text(links.accelerator(row["id"], "m-" + key))
        return f'{head}<a href="{href}" title="{_text(source_text(cell, sources))}">{_text(value)}</a></td>\n'

    return cell_html


def _plain_cell(column: dict, hidden: str, sorted_: bool) -> CellWriter:
    opening = _opening(column, sorted_)

    def cell_html(row: dict, cell: dict, links: Links, sources: dict) -> str:
        text = _text(fmt(cell.get("value")))
        return f'{opening}{text}"{hidden}>{text}</td>\n'

    return cell_html


def coverage_body(view: dict, links: Links) -> Markup:
    """The coverage page's rows (`view`: page_data.coverage) as the `<tr>` elements of its grid's `<tbody>`."""
    metrics = [metric["key"] for metric in view["metrics"]]
    lines = []
    for row in view["accelerators"]:
        chip = _text(row["id"])
        lines.append(f'  <tr>\n    <th scope="row"><a href="{_text(links.accelerator(row["id"]))}">{chip}</a></th>\n')
        cells = row["cells"]
        lines.extend(_coverage_cell(cells.get(key, {})) for key in metrics)
        missing = _text(", ".join(row["core_missing"]) or "none")
        lines.append(f"    <td>{missing}</td>\n  </tr>\n")
    return Markup("".join(lines))  # noqa: S704 - every piece of data above is escaped by _text


def _coverage_cell(cell: dict) -> str:
    status, kind = cell.get("status"), cell.get("source_kind")
    title = _text(status if status is not None else "")
    if kind:
        read = cell.get("source_read")
        title += f", {_text(kind)} (tier {_text(cell.get('source_tier'))}"
        title += f", read as a {_text(read)})" if read != "original" else ")"
    grade = cell.get("grade") or "unknown"
    if status == "value":
        letter = "V" if grade == "vendor" else ("E" if grade == "estimate" else "R")
        content = letter + (_text(cell["sources"]) if cell.get("sources", 0) > 1 else "")
    else:
        content = f'<span class="status status-{_text(status)}">{_status_word(status)}</span>'
    return f'    <td class="cov-{_text(grade)}" title="{title}">{content}</td>\n'
