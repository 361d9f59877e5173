"""The data functions behind the detail, compare, claims, plots and coverage pages: plain JSON-ready dicts that the
HTML template, its JSON twin under /api and the static site (gpudb site) all use, so the three can never disagree."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from sqlalchemy import Engine

from gpudb.errors import InvalidArgumentError
from gpudb.metrics.derived import DERIVED, derive
from gpudb.storage import query, query_systems
from gpudb.web import detail_data, figures_bridge, measured_view
from gpudb.web.errors import ParameterError
from gpudb.web.params import Params, check_names, choice, single, values
from gpudb.web.snapshot import snapshot
from gpudb.web.table_view import (
    _jsonable,
    cached,
    judged_ratio,
    params_key,
    resolve_name,
    resolver,
)

if TYPE_CHECKING:
    from gpudb.analysis.claims import ClaimCheck


def accelerator(url: str | Engine | None, name: str) -> dict[str, Any]:
    """The detail page: identity, every value with its source, derived metrics with their working and inputs,
    export status under every rule with the working, the claims that mention the chip, and its plots. The name is
    resolved once, here; the page is kept per build (a bounded cache), and reads only this chip's data (loaded by
    gpudb.web.detail_data in a few queries, as `gpudb site` loads every chip's at once)."""
    engine = query.engine_for(url)
    chip_id = resolve_name(engine, name)
    return cached(
        snapshot(engine), "accelerator", chip_id, lambda: detail(engine, chip_id, *detail_data.served(engine, chip_id))
    )


def claim_checks(engine: Engine) -> list[ClaimCheck]:
    """Every claim checked, once per build (a detail page shows those naming its chip: checking them all for each
    page read the values of every chip any claim names, on every page)."""
    from gpudb.analysis.claims import run_checks

    snap = snapshot(engine)
    if "claim_checks" not in snap.extra:
        snap.extra["claim_checks"] = run_checks(url=engine)
    return snap.extra["claim_checks"]


def checked_claims(engine: Engine) -> list[dict[str, Any]]:
    """claim_checks as records, each saying whether its subject and baseline are chips or systems (once per build;
    read-only: a view that adds to one copies it)."""
    from gpudb.analysis.claims import check_record

    snap = snapshot(engine)
    if "claims" not in snap.extra:
        systems = query_systems.system_ids(engine)
        snap.extra["claims"] = [_with_kinds(check_record(check), systems) for check in claim_checks(engine)]
    return snap.extra["claims"]


def detail(
    engine: Engine,
    chip_id: str,
    loaded: detail_data.Loaded,
    profile: Callable[[str], dict[str, Any]] | None = None,
) -> dict[str, Any]:
    """The detail page of one chip (a database id) from what detail_data.load read; `profile`: the chip's profile
    plot item ({slug, title, figure}) drawn another way than figures_bridge (gpudb site draws every chip's from
    memory, gpudb.plots.profile_json)."""
    data = loaded.chips[chip_id]
    chip = data.public()
    values_ = [v.model_dump(mode="json") for v in chip.values]
    derivations = derive(data.numbers, loaded.base)  # the preferred numbers, as loaded
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
    rules = {r["id"]: r for r in loaded.rules}
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
            "status_note": rules[c.rule_id].get("status_note"),
            "verification": rules[c.rule_id].get("verification"),
        }
        for c in data.export_status(loaded.rules)
    ]
    claims_ = [claim for claim in checked_claims(engine) if chip.id in {claim["subject"], claim["baseline"]}]
    identity = chip.model_dump(mode="json", exclude={"values"})
    runs = measured_view.runs_from(data.runs, data.figures)
    wanted_plots = [] if profile else [("profile", "Profile", {"ids": [chip.id]})]
    if runs:
        wanted_plots.append(
            (
                "measured",
                "Measured (by gpudb bench and by others), as a share of the published peak",
                {"ids": [chip.id]},
            )
        )
    prices = data.prices
    plots_ = [profile(chip.id)] if profile else []
    plots_ += figures_bridge.figures(wanted_plots, engine, snapshot(engine).extra) + figures_bridge.price_history(
        chip.id, prices, engine
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
            "prices": prices,
            "plots": plots_,
        }
    )


