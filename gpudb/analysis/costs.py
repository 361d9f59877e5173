"""What compute costs: dense FLOP/s per dollar of a dated price or cloud rate, memory per dollar, with working.

Every figure names the price it was worked from: its date, kind and source. A chip has many prices over time and
none is "the" price; the one used is the latest on or before the date asked for (today by default). Amounts stay
in the currency they were published in: gpudb holds no sourced exchange rates, so it refuses to convert.

    >>> import gpudb
    >>> gpudb.cost_metrics("H100")    # TFLOPS per 1,000 USD, TFLOPS per USD/hour, GB per 1,000 USD
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import Engine

from gpudb.errors import InvalidArgumentError
from gpudb.metrics.derived import Derivation
from gpudb.storage import query, query_prices

PURCHASE_KINDS = ("launch-list", "reported-purchase", "reported-street")
CLOUD_KINDS = ("cloud-on-demand", "cloud-reserved")
PRICE_KINDS = PURCHASE_KINDS + CLOUD_KINDS
PRECISIONS = {"fp64": "fp64_tflops", "tf32": "tf32_dense_tflops", "bf16": "bf16_dense_tflops"}
PRECISIONS |= {"fp16": "fp16_dense_tflops", "fp8": "fp8_dense_tflops", "int8": "int8_dense_tops"}
PRECISIONS |= {"fp4": "fp4_dense_tflops"}


class CurrencyConversionError(InvalidArgumentError):
    """A conversion between currencies was asked for; gpudb has no sourced exchange rates to do it with."""

    def __init__(self, currency: str):
        super().__init__(
            f"cannot convert prices to {currency}: data/ holds no sourced exchange rates, so gpudb shows each price "
            "in the currency it was published in"
        )


def midpoint(price: dict) -> float:
    """The amount a price stands for: itself, or the middle of a reported range."""
    high = price.get("amount_high")
    return (price["amount"] + high) / 2 if high else price["amount"]


def _amount_text(price: dict) -> str:
    amount, high = price["amount"], price.get("amount_high")
    if high:
        return f"{midpoint(price):,g} {price['currency']} (the middle of {amount:,g}–{high:,g})"
    return f"{amount:,g} {price['currency']}"


def per_thousand(quantity: float | None, quantity_text: str, price: dict) -> Derivation:
    """quantity ÷ (price ÷ 1,000): TFLOPS (or GB) per 1,000 units of the price's currency."""
    if quantity is None:
        return Derivation(None, f"no {quantity_text} value")
    value = quantity / (midpoint(price) / 1000)
    return Derivation(value, f"{quantity:,g} {quantity_text} ÷ {_amount_text(price)} × 1,000 = {value:,.2f}")


def per_hourly_rate(quantity: float | None, quantity_text: str, price: dict) -> Derivation:
    """quantity ÷ rate per GPU-hour: TFLOPS per unit of currency per hour."""
    if quantity is None:
        return Derivation(None, f"no {quantity_text} value")
    value = quantity / midpoint(price)
    divided = f" (÷ {price['gpus_per_instance']} GPUs per instance)" if price.get("gpus_per_instance") else ""
    return Derivation(value, f"{quantity:,g} {quantity_text} ÷ {_amount_text(price)}/GPU-hour{divided} = {value:,.2f}")


def price_as_of(prices: list[dict], on: dt.date | None = None, kinds: tuple[str, ...] = PRICE_KINDS) -> dict | None:
    """The latest price of one of `kinds` dated on or before `on` (today by default), or None.

    Of several on the same day the first written wins (the build keeps file order), so the choice is stable.
    """
    day = on or dt.date.today()
    dated = [price for price in prices if price["kind"] in kinds and price["date"] <= day]
    return max(dated, key=lambda price: price["date"], default=None)


