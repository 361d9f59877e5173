"""Commands about what chips cost: `gpudb prices` (a chip's dated prices) and the table `compare --cost` prints."""

from __future__ import annotations

import datetime as dt
import json

import click

from gpudb.cli import app
from gpudb.cli.common import CompareFormat, Format, cell_text, db_option, format_option, print_rows

PRICE_COLUMNS = ["date", "kind", "amount", "currency", "unit", "as_published", "where", "source"]
KIND_CHOICE = click.Choice(["launch-list", "reported-purchase", "reported-street", "cloud-on-demand", "cloud-reserved"])


def _where(price: dict) -> str:
    """Where a price holds: the market, or the cloud with its instance, region and term."""
    parts = [price.get("market"), price.get("provider"), price.get("instance"), price.get("region"), price.get("term")]
    return ", ".join(part for part in parts if part)


def _dated(price: dict) -> str:
    if not price["period"]:
        return price["date"].isoformat()
    return f"{price['date'].isoformat()} to {price['date_to'].isoformat() if price['date_to'] else 'now'}"


@app.command()
@click.argument("name")
@click.option("--kind", "-k", "kinds", multiple=True, type=KIND_CHOICE, help="Only these kinds (repeatable).")
@db_option
@format_option
def prices(name: str, kinds: tuple[str, ...], db: str | None, output_format: Format) -> None:
    """List a chip's dated prices and cloud rates, oldest first, each with its kind and source.

    NAME: an id, name or alias. Amounts are per chip, or per GPU-hour for cloud rates (an instance's rate
    divided by its GPUs; the figure as published is beside it), in the currency they were published in.

    Example: gpudb prices H100 --kind cloud-on-demand
    """
    from gpudb.storage import query, query_prices

    accelerator_id = query.resolve(name, db)
    rows = [price for price in query_prices.prices([accelerator_id], db) if not kinds or price["kind"] in kinds]
    shown = [
        {**price, "date": _dated(price), "where": _where(price), "source": price["source_id"]}
        | ({"amount": cell_text(price["amount"])} if output_format is Format.table else {})
        for price in rows
    ]
    if not shown and output_format is Format.table:
        click.echo(f"No prices of {accelerator_id}" + (f" of kind {', '.join(kinds)}" if kinds else "") + ".")
        return
    print_rows(shown, PRICE_COLUMNS, output_format, title=f"Prices of {accelerator_id}")


COST_COLUMNS = ["chip", "metric", "value", "unit", "price", "price_date", "price_kind", "where", "source"]


def print_cost_comparison(
    names: list[str], db: str | None, output_format: CompareFormat, on: dt.date | None, precision: str
) -> None:
    """`gpudb compare … --cost`: each chip's cost metrics, each with its price's date, kind and source."""
    from gpudb.analysis.costs import cost_metrics

    metrics = cost_metrics(names, on=on, precision=precision, url=db)
    rows = [metric.as_dict() for metric in metrics]
    if output_format is CompareFormat.json:
        click.echo(json.dumps(rows, indent=2, default=str))
        return
    if output_format is CompareFormat.csv:
        print_rows(rows, list(rows[0]) if rows else [], Format.csv)
        return
    shown = [
        {
            "chip": row["accelerator_id"],
            "metric": row["label"],
            "value": "missing" if row["value"] is None else f"{row['value']:,.2f}",
            "unit": row["unit"],
            "price": row["price"] or row["working"],
            "price_date": row["price_date"] or "",
            "price_kind": row["price_kind"] or "",
            "where": row["provider"] or "",
            "source": row["source"] or "",
        }
        for row in rows
    ]
    if output_format is CompareFormat.markdown:
        lines = ["| " + " | ".join(COST_COLUMNS) + " |", "|" + "---|" * len(COST_COLUMNS)]
        lines += ["| " + " | ".join(str(row[c]) for c in COST_COLUMNS) + " |" for row in shown]
        click.echo("\n".join(lines))
        return
    day = (on or dt.date.today()).isoformat()
    print_rows(shown, COST_COLUMNS, Format.table, title=f"What {precision.upper()} compute costs, prices as of {day}")