def claims(url: str | Engine | None, params: Params | None = None, with_plots: bool = False) -> dict[str, Any]:
    """Every published claim with its verdict and the metric(s) it rests on; `with_plots` (the HTML page, not its
    JSON twin): `plots`, the claim view of each claim with a figure, the stated figure beside every metric's."""
    from gpudb.analysis.claims import VERDICTS

    check_names(params or {}, ("verdict",))
    verdict = single(params or {}, "verdict")
    if verdict is not None and verdict not in VERDICTS:
        raise ParameterError(
            "verdict",
            f"parameter 'verdict': unknown value {verdict!r}; allowed values: " + ", ".join(VERDICTS),
            list(VERDICTS),
        )
    engine = query.engine_for(url)
    shown = [
        (check, dict(record))  # a copy: the view adds its plot's id
        for check, record in zip(claim_checks(engine), checked_claims(engine), strict=True)
        if verdict in (None, check.verdict)
    ]
    records = [record for _, record in shown]
    view: dict[str, Any] = {"ok": True, "claims": records}
    if with_plots:
        plots = figures_bridge.claim_views([check for check, _ in shown])
        drawn = {p["claim"] for p in plots}
        for record in records:
            record["plot"] = f"figure-claim-{record['id']}" if record["id"] in drawn else None
        view["plots"] = plots
    return _jsonable(view)


def _with_kinds(record: dict[str, Any], systems: set[str]) -> dict[str, Any]:
    """A claim record with `subject_kind` and `baseline_kind` ("system" or "accelerator"; None without a
    baseline), so a page links a system to /systems/<id> and a chip to /accelerators/<id>."""

    def kind(entry: str | None) -> str | None:
        return None if entry is None else "system" if entry in systems else "accelerator"

    return {**record, "subject_kind": kind(record["subject"]), "baseline_kind": kind(record["baseline"])}


COMPARE_PARAMETERS = ("ids", "baseline", "metrics")
PICKER_CHIPS = 300  # above this many chips the compare page's pickers are text fields answered by /api/names
NAMES_SHOWN = 20


def names(url: str | Engine | None, params: Params) -> dict[str, Any]:
    """Chips whose id, name or an alias contains `q` (case and spacing ignored), those starting with it first:
    at most NAMES_SHOWN, for the compare page's text fields."""
    from gpudb.names import name_key

    check_names(params, ("q",))
    wanted = name_key(single(params, "q") or "")
    if not wanted:
        raise ParameterError("q", "parameter 'q' is required: part of a chip's name, e.g. q=h20")
    engine = query.engine_for(url)
    snap = snapshot(engine)
    if "names" not in snap.extra:  # per build: id, name, and the keys of every name of each chip
        every = query.all_names(engine)
        snap.extra["names"] = [
            (chip, name, [name_key(n) for n in every.get(chip, [chip])]) for chip, name in snap.frame["name"].items()
        ]
    found = [
        (not any(key.startswith(wanted) for key in keys), name.casefold(), chip, name)
        for chip, name, keys in snap.extra["names"]
        if any(wanted in key for key in keys)
    ]
    return {"ok": True, "names": [{"id": chip, "name": name} for *_, chip, name in sorted(found)[:NAMES_SHOWN]]}


def comparison(url: str | Engine | None, params: Params) -> dict[str, Any]:
    """The compare page: chips (by id, name or alias), the baseline, one row per metric, the ratio plot, and the
    published claims about the chips compared (subject and baseline both among them, or a value of one). Kept per
    build by its parameters (a bounded cache); it reads only the chips compared."""
    engine = query.engine_for(url)
    check_names(params, COMPARE_PARAMETERS)
    snap = snapshot(engine)
    view = cached(snap, "compare", params_key(params), lambda: _comparison(engine, params))
    # the pickers list every chip up to PICKER_CHIPS; above, they are text fields (the server resolves any name,
    # /api/names suggests them), so the page holds only the chips compared
    frame = snap.frame
    chips = [{"id": c, "name": n} for c, n in frame["name"].items()] if len(frame) <= PICKER_CHIPS else None
    return {**view, "all_chips": chips}


