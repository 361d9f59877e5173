"""The OpenAPI description of the JSON routes, true to what they send.

Every route declares the error shape it can answer with (400 a parameter outside its allowed values, 404 an
unknown chip, 503 no readable database), and every parameter whose values are a closed set says so: the fixed
sets (order, format, verdicts, outcomes, columns) and those the served database holds (rules, vendors,
architectures, form factors, peers). A client generated from the description, or a schema-driven tester,
therefore sends what the routes accept. The routes keep checking every parameter themselves, with their own
messages; the description only tells the truth about them.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from typing import Any, Literal

from fastapi import FastAPI
from fastapi.openapi.utils import get_openapi
from pydantic import BaseModel, Field

from gpudb.errors import GpudbError


class ErrorBody(BaseModel):
    """The one shape of every error the JSON routes send."""

    ok: Literal[False]
    status: int = Field(description="The HTTP status, repeated.")
    error: str = Field(description="A short code: bad-parameter, not-found, database-unavailable, …")
    title: str
    message: str = Field(description="What is wrong and where: the parameter, its value and the allowed values.")
    parameter: str | None = Field(description="The query parameter at fault, if one is.")
    allowed: list[str] = Field(description="The values the parameter allows (or close names), when they are few.")


ERROR_RESPONSES: dict[int | str, dict[str, Any]] = {
    400: {"model": ErrorBody, "description": "A parameter outside its allowed values, or an unknown parameter."},
    404: {"model": ErrorBody, "description": "No accelerator (or system) of that name."},
    503: {"model": ErrorBody, "description": "The database is missing or cannot be read."},
}


def download_responses(*media_types: str) -> dict[int | str, dict[str, Any]]:
    """The errors, and a 200 that says which media types the download is sent as."""
    return {200: {"content": {media: {} for media in media_types}}, 400: ERROR_RESPONSES[400]}


# An empty value is the parameter left out (a plain HTML form sends every field), so the optional ones allow it.
def one_of(values: Sequence[str], required: bool = False) -> dict[str, Any]:
    return {"type": "string", "enum": list(values) if required else [*values, ""]}


def list_of(values: Sequence[str]) -> dict[str, Any]:
    """A comma-separated list of these values, e.g. columns=tpp,tdp_w (or empty)."""
    choice = "|".join(re.escape(value) for value in values)
    return {"type": "string", "pattern": f"^(({choice})(,({choice}))*)?$"}


REQUIRED = {("/api/compare", "ids"), ("/api/names", "q"), *((f"/download/{name}", "format") for name in (
    "table", "database", "crosscheck"))}  # fmt: skip


def fixed_parameters() -> dict[Any, dict[str, Any]]:
    """Parameters whose allowed values do not depend on the data, by name."""
    from gpudb.analysis.claims import VERDICTS as CLAIM_VERDICTS
    from gpudb.analysis.crosscheck import VERDICTS as PEER_VERDICTS
    from gpudb.metrics.derived import comparable_metric_keys
    from gpudb.web.params import FORMATS, MAX_LIMIT, SORT_KEYS, TABLES
    from gpudb.web.snapshot import COLUMNS, OUTCOMES

    return {
        "sort": one_of(SORT_KEYS),
        "order": one_of(("asc", "desc")),
        "columns": list_of(list(COLUMNS)),
        "export": one_of(OUTCOMES),
        "china": one_of(("yes", "no")),
        "limit": {"type": "integer", "minimum": 1, "maximum": MAX_LIMIT},
        "offset": {"type": "integer", "minimum": 0, "maximum": 10**9},
        "metrics": list_of(comparable_metric_keys()),
        "format": one_of(FORMATS, required=True),
        "table": one_of(TABLES),
        "ids": {"type": "string", "pattern": r"[^\s,]", "description": "At least one chip name."},
        ("/api/names", "q"): {"type": "string", "pattern": r"\S", "description": "Part of a name."},
        ("/api/claims", "verdict"): one_of(CLAIM_VERDICTS),
        ("/api/crosscheck", "verdict"): one_of(PEER_VERDICTS),
        ("/download/crosscheck", "verdict"): one_of(PEER_VERDICTS),
    }


def data_parameters(url: Any) -> dict[Any, dict[str, Any]]:
    """Parameters whose allowed values are what the served database holds (none when it cannot be read)."""
    from gpudb.analysis.crosscheck import peer_names
    from gpudb.web.snapshot import snapshot

    try:
        snap = snapshot(url)
    except GpudbError:  # no database yet: the description still answers, without these enumerations
        return {}
    rules = [rule["id"] for rule in snap.rules]
    found: dict[Any, dict[str, Any]] = {name: one_of(snap.facets[name]) for name in snap.facets}
    if rules:
        found["rule"] = one_of(rules)
    found["peer"] = one_of(peer_names())
    return found


def describe_parameters(schema: dict[str, Any], allowed: dict[Any, dict[str, Any]]) -> None:
    """Write each parameter's allowed values into the description (arrays: into their items)."""
    for path, item in schema.get("paths", {}).items():
        for operation in item.values():
            for parameter in operation.get("parameters", []):
                if parameter.get("in") != "query":
                    continue
                name = parameter["name"]
                rule = allowed.get((path, name)) or allowed.get(name)
                if rule is None:
                    continue
                if (path, name) in REQUIRED:
                    parameter["required"] = True
                target = parameter["schema"]
                arrays = [part for part in target.get("anyOf", [target]) if part.get("type") == "array"]
                if arrays:  # a repeatable parameter: each value is one of these
                    arrays[0]["items"] = dict(rule)
                else:
                    description = target.get("description")
                    target.clear()
                    target.update(rule)
                    if description and "description" not in rule:
                        target["description"] = description


def openapi_for(app: FastAPI, url: Any) -> Callable[[], dict[str, Any]]:
    """app.openapi: the description with the served database's values, made once per build."""
    from gpudb.web.snapshot import snapshot

    def describe() -> dict[str, Any]:
        try:
            cache: dict[str, Any] | None = snapshot(url).extra
        except GpudbError:
            cache = None
        if cache is not None and "openapi" in cache:
            return cache["openapi"]
        schema = get_openapi(title=app.title, version=app.version, description=app.description, routes=app.routes)
        describe_parameters(schema, {**fixed_parameters(), **data_parameters(url)})
        if cache is not None:
            cache["openapi"] = schema
        return schema

    return describe
