"""The figures of gpudb.plots.frames as JSON for the pages: each {slug, title, figure} (figure: plotly's JSON, or None
with a reason when the figure cannot be drawn). The web never draws figures itself."""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import Engine

from gpudb.errors import GpudbError


def _load():
    try:
        from gpudb.plots import frames as figures
    except ImportError:
        return None
    return figures


def figures(
    wanted: list[tuple[str, str, dict[str, Any]]], url: Any, extra: dict[str, Any] | None = None
) -> list[dict[str, Any]]:
    """make_figure(kind, **arguments) for each (kind, title, arguments); a figure that fails says why. `extra`: the
    snapshot's store of this build's products, where the figures keep what they share (frames.known_points)."""
    module = _load()
    known = None
    if module is not None and extra is not None:
        known = extra.get("known_points") or extra.setdefault("known_points", module.known_points())
    found = []
    for kind, title, arguments in wanted:
        if module is None:
            found.append({"slug": kind, "title": title, "figure": None, "reason": "plots are not available"})
            continue
        try:
            figure = module.make_figure(kind, url=url, known=known, **arguments)
        except GpudbError as error:
            found.append({"slug": kind, "title": title, "figure": None, "reason": str(error)})
            continue
        found.append({"slug": kind, "title": title, "figure": json.loads(figure.to_json())})
    return found


def ratio(
    chips: list[str],
    base: str,
    values: dict[str, dict[str, float | None]],
    marked: dict[str, dict[str, str]],
    engine: Engine,
    extra: dict[str, Any],
) -> dict[str, Any]:
    """The compare page's ratio plot item ({slug, title, figure}, or figure None with the reason): the JSON of
    make_figure("ratio", ids=chips, baseline=base), written without plotly's objects (frames.ratio_json) from the
    values and statuses the page read (comparison.read_values); `extra` as for figures."""
    item: dict[str, Any] = {"slug": "ratio", "title": "Ratio to the baseline"}
    module = _load()
    if module is None:
        return {**item, "figure": None, "reason": "plots are not available"}
    known = extra.get("known_points") or extra.setdefault("known_points", module.known_points())
    try:
        figure = module.ratio_json(chips, base, values, marked, engine, known)
    except GpudbError as error:
        return {**item, "figure": None, "reason": str(error)}
    return {**item, "figure": figure}


def price_history(accelerator_id: str, prices: list[dict[str, Any]], url: Any) -> list[dict[str, Any]]:
    """The chip's price history figure, as one item for the page's plots (none when it has no prices)."""
    module = _load()
    if module is None or not prices:
        return []
    figure = module.price_history(accelerator_id, url)
    return [{"slug": "prices", "title": "Price history", "figure": json.loads(figure.to_json())}]


def standard(url: Any) -> list[dict[str, Any]]:
    """figures.standard_set(url) as JSON-ready dicts."""
    module = _load()
    if module is None:
        return []
    return [
        {"slug": slug, "title": title, "figure": json.loads(figure.to_json())}
        for slug, title, figure in module.standard_set(url=url)
    ]


def claim_views(checks: list[Any]) -> list[dict[str, Any]]:
    """The claim view (gpudb.plots.claims) of each checked claim that has a figure on some metric, keyed by claim
    id: {claim id: {slug, title, figure}}; none when plots are not available."""
    try:
        from gpudb.plots.claims import claim_view
    except ImportError:
        return []
    return [
        {
            "claim": check.claim["id"],
            "slug": f"claim-{check.claim['id']}",
            "title": f"{check.claim['subject_id']} {check.stated_text}: the stated figure beside each metric",
            "figure": json.loads(claim_view(check).to_json()),
        }
        for check in checks
        if any(candidate.figure is not None for candidate in check.candidates)
    ]
