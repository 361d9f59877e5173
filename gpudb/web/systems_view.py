"""The Systems pages and their JSON twins: the list of systems with a plot, and one system's totals and chips."""

from __future__ import annotations

import json
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from gpudb.web.openapi import ERROR_RESPONSES
from gpudb.web.params import NO_PARAMETERS
from gpudb.web.render import Links, render

router = APIRouter(responses=ERROR_RESPONSES)


def systems_data(url: Any) -> dict[str, Any]:
    """Every system with its headline totals, and the systems plot as plotly JSON."""
    from gpudb.analysis.systems import system_view, view_dict
    from gpudb.storage import query_systems
    from gpudb.storage.query import engine_for

    engine = engine_for(url)
    shown = []
    for row in query_systems.systems(engine):
        view = view_dict(system_view(row["id"], engine))
        totals = {total["metric"]: total for total in view["totals"]}
        shown.append({**view, "headline": {key: totals.get(key) for key in HEADLINE}})
    return {"ok": True, "systems": shown, "plots": [systems_plot(engine)]}


HEADLINE = ("bf16_dense_tflops", "fp8_dense_tflops", "memory_capacity_gb", "memory_bandwidth_tbs", "tdp_w")


def systems_plot(url: Any) -> dict[str, Any]:
    """The compute-against-power figure as {slug, title, figure}; None with a reason if plotly is absent."""
    title = "Systems: BF16 dense compute against power (bubble area: memory)"
    try:
        from gpudb.plots.systems import system_points, systems_bubble
    except ImportError:
        return {"slug": "systems", "title": title, "figure": None, "reason": "plots are not available"}
    figure = systems_bubble(system_points(url))
    return {"slug": "systems", "title": title, "figure": json.loads(figure.to_json())}


def system_data(url: Any, name: str) -> dict[str, Any]:
    """One system: identity, chips, each total (published with its source, or derived with its working), and the
    export-control classification of its chips (rules classify chips, not systems)."""
    from gpudb.analysis.systems import chip_classifications, system_view, view_dict

    view = system_view(name, url)
    shown = view_dict(view)
    shown["export_controls"] = {
        chip: [{"rule": c.rule_id, "outcome": c.outcome, "paragraph": c.paragraph, "summary": c.summary} for c in cs]
        for chip, cs in chip_classifications(view, url).items()
    }
    return {"ok": True, "system": shown}


@router.get(
    "/api/systems",
    summary="Every system (board, node, rack, pod) with its chips and headline totals",
    dependencies=NO_PARAMETERS,
)
def api_systems(request: Request) -> dict[str, Any]:
    return systems_data(request.app.state.url)


@router.get(
    "/api/systems/{name}",
    summary="One system: totals published or derived (with working), chips, sources",
    dependencies=NO_PARAMETERS,
)
def api_system(request: Request, name: str) -> dict[str, Any]:
    return system_data(request.app.state.url, name)


@router.get("/systems", response_class=HTMLResponse, include_in_schema=False, dependencies=NO_PARAMETERS)
def systems_page(request: Request) -> HTMLResponse:
    view = systems_data(request.app.state.url)
    has_plots = any(p["figure"] for p in view["plots"])
    return HTMLResponse(render("systems.html", Links(), view=view, page="systems", has_plots=has_plots))


@router.get("/systems/{name}", response_class=HTMLResponse, include_in_schema=False, dependencies=NO_PARAMETERS)
def system_page(request: Request, name: str) -> HTMLResponse:
    view = system_data(request.app.state.url, name)
    return HTMLResponse(render("system.html", Links(), view=view, page="systems"))
