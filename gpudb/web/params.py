"""Query parameters of every page, checked against their allowed values before any data is read.

Parameters arrive as a mapping of name → list of values (a query string may repeat a name). Empty values are
treated as absent, so a plain HTML form submits cleanly. Every error names the parameter and its allowed values.
"""

from __future__ import annotations

from collections.abc import Callable, Coroutine, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any, overload
from urllib.parse import urlencode

from fastapi import Depends, Request, Response
from fastapi.routing import APIRoute

from gpudb.web.errors import ParameterError, not_allowed
from gpudb.web.snapshot import COLUMNS, DEFAULT_COLUMNS, OUTCOMES, Snapshot

Params = Mapping[str, Sequence[str]]
TABLE_PARAMETERS = (
    "sort",
    "order",
    "columns",
    "vendor",
    "architecture",
    "form_factor",
    "rule",
    "export",
    "china",
    "q",
    "baseline",
    "limit",
    "offset",
)
DEFAULT_LIMIT = 100
FORMATS = ("csv", "json")  # of every download
# every table `gpudb export` writes
TABLES: tuple[str, ...] = ("accelerators", "values", "sources", "rules", "claims", "measurements", "prices")
TABLES += ("systems", "system_totals", "dictionary")
MAX_LIMIT = 1_000  # a page; every row of a view is a download (/download/table), which streams
SORT_KEYS = ("id", *COLUMNS)


@dataclass(frozen=True)
class TableState:
    """Everything that defines a view of the table; `query()` writes it back as a permalink query string."""

    sort: str = "name"
    order: str = "asc"
    columns: tuple[str, ...] = DEFAULT_COLUMNS
    vendor: tuple[str, ...] = ()
    architecture: tuple[str, ...] = ()
    form_factor: tuple[str, ...] = ()
    rule: str | None = None
    export: tuple[str, ...] = ()
    china: str | None = None
    q: str = ""
    baseline: str | None = None
    limit: int = DEFAULT_LIMIT
    offset: int = 0
    explicit_rule: bool = field(default=False, compare=False)

    def pairs(self, **changes) -> list[tuple[str, str]]:
        """The state (with changes) as query pairs, leaving out defaults so permalinks stay short."""
        state = replace(self, **changes)
        pairs: list[tuple[str, str]] = []
        if state.sort != "name":
            pairs.append(("sort", state.sort))
        if state.order != "asc":
            pairs.append(("order", state.order))
        if state.columns != DEFAULT_COLUMNS:
            pairs.append(("columns", ",".join(state.columns)))
        for name in ("vendor", "architecture", "form_factor"):
            pairs += [(name, value) for value in getattr(state, name)]
        if state.rule and state.explicit_rule:
            pairs.append(("rule", state.rule))
        pairs += [("export", value) for value in state.export]
        for name in ("china", "q", "baseline"):
            if getattr(state, name):
                pairs.append((name, getattr(state, name)))
        if state.limit != DEFAULT_LIMIT:
            pairs.append(("limit", str(state.limit)))
        if state.offset:
            pairs.append(("offset", str(state.offset)))
        return pairs

    def query(self, **changes) -> str:
        """'?sort=tpp&order=desc…' or '' for the default view."""
        pairs = self.pairs(**changes)
        return "?" + urlencode(pairs) if pairs else ""


def params_of(request: Request) -> dict[str, list[str]]:
    """The query string as name → every value given."""
    found: dict[str, list[str]] = {}
    for name, value in request.query_params.multi_items():
        found.setdefault(name, []).append(value)
    return found


def takes_no_parameters(request: Request) -> None:
    """Refuse any query parameter on a page that takes none, the HTML page as its JSON twin (400, named)."""
    check_names(params_of(request), ())


NO_PARAMETERS = [Depends(takes_no_parameters)]  # a route's `dependencies=`


class ReadsItsOwnQuery(APIRoute):
    """A route whose endpoint reads the query string itself (params_of) and declares its parameters for the OpenAPI
    description alone. Its handler awaits the endpoint with the request and nothing else: FastAPI solves and
    validates every declared parameter on each request otherwise, about 0.1 ms of CPU for the table API's 13 free
    strings (which cannot fail to validate). The endpoint is `async def`, and every parameter but `request` has a
    default."""

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        endpoint = self.endpoint

        async def handler(request: Request) -> Response:
            return await endpoint(request)

        return handler


