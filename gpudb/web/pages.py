"""The HTML pages, one handler per page family; each renders the dict its JSON twin (gpudb.web.api) returns."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from gpudb.web import page_data, table_view
from gpudb.web.params import NO_PARAMETERS, params_of, values
from gpudb.web.render import Links, render
from gpudb.web.snapshot import OUTCOMES

router = APIRouter(include_in_schema=False)


def page(template: str, **context) -> HTMLResponse:
    return HTMLResponse(render(template, Links(), **context))


@router.get("/", response_class=HTMLResponse)
def table_page(request: Request) -> Response:

    def draw(view: dict[str, Any]) -> bytes:
        columns = view["columns"]
        context = {"view": view, "columns": columns, "visible": {c["key"] for c in columns}, "outcomes": OUTCOMES}
        return render("table.html", Links(), **context, page="table").encode()  # cached and sent as bytes

    params = params_of(request)
    if request.url.query:  # a submitted form sends every field and every column: send the browser the short link
        short = table_view.permalink_query(request.app.state.url, params)
        if len(short) < len(request.url.query) + 1:
            return RedirectResponse("/" + short, status_code=303)
    return HTMLResponse(table_view.rendered_table(request.app.state.url, params, "table-html", draw))


@router.get("/accelerators/{name}", response_class=HTMLResponse, dependencies=NO_PARAMETERS)
def accelerator_page(request: Request, name: str) -> HTMLResponse:
    view = page_data.accelerator(request.app.state.url, name)
    return page("accelerator.html", view=view, page="accelerator", has_plots=any(p["figure"] for p in view["plots"]))


@router.get("/compare", response_class=HTMLResponse)
def compare_page(request: Request) -> HTMLResponse:
    params = params_of(request)
    view = page_data.comparison(request.app.state.url, params)
    return page(
        "compare.html",
        view=view,
        chosen=[c["id"] for c in view["chips"]] or values(params, "ids"),
        picked_baseline=view["baseline"] if values(params, "baseline") else None,  # else "the last chip picked"
        page="compare",
        has_plots=any(p["figure"] for p in view["plots"]),
    )


@router.get("/claims", response_class=HTMLResponse)
def claims_page(request: Request) -> HTMLResponse:
    view = page_data.claims(request.app.state.url, params_of(request), with_plots=True)
    return page("claims.html", view=view, page="claims", has_plots=bool(view["plots"]))


@router.get("/coverage", response_class=HTMLResponse)
def coverage_page(request: Request) -> HTMLResponse:
    return page("coverage.html", view=page_data.coverage(request.app.state.url, params_of(request)), page="coverage")


@router.get("/crosscheck", response_class=HTMLResponse)
def crosscheck_page(request: Request) -> HTMLResponse:
    view = page_data.crosscheck(request.app.state.url, params_of(request))
    return page("crosscheck.html", view=view, page="crosscheck")


@router.get("/plots", response_class=HTMLResponse, dependencies=NO_PARAMETERS)
def plots_page(request: Request) -> HTMLResponse:
    view = page_data.plots(request.app.state.url)
    return page("plots.html", view=view, page="plots", has_plots=any(p["figure"] for p in view["plots"]))


@router.get("/favicon.ico")
def favicon() -> Response:
    """No icon, said without an error: browsers ask for one on a page's first load and log a 404 otherwise."""
    return Response(status_code=204)


@router.get("/api", response_class=HTMLResponse, dependencies=NO_PARAMETERS)
def api_page(request: Request) -> HTMLResponse:
    return page("api.html", spec=request.app.openapi(), page="api")
