"""The shape of the price and peer-table files (data/prices/, data/peers/), as strict pydantic models."""

from __future__ import annotations

import datetime as dt
from datetime import date
from typing import Annotated, Any, Literal, get_args

from pydantic import Field, StringConstraints

from gpudb.validation.schema import Slug, Text, _Strict

# ---------------------------------------------------------------------------------------------- prices

# What a price is: the vendor's list price at launch, a price reported as paid (a purchase) or asked in a market
# (street, with the market named), or a cloud rate, on demand or reserved for a term. None is "the" price.
PriceKind = Literal["launch-list", "reported-purchase", "reported-street", "cloud-on-demand", "cloud-reserved"]
PRICE_KINDS: tuple[str, ...] = get_args(PriceKind)
# above zero and below a trillion in any currency: a price past that is a slip (1e300), not a chip's or an hour's
Amount = Annotated[float, Field(gt=0, le=1e12, allow_inf_nan=False)]


class PriceEntry(_Strict):
    """One dated price of one accelerator, as its source gives it (data/prices/*.yaml, lists of these)."""

    accelerator: Slug = Field(description="The accelerator id the price is for.")
    kind: PriceKind = Field(description="launch-list, reported-purchase, reported-street, cloud-on-demand, …")
    amount: Amount = Field(description="The figure as published, in `currency`: per chip, or per `unit` hour.")
    amount_high: Amount | None = Field(
        None, description="For a reported range: its upper end (`amount` is the lower); metrics use the midpoint."
    )
    currency: Text = Field(description="ISO 4217 code, e.g. USD, CNY.")
    date: dt.date | None = Field(None, description="The day the price was published or quoted.")
    period_from: dt.date | None = Field(None, description="Instead of a date: the first day of the period.")
    period_to: dt.date | None = Field(None, description="The last day of the period (open when absent).")
    market: Text | None = Field(None, description="Where a street price was asked, e.g. 'China grey market'.")
    provider: Text | None = Field(None, description="The cloud that rents it, e.g. AWS, Lambda.")
    instance: Text | None = Field(None, description="The instance type or offer, e.g. p5.48xlarge.")
    region: Text | None = Field(None, description="The cloud region the rate is for, e.g. us-east-1.")
    term: Text | None = Field(None, description="A reserved rate's commitment, e.g. '1 year'.")
    unit: Literal["gpu-hour", "instance-hour"] | None = Field(
        None, description="A cloud rate's unit: per GPU-hour, or per instance-hour (with gpus_per_instance)."
    )
    gpus_per_instance: Annotated[int, Field(ge=1, le=256)] | None = Field(
        None, description="GPUs in the instance an instance-hour rate is for; stored divided by it."
    )
    source: Slug = Field(description="Id of the source the price is taken from.")
    note: Text | None = None


# ---------------------------------------------------------------------------------------------- peer tables

# What a peer entry can be: a precision of gpudb.analysis.devices.PRECISIONS, or the memory bandwidth.
PeerPrecision = Literal["fp64", "fp64-tensor", "fp32", "tf32", "bf16", "fp16", "fp8", "int8", "fp4", "memory-bandwidth"]
PEER_PRECISIONS: tuple[str, ...] = get_args(PeerPrecision)
# The units a peer table may give, in SI base units as the frameworks and Epoch AI write them.
PEER_UNITS: tuple[str, ...] = ("FLOP/s", "OP/s", "byte/s")


class PeerFile(_Strict):
    """A table of peak figures hard-coded in another project (data/peers/<name>.yaml); entries are checked apart."""

    name: Slug = Field(description="Stable name; equals the file name.")
    title: Text = Field(description="What the table is, e.g. 'torchtitan get_peak_flops (BF16)'.")
    repository: Annotated[str, StringConstraints(pattern=r"^[\w.-]+/[\w.-]+$")] = Field(description="owner/name.")
    path: Text = Field(description="The file in the repository that holds the table.")
    commit: Annotated[str, StringConstraints(pattern=r"^[0-9a-f]{40}$")] = Field(description="The commit read.")
    read: date = Field(description="When the table was transcribed.")
    note: Text | None = None
    entries: list[Any] = Field(min_length=1, description="One row per device key and precision (see PeerEntry).")


class PeerEntry(_Strict):
    """One figure of a peer table: the device as the project spells it, the precision, the value and its unit."""

    key: Text = Field(description="The device name or substring as the project writes it, e.g. 'h100 sxm'.")
    precision: PeerPrecision = Field(description="A precision name (bf16, fp8, …) or memory-bandwidth.")
    value: Any = Field(description="The number, in `unit`.")
    unit: Text = Field(description="FLOP/s, OP/s (integer formats) or byte/s (memory bandwidth).")
    written: Text | None = Field(None, description="The expression exactly as the code writes it, e.g. '1.979e15 / 2'.")
    note: Text | None = None