def _comparison(engine: Engine, params: Params) -> dict[str, Any]:
    from gpudb.analysis.comparison import Comparison, check_metric_keys, comparison_rows, read_values

    resolve = resolver(engine)
    ids = list(dict.fromkeys(resolve("ids", name) for name in values(params, "ids")))
    frame = snapshot(engine).frame
    if not ids:
        return {"ok": True, "chips": [], "baseline": None, "rows": [], "plots": [], "claims": []}
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
        check_metric_keys(metrics or [])
    except InvalidArgumentError as error:
        raise ParameterError("metrics", f"parameter 'metrics': {error}") from None
    # compare_rows on ids already resolved (it would resolve each again: a query a name), its values read once for
    # the table and the ratio plot
    snap = snapshot(engine)
    read, marked = read_values(ids, engine, stored=snap.stored, statuses=snap.statuses)
    result = Comparison(ids, base, comparison_rows(ids, base, metrics, read, marked))
    names = dict(frame.loc[result.chips, "name"].items())
    plots = [figures_bridge.ratio(ids, base, read, marked, engine, snap.extra)]
    for row in result.rows:
        judged = {c: judged_ratio(row.get(f"{c}/{base}"), row["higher_is_better"]) for c in ids if c != base}
        row["ratio_classes"] = {c: found["class"] for c, found in judged.items()}
        row["ratio_bars"] = {c: {"percent": found["bar"], "side": found["side"]} for c, found in judged.items()}
    return _jsonable(
        {
            "ok": True,
            "chips": [{"id": chip, "name": names.get(chip, chip)} for chip in result.chips],
            "baseline": result.baseline,
            "ratio_columns": result.ratio_columns,
            "rows": result.rows,
            "plots": plots,
            "claims": [  # about the chips compared (gpudb.analysis.claims.is_about): subject and baseline among them
                claim
                for claim in checked_claims(engine)
                if claim["subject"] in result.chips and (claim["baseline"] is None or claim["baseline"] in result.chips)
            ],
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
        rows.setdefault(cell.accelerator_id, {"id": cell.accelerator_id, "cells": {}})["cells"][cell.metric] = {
            "status": cell.status,
            "grade": cell.grade.replace(" ", "-"),  # vendor, vendor-via-copy, regulator … estimate, or the status
            "source_kind": cell.source_kind,
            "source_tier": cell.source_tier,
            "source_read": cell.source_read,
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
                    "source_tier": entry["source_tier"],
                    "source_read": entry["source_read"],
                    "inference": entry["inference"],
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


def crosscheck(url: str | Engine | None, params: Params | None = None) -> dict[str, Any]:
    """The peak tables of data/peers/ against gpudb: a summary line per peer and every entry with its verdict."""
    from gpudb.analysis.crosscheck import VERDICTS, crosscheck_rows, peer_names, summary, summary_line

    params = params or {}
    check_names(params, ("peer", "verdict"))
    peers = peer_names()
    peer = choice(params, "peer", peers, None, "peer table")
    verdict = choice(params, "verdict", VERDICTS, None, "verdict")
    rows = crosscheck_rows(peer, url=query.engine_for(url))
    lines = [{"peer": name, "line": summary_line(name, counts), **counts} for name, counts in summary(rows).items()]
    shown = [row for row in rows if verdict is None or row["verdict"] == verdict]
    return _jsonable(
        {
            "ok": True,
            "peer": peer,
            "verdict": verdict,
            "peers": peers,
            "verdicts": list(VERDICTS),
            "summary": lines,
            "rows": shown,
        }  # fmt: skip
    )