def values(params: Params, name: str) -> list[str]:
    """Non-empty values of a parameter; comma-separated lists are split ('ids=h200,h20')."""
    found = []
    for raw in params.get(name, ()):
        found += [part.strip() for part in raw.split(",") if part.strip()]
    return found


def single(params: Params, name: str) -> str | None:
    """The one value of a parameter, or None; giving it twice is an error."""
    found = [raw.strip() for raw in params.get(name, ()) if raw.strip()]
    if len(found) > 1:
        raise ParameterError(name, f"parameter {name!r} given {len(found)} times; give it once")
    return found[0] if found else None


def check_names(params: Params, allowed: Sequence[str]) -> None:
    """Reject parameters the page does not know (a typo like 'sortby' would otherwise be silently ignored)."""
    for name in params:
        if name not in allowed:
            known = f"allowed parameters: {', '.join(allowed)}" if allowed else "this page takes no parameters"
            raise ParameterError(name, f"unknown parameter {name!r}; {known}", allowed)


@overload
def choice(params: Params, name: str, allowed: Sequence[str], default: str, what: str = "value") -> str: ...
@overload
def choice(
    params: Params, name: str, allowed: Sequence[str], default: None = None, what: str = "value"
) -> str | None: ...
def choice(
    params: Params, name: str, allowed: Sequence[str], default: str | None = None, what: str = "value"
) -> str | None:
    value = single(params, name)
    if value is None:
        return default
    if value not in allowed:
        raise not_allowed(name, value, allowed, what)
    return value


def integer(params: Params, name: str, default: int, low: int, high: int) -> int:
    value = single(params, name)
    if value is None:
        return default
    # ASCII digits only: int() would also read '٣' (Arabic-Indic three), '5_0' and ' 7 ', which no URL means
    digits = value.removeprefix("-")
    if not (digits.isascii() and digits.isdigit()):
        shown = value if len(value) <= 40 else f"{value[:39]}…"
        raise ParameterError(name, f"parameter {name!r}: {shown!r} is not a whole number")
    number = int(value) if len(digits) <= 18 else high + 1
    if not low <= number <= high:
        shown = str(number) if len(digits) <= 18 else f"a number of {len(digits)} digits"
        raise ParameterError(name, f"parameter {name!r}: {shown} is outside {low}..{high}")
    return number


def facet(params: Params, name: str, allowed: Sequence[str]) -> tuple[str, ...]:
    """Values of a filter matched case-insensitively against those in the data, returned as the data spells them."""
    by_key = {value.lower(): value for value in allowed}
    chosen = []
    for value in params.get(name, ()):
        if not value.strip():
            continue
        if value.strip().lower() not in by_key:
            raise not_allowed(name, value.strip(), allowed)
        chosen.append(by_key[value.strip().lower()])
    return tuple(dict.fromkeys(chosen))


def table_state(params: Params, snap: Snapshot, resolve=None, max_limit: int = MAX_LIMIT) -> TableState:
    """Check every table parameter; `resolve` turns a chip name into its id (raising for unknown names)."""
    check_names(params, TABLE_PARAMETERS)
    shown = values(params, "columns")
    for key in shown:
        if key not in COLUMNS:
            raise not_allowed("columns", key, list(COLUMNS), "column")
    rule_ids = [r["id"] for r in snap.rules]
    rule = choice(params, "rule", rule_ids, what="rule")
    export = tuple(dict.fromkeys(values(params, "export")))
    for outcome in export:
        if outcome not in OUTCOMES:
            raise not_allowed("export", outcome, OUTCOMES, "outcome")
    baseline = single(params, "baseline")
    if baseline is not None and resolve is not None:
        baseline = resolve("baseline", baseline)
    return TableState(
        sort=choice(params, "sort", SORT_KEYS, "name", "column"),
        order=choice(params, "order", ("asc", "desc"), "asc"),
        columns=tuple(key for key in COLUMNS if key in shown) or DEFAULT_COLUMNS,  # catalogue order
        vendor=facet(params, "vendor", snap.facets["vendor"]),
        architecture=facet(params, "architecture", snap.facets["architecture"]),
        form_factor=facet(params, "form_factor", snap.facets["form_factor"]),
        rule=rule or snap.default_rule,
        explicit_rule=rule is not None and rule != snap.default_rule,  # the default needs no place in a link
        export=export,
        china=choice(params, "china", ("yes", "no")),
        q=(single(params, "q") or "")[:200],
        baseline=baseline,
        limit=integer(params, "limit", DEFAULT_LIMIT, 1, max_limit),
        offset=integer(params, "offset", 0, 0, 10**9),
    )
