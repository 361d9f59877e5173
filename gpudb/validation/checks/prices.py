"""Checks of price points (data/prices/*.yaml): currency codes, dates, what each kind needs, chips and sources."""

from __future__ import annotations

import datetime as dt
import difflib
from collections.abc import Iterator

from gpudb.problems import Problem
from gpudb.validation.checks import check
from gpudb.validation.records import Dataset, Located
from gpudb.validation.schema_prices_peers import PriceEntry

# The active alphabetic codes of ISO 4217 (List One, "Current currency & funds", as published by SIX Financial
# Information, the standard's maintenance agency, in its 2024 edition), funds and precious metals left out.
ISO_4217 = frozenset(
    """
    AED AFN ALL AMD ANG AOA ARS AUD AWG AZN BAM BBD BDT BGN BHD BIF BMD BND BOB BRL BSD BTN BWP BYN BZD CAD CDF
    CHF CLP CNY COP CRC CUP CVE CZK DJF DKK DOP DZD EGP ERN ETB EUR FJD FKP GBP GEL GHS GIP GMD GNF GTQ GYD HKD
    HNL HTG HUF IDR ILS INR IQD IRR ISK JMD JOD JPY KES KGS KHR KMF KPW KRW KWD KYD KZT LAK LBP LKR LRD LSL LYD
    MAD MDL MGA MKD MMK MNT MOP MRU MUR MVR MWK MXN MYR MZN NAD NGN NIO NOK NPR NZD OMR PAB PEN PGK PHP PKR PLN
    PYG QAR RON RSD RUB RWF SAR SBD SCR SDG SEK SGD SHP SLE SOS SRD SSP STN SVC SYP SZL THB TJS TMT TND TOP TRY
    TTD TWD TZS UAH UGX USD UYU UZS VES VND VUV WST XAF XCD XOF XPF YER ZAR ZMW ZWL
    """.split()
)
CLOUD_KINDS = ("cloud-on-demand", "cloud-reserved")
# Fields only a cloud rate has: on a purchase or list price they mean the entry is of the wrong kind.
CLOUD_FIELDS = ("provider", "instance", "region", "term", "unit", "gpus_per_instance")


def _problem(record: Located[PriceEntry], code: str, message: str, field: str, value: object) -> Problem:
    """A problem at the line of one field of a price entry, about its accelerator."""
    line = record.field_line(field)
    return Problem(code, message, record.file, line, record.entry.accelerator, f"price.{field}", value)


@check
def prices_are_well_formed(dataset: Dataset) -> Iterator[Problem]:
    """Each price: a known chip and source, an ISO 4217 currency, a past date, and the fields its kind needs."""
    known_sources = {source.entry.id for source in dataset.sources} | dataset.invalid_ids
    today = dt.date.today()
    for record in dataset.prices:
        price = record.entry
        if price.accelerator not in dataset.accelerator_file_ids:
            message = f"accelerator {price.accelerator!r} is not an accelerator id in data/accelerators/"
            yield _problem(record, "unknown-accelerator", message, "accelerator", price.accelerator)
        if price.source not in known_sources:
            close = difflib.get_close_matches(price.source, sorted(known_sources), n=1)
            hint = f"did you mean {close[0]!r}?" if close else "define it in data/sources/"
            yield _problem(
                record, "unknown-source", f"source {price.source!r} is not defined; {hint}", "source", price.source
            )
        if price.currency not in ISO_4217:
            upper = price.currency.upper()
            hint = f"; did you mean {upper!r}?" if upper in ISO_4217 else " (three capital letters, e.g. USD, CNY, EUR)"
            message = f"{price.currency!r} is not an ISO 4217 currency code{hint}"
            yield _problem(record, "bad-currency", message, "currency", price.currency)
        for field in ("date", "period_from", "period_to"):
            day = getattr(price, field)
            if day is not None and day > today:
                message = f"{day.isoformat()} is in the future; a price is dated when it was published or quoted"
                yield _problem(record, "future-date", message, field, day.isoformat())
        yield from _kind_problems(record)


def _kind_problems(record: Located[PriceEntry]) -> Iterator[Problem]:
    """What the entry's kind and dating need: one date or a period, a cloud rate's provider and unit, …"""
    price = record.entry

    def inconsistent(message: str, field: str, value: object = None) -> Problem:
        return _problem(record, "inconsistent-price", message, field, value)

    if (price.date is None) == (price.period_from is None):
        yield inconsistent(
            "give either 'date' or 'period_from' (with an optional 'period_to'), not both or neither", "date"
        )
    if price.period_to is not None and (price.period_from is None or price.period_to < price.period_from):
        yield inconsistent("'period_to' needs a 'period_from' on or before it", "period_to", str(price.period_to))
    if price.amount_high is not None and price.amount_high < price.amount:
        yield inconsistent(f"amount_high {price.amount_high:g} is below amount {price.amount:g}", "amount_high")
    if price.kind in CLOUD_KINDS:
        for field in ("provider", "unit") + (("term",) if price.kind == "cloud-reserved" else ()):
            if getattr(price, field) is None:
                yield inconsistent(f"a {price.kind} rate needs '{field}'", "kind", price.kind)
        if price.unit == "instance-hour" and price.gpus_per_instance is None:
            message = "an instance-hour rate needs 'gpus_per_instance' (it is stored divided by it)"
            yield inconsistent(message, "unit", price.unit)
        if price.unit == "gpu-hour" and price.gpus_per_instance is not None:
            yield inconsistent("a gpu-hour rate is already per GPU; remove 'gpus_per_instance'", "gpus_per_instance")
        if price.market is not None:
            yield inconsistent("'market' is for a reported-street price; a cloud rate names its provider", "market")
        return
    for field in CLOUD_FIELDS:
        if getattr(price, field) is not None:
            yield inconsistent(f"'{field}' is for cloud rates; a {price.kind} price is per chip", field)
    if price.kind == "reported-street" and price.market is None:
        yield inconsistent(
            "a reported-street price needs 'market' (where it was asked, e.g. 'China grey market')", "kind", price.kind
        )