@dataclass(frozen=True)
class CostMetric:
    """A cost-normalised figure of one chip, with the price it was worked from (None when there is no price)."""

    accelerator_id: str
    key: str
    label: str
    unit: str
    derivation: Derivation
    price: dict | None

    def as_dict(self) -> dict:
        """A flat row: the figure, its working, and the price's date, kind, amount and source."""
        price = self.price or {}
        return {
            "accelerator_id": self.accelerator_id,
            "metric": self.key,
            "label": self.label,
            "value": self.derivation.value,
            "unit": self.unit,
            "working": self.derivation.working,
            "price_date": price.get("date"),
            "price_kind": price.get("kind"),
            "price": price.get("as_published"),
            "provider": price.get("provider") or price.get("market"),
            "source": price.get("source_id"),
            "source_kind": price.get("source_kind"),
        }


def cost_metrics(
    names: list[str],
    on: dt.date | None = None,
    precision: str = "bf16",
    currency: str | None = None,
    url: str | Engine | None = None,
) -> list[CostMetric]:
    """For each chip: dense TFLOPS per 1,000 of its purchase price, TFLOPS per currency-unit-hour of its cloud
    on-demand rate, and memory GB per 1,000 of its purchase price, from the prices in force on `on`."""
    if currency is not None:
        raise CurrencyConversionError(currency)
    if precision not in PRECISIONS:
        raise InvalidArgumentError(f"unknown precision {precision!r}; valid precisions: {', '.join(PRECISIONS)}")
    engine = query.engine_for(url)
    ids = [query.resolve(name, engine) for name in names]
    values = query.numeric_values(ids, engine)
    all_prices = query_prices.prices(ids, engine)
    key = PRECISIONS[precision]
    rate_unit = "TOPS" if key.endswith("_tops") else "TFLOPS"
    flops_text = f"{precision.upper()} dense {rate_unit}"
    metrics = []
    for accelerator_id in ids:
        prices = [price for price in all_prices if price["accelerator_id"] == accelerator_id]
        purchase = price_as_of(prices, on, PURCHASE_KINDS)
        cloud = price_as_of(prices, on, ("cloud-on-demand",))
        flops, memory = values[accelerator_id].get(key), values[accelerator_id].get("memory_capacity_gb")
        plans = (
            (f"{precision}_per_kilo_price", f"{precision.upper()} per 1,000 of price",
             f"{rate_unit} per 1,000 {{currency}}", purchase, per_thousand, flops, flops_text),
            (f"{precision}_per_hourly_rate", f"{precision.upper()} per hourly cloud rate",
             f"{rate_unit} per {{currency}}/GPU-hour", cloud, per_hourly_rate, flops, flops_text),
            ("memory_gb_per_kilo_price", "Memory per 1,000 of price", "GB per 1,000 {currency}", purchase,
             per_thousand, memory, "GB"),
        )  # fmt: skip
        for metric_key, label, unit_text, price, work, quantity, quantity_text in plans:
            if price is None:
                wanted = "cloud on-demand rate" if work is per_hourly_rate else "purchase price"
                day = (on or dt.date.today()).isoformat()
                derivation = Derivation(None, f"no {wanted} dated on or before {day}")
                unit = unit_text.format(currency="currency").replace("1,000 currency", "1,000 of a currency")
            else:
                derivation = work(quantity, quantity_text, price)
                unit = unit_text.format(currency=price["currency"])
            metrics.append(CostMetric(accelerator_id, metric_key, label, unit, derivation, price))
    return metrics


def price_performance_rows(precision: str = "bf16", url: str | Engine | None = None) -> list[dict]:
    """Every purchase price of every chip as dense TFLOPS per 1,000 of it, by date: for plotting over time."""
    if precision not in PRECISIONS:
        raise InvalidArgumentError(f"unknown precision {precision!r}; valid precisions: {', '.join(PRECISIONS)}")
    engine = query.engine_for(url)
    key = PRECISIONS[precision]
    prices = [price for price in query_prices.prices(None, engine) if price["kind"] in PURCHASE_KINDS]
    values = query.numeric_values(sorted({price["accelerator_id"] for price in prices}), engine)
    rows = []
    for price in prices:
        flops = values[price["accelerator_id"]].get(key)
        if flops is None:
            continue
        derivation = per_thousand(flops, key, price)
        rows.append({**price, "value": derivation.value, "working": derivation.working, "currency": price["currency"]})
    return rows
