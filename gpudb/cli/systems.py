"""System commands: compare systems (totals or normalised), show one system, list them; hooked into the chip ones."""

from __future__ import annotations

import json
from typing import Any

import click

from gpudb.cli.common import CompareFormat, Format, cell_text, print_rows
from gpudb.errors import InvalidArgumentError


def kinds(names: tuple[str, ...], db: str | None) -> list[tuple[str, str]]:
    """('accelerator' | 'system', id) for every name; a name of both kinds fails as ambiguous."""
    from gpudb.storage import query

    return [query.resolve_kind(name, db) for name in names]


def compare(
    names: tuple[str, ...],
    found: list[tuple[str, str]],
    baseline: str | None,
    metrics: list[str] | None,
    view: str,
    db: str | None,
    output_format: CompareFormat,
) -> None:
    """Systems with systems (any view), or a chip beside a system (per chip only)."""
    from gpudb.analysis import systems

    if all(kind == "system" for kind, _ in found):
        views, rows = systems.compare_systems(list(names), view, metrics, baseline, db)
        ids = [v.system["id"] for v in views]
        base = views[-1].system["id"]
        if baseline is not None:
            from gpudb.storage.query_systems import resolve_system

            base = resolve_system(baseline, db)
        sources = {
            v.system["id"]: {key: total.source for key, total in v.totals.items() if total.source} for v in views
        }
    elif view != "per-chip":
        raise InvalidArgumentError(
            "a chip and a system compare only per chip (the system's totals ÷ its chips): add --view per-chip"
        )
    elif len(found) == 2:
        chip = next(name for name, (kind, _) in zip(names, found, strict=True) if kind == "accelerator")
        system = next(name for name, (kind, _) in zip(names, found, strict=True) if kind == "system")
        rows = systems.chip_beside_system(chip, system, metrics, db)
        ids = [identifier for kind, identifier in found if kind == "accelerator"] + [
            identifier for kind, identifier in found if kind == "system"
        ]
        base, sources = ids[0], {}
    else:
        raise InvalidArgumentError("a chip is set beside one system at a time (two names)")
    _print_comparison(rows, ids, base, sources, output_format)


def _print_comparison(rows: list, ids: list[str], base: str, sources: dict, output_format: CompareFormat) -> None:
    if output_format is CompareFormat.json:
        shown = [
            {
                "metric": r.metric,
                "label": r.label,
                "unit": r.unit,
                "view": r.view,
                "figures": r.figures,
                "bases": r.bases,
                "ratios": r.ratios,
                "sources": {sid: sources.get(sid, {}).get(r.metric) for sid in ids},
            }
            for r in rows
        ]
        click.echo(json.dumps({"systems": ids, "baseline": base, "rows": shown}, indent=2, default=str))
        return
    citation: dict[str, int] = {}
    table = []
    for r in rows:
        cells: dict[str, Any] = {"metric": r.label, "unit": r.unit}
        for sid in ids:
            basis = r.bases.get(sid)
            mark = " (derived)" if basis == "derived" and r.figures[sid] is not None else ""
            source = sources.get(sid, {}).get(r.metric)
            cited = f" [{citation.setdefault(source['id'], len(citation) + 1)}]" if source else ""
            cells[sid] = cell_text(r.figures[sid]) + mark + cited
        for sid in ids:
            if sid != base:
                cells[f"{sid}/{base}"] = cell_text(r.ratios[sid], ratio=True)
        table.append(cells)
    columns = ["metric", "unit", *ids, *(f"{sid}/{base}" for sid in ids if sid != base)]
    if output_format is CompareFormat.markdown:
        lines = ["| " + " | ".join(columns) + " |", "|" + "---|" * len(columns)]
        lines += ["| " + " | ".join(str(row[c]) for c in columns) + " |" for row in table]
        click.echo("\n".join(lines))
    else:
        fmt = Format.csv if output_format is CompareFormat.csv else Format.table
        print_rows(table, columns, fmt, title=f"Compared with {base}")
    if citation and output_format is not CompareFormat.csv:
        click.echo("sources: " + "; ".join(f"[{number}] {source_id}" for source_id, number in citation.items()))
    if any("derived" in basis.values() for basis in (r.bases for r in rows)):
        click.echo("(derived): count × the chip's figure; `gpudb show SYSTEM` gives the working")


def show(system_id: str, db: str | None, output_format: Format) -> None:
    """Every total of one system: published (with its source) or derived (with its working), and its chips."""
    from gpudb.analysis import systems

    view = systems.system_view(system_id, db)
    classified = systems.chip_classifications(view, db)
    shown = systems.view_dict(view)
    shown["export_controls"] = {
        chip: [{"rule": c.rule_id, "outcome": c.outcome, "paragraph": c.paragraph, "summary": c.summary} for c in cs]
        for chip, cs in classified.items()
    }
    if output_format is Format.json:
        click.echo(json.dumps(shown, indent=2, default=str))
        return
    rows = [
        {
            "metric": total["metric"],
            "label": total["label"],
            "value": cell_text(total["value"]),
            "unit": total["unit"],
            "basis": total["basis"],
            "as_published": total["as_published"] or "",
            "working": total["working"] or "",
            "difference": f"{total['difference'] * 100:+.0f}%" if total["difference"] is not None else "",
            "source": (total["source"] or {}).get("id", ""),
            "kind": (total["source"] or {}).get("kind", ""),
        }
        for total in shown["totals"]
    ]
    if output_format is Format.csv:
        print_rows(rows, list(rows[0]) if rows else ["metric"], Format.csv)
        return
    chips = ", ".join(f"{chip['count']} × {chip['name']} ({chip['accelerator']})" for chip in view.chips)
    click.echo(
        f"{shown['name']} ({shown['id']}) · {shown['vendor']} · {shown['kind']}"
        + (f" · announced {shown['announced']}" if shown["availability"] == "announced" else "")
        + f"\nchips: {chips}"
        + (f"\nparts: {'; '.join(shown['parts'])}" if shown["parts"] else "")
        + (f"\naliases: {', '.join(shown['aliases'])}" if shown["aliases"] else "")
    )
    columns = ["label", "value", "unit", "basis", "as_published", "working", "difference", "source"]
    print_rows(rows, columns, Format.table)
    for chip, cs in shown["export_controls"].items():
        for c in cs:
            click.echo(f"export controls (the chip, not the system): {chip} under {c['rule']}: {c['summary']}")


def list_systems(db: str | None, output_format: Format) -> None:
    """Every system: id, vendor, name, kind, availability, its chips."""
    from gpudb.storage import query_systems

    found = query_systems.systems(db)
    rows = [
        {
            **{key: row[key] for key in ("id", "vendor", "name", "kind", "availability")},
            "chips": ", ".join(f"{chip['count']} × {chip['accelerator']}" for chip in row["chips"]),
            "aliases": ", ".join(row["aliases"]),
        }
        for row in found
    ]
    print_rows(rows, ["id", "vendor", "name", "kind", "availability", "chips", "aliases"], output_format, "Systems")
