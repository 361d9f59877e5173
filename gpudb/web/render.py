"""Jinja2 rendering shared by the app and the static site: one autoescaping environment, number formats, and
the links a page needs (absolute paths on the server, relative .html files in the static site)."""

from __future__ import annotations

import functools
import json
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlencode

from jinja2 import Environment, FileSystemLoader, Undefined, select_autoescape
from markupsafe import Markup

from gpudb.formatting import STATUS_WORDS, format_number, yes_no

TEMPLATES = Path(__file__).parent / "templates"
STATIC = Path(__file__).parent / "static"


def fmt(value: Any) -> str:
    """2,368 / 6.69 / 0.0337; '' for None; text as it is."""
    if value is None or isinstance(value, Undefined):
        return ""
    if isinstance(value, bool):
        return yes_no(value)
    if isinstance(value, int | float):
        return format_number(float(value))
    return str(value)


def ratio(value: float | None) -> str:
    return f"{format_number(float(value))}×" if isinstance(value, int | float) and not isinstance(value, bool) else ""


def json_script(value: Any) -> Markup:
    """JSON safe inside <script type="application/json">: '<', '>' and '&' escaped as JSON unicode escapes."""
    text = json.dumps(value, default=str, separators=(",", ":"))
    text = text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
    return Markup(text)  # noqa: S704 - escaped above; HTML escaping would corrupt JSON inside <script>


def source_text(cell: dict, sources: dict[str, dict]) -> str:
    """'Source: title — publisher, 2024-03-01 (vendor-datasheet) https://…' for a cell's tooltip; `sources` is
    the view's sources by id."""
    from gpudb.web.table_view import citation

    text = citation(cell, sources)
    return f"Source: {text}" if text else ""


class Links:
    """URLs on the running server."""

    static_site = False

    def home(self, query: str = "") -> str:
        return "/" + query

    def accelerator(self, chip: str, anchor: str = "") -> str:
        return f"/accelerators/{quote(chip)}" + (f"#{anchor}" if anchor else "")

    def system(self, system_id: str) -> str:
        return f"/systems/{quote(system_id)}"

    def entry(self, kind: str | None, entry_id: str) -> str:
        """The page of a chip or of a system, by the kind a page's data gives it ("system" or "accelerator"): a
        claim's subject or baseline may be either."""
        return self.system(entry_id) if kind == "system" else self.accelerator(entry_id)

    def compare(self, ids: list[str] | None = None, baseline: str | None = None) -> str:
        pairs = [("ids", ",".join(ids))] if ids else []
        if baseline:
            pairs.append(("baseline", baseline))
        return "/compare" + ("?" + urlencode(pairs) if pairs else "")

    def page(self, name: str) -> str:
        return f"/{name}"

    def static(self, name: str) -> str:
        """/static/NAME?v=DIGEST: a new file is a new URL, so the server may let browsers keep one for a year."""
        from gpudb.web.caching import asset_version

        return f"/static/{name}?v={asset_version(name)}"

    def download(self, what: str, query: str = "") -> str:
        return f"/download/{what}" + query


class StaticLinks(Links):
    """Relative URLs between the files of `gpudb site`, so it works from file:// and any folder of a host."""

    static_site = True

    def __init__(self, depth: int = 0):
        self.up = "../" * depth

    def home(self, query: str = "") -> str:
        return self.up + "index.html" + (query.replace("?", "#", 1) if query else "")

    def accelerator(self, chip: str, anchor: str = "") -> str:
        return f"{self.up}accelerators/{quote(chip)}.html" + (f"#{anchor}" if anchor else "")

    def system(self, system_id: str) -> str:
        return f"{self.up}systems/{quote(system_id)}.html"

    def compare(self, ids: list[str] | None = None, baseline: str | None = None) -> str:
        if not ids:
            return f"{self.up}compare/index.html"
        return f"{self.up}compare/{'-vs-'.join(quote(i) for i in ids)}.html"

    def page(self, name: str) -> str:
        return f"{self.up}{name}.html"

    def static(self, name: str) -> str:
        """static/NAME with its version in the name (style.1a2b3c4d5e.css), as `gpudb site` writes it."""
        from gpudb.web.caching import versioned_name

        return f"{self.up}static/{versioned_name(name)}"

    def download(self, what: str, query: str = "") -> str:
        extension = "csv" if "format=csv" in query else "json"
        return f"{self.up}download/{what}.{extension}"


@functools.cache
def release() -> dict[str, str]:
    """The data release shown in every page's footer: version, date, licence (data/dataset.yaml)."""
    from gpudb import __version__
    from gpudb.errors import GpudbError
    from gpudb.validation.release import read_release

    try:
        found = read_release()
    except GpudbError:
        return {"version": "unversioned", "released": "", "license": "", "package": __version__}
    return {"version": found.version, "released": found.released, "license": found.license, "package": __version__}


def _table_body(view: dict, columns: Any, visible: set[str], links: Links) -> Markup:
    """The table page's rows (gpudb/web/table_rows.py), imported when a table is first drawn."""
    from gpudb.web.table_rows import table_body

    return table_body(view, columns, visible, links)


def _coverage_body(view: dict, links: Links) -> Markup:
    """The coverage grid's rows (gpudb/web/table_rows.py)."""
    from gpudb.web.table_rows import coverage_body

    return coverage_body(view, links)


def environment() -> Environment:
    env = Environment(
        loader=FileSystemLoader(TEMPLATES),
        autoescape=select_autoescape(["html"], default_for_string=True, default=True),
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters.update(fmt=fmt, ratio=ratio, json_script=json_script, source_text=source_text)
    env.globals.update(STATUS_WORDS=STATUS_WORDS, release=release, table_body=_table_body, coverage_body=_coverage_body)
    return env


ENV = environment()


def render(template: str, links: Links, **context: Any) -> str:
    return ENV.get_template(template).render(links=links, **context)
