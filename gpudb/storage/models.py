"""SQLModel tables of the built database: the schema of record. The public shapes are in gpudb.storage.public."""

from __future__ import annotations

import datetime as dt
from datetime import date

from sqlalchemy import JSON, Column, Index
from sqlmodel import Field, SQLModel

from gpudb.identity import describe, describe_system

SCHEMA_VERSION = (
    9  # 6: source tier, read, read_via; spec_value inference; 7: price; 8: systems; 9: published measurements
)


class Source(SQLModel, table=True):
    """A document that published figures are taken from."""

    __tablename__ = "source"

    id: str = Field(primary_key=True, description="Stable source id.")
    title: str = Field(description="Title of the document as published.")
    publisher: str = Field(description="Who published it.")
    url: str = Field(description="Where it can be read.")
    published: date | None = Field(default=None, description="Date of the document, if it carries one.")
    accessed: date = Field(description="When the figures were read from it.")
    kind: str = Field(index=True, description="vendor-datasheet, vendor-product-page, … estimate.")
    tier: int = Field(
        description="How far to trust it, from its kind: 1 vendor, 2 regulator, 3 reputable press or "
        "analyst, 4 trade, 5 community, 6 estimate (gpudb.tiers)."
    )
    read: str = Field(description="How it was read: original, copy (a faithful copy) or quotation (quoted elsewhere).")
    read_via: str | None = Field(default=None, description="The copy or quoting text it was read through.")
    note: str | None = Field(default=None, description="Notes on the source: what it covers, how it was read.")


class Accelerator(SQLModel, table=True):
    """One accelerator SKU."""

    __tablename__ = "accelerator"

    id: str = Field(primary_key=True, description="Stable id, e.g. h200-sxm.")
    vendor: str = Field(index=True, description=describe("vendor"))
    name: str = Field(description=describe("name"))
    architecture: str = Field(index=True, description=describe("architecture"))
    form_factor: str = Field(description=describe("form_factor"))
    data_center: bool = Field(description=describe("data_center"))
    china_specific: bool = Field(description=describe("china_specific"))
    availability: str = Field(default="shipping", description=describe("availability"))
    announced: date | None = Field(default=None, description=describe("announced"))
    note: str | None = Field(default=None)
    sources: list = Field(
        default_factory=list,
        sa_column=Column(JSON, nullable=False),
        description="Source ids for the identity fields.",
    )
    file: str = Field(description="The data file it was built from.")


class Alias(SQLModel, table=True):
    """A name of an accelerator: its id, product name, and every alias ('H200' for h200-sxm).

    name_key is the name folded for matching; validation guarantees that one key never names two accelerators.
    """

    __tablename__ = "alias"

    accelerator_id: str = Field(foreign_key="accelerator.id", primary_key=True)
    name: str = Field(primary_key=True, description="The name as written in the data file.")
    name_key: str = Field(index=True, description="The name folded for matching.")
    kind: str = Field(description="id, name or alias.")


class Metric(SQLModel, table=True):
    """The metric catalogue, copied into the database so readers need no code to interpret values."""

    __tablename__ = "metric"

    key: str = Field(primary_key=True)
    label: str
    unit: str = Field(description="Canonical unit as shown ('' when none).")
    category: str = Field(index=True)
    kind: str = Field(description="number, text or date.")
    precision: str | None = Field(default=None)
    bits: int | None = Field(default=None)
    sparsity_applies: bool
    higher_is_better: bool | None = Field(default=None)
    description: str
    position: int = Field(description="Order of the metric in the catalogue.")


class SpecValue(SQLModel, table=True):
    """One published value of one metric for one accelerator, in the canonical unit, with provenance.

    A metric may have several rows (sources that disagree): exactly one per (accelerator, metric) is preferred,
    and that one is what comparisons, derived metrics and rules use. A row may carry a status instead of a value.
    """

    __tablename__ = "spec_value"
    __table_args__ = (Index("ix_spec_value_preferred", "preferred", "accelerator_id", "metric_key"),)

    id: int | None = Field(default=None, primary_key=True)
    accelerator_id: str = Field(foreign_key="accelerator.id", index=True)
    metric_key: str = Field(foreign_key="metric.key", index=True)
    value_number: float | None = Field(default=None, description="In the metric's canonical unit.")
    value_text: str | None = Field(default=None, description="Text metrics, and dates as YYYY-MM-DD.")
    status: str = Field(
        description="value, or instead of one: not-supported, not-applicable, unknown, not-disclosed, "
        "convention-unstated (a figure whose dense/sparse convention the source does not state)."
    )
    preferred: bool = Field(description="The value used when sources disagree (one per accelerator and metric).")
    unit: str = Field(description="The canonical unit of value_number ('' when none).")
    as_published: str = Field(description="The figure exactly as the source gives it.")
    sparse_in_source: bool = Field(description="The source figure was with 2:4 sparsity; stored halved.")
    unstated_number: float | None = Field(
        default=None,
        description="A tensor figure whose source does not say dense or sparse (status convention-unstated), "
        "as published in the canonical unit; kept out of value_number so dense-only comparisons never use it.",
    )
    board_gpus: int | None = Field(default=None, description="The source figure was for this many GPUs; divided.")
    source_id: str | None = Field(default=None, foreign_key="source.id", index=True)
    inference: str | None = Field(
        default=None, description="The value is inferred, not stated by its source for this part: the reasoning."
    )
    note: str | None = Field(default=None)
    file: str
    line: int | None = Field(default=None)


class Rule(SQLModel, table=True):
    """A version of an export rule, with its paragraphs (thresholds) or named products, as JSON."""

    __tablename__ = "rule"

    id: str = Field(primary_key=True, description="Stable rule id (the data file's name).")
    title: str = Field(description="Title of the rule as published.")
    citation: str = Field(description="e.g. 88 FR 73458.")
    authority: str = Field(description="Who issued it, e.g. the US Bureau of Industry and Security.")
    published: date = Field(description="Day the rule was published.")
    effective: date | None = Field(default=None, description="Day it took effect, where recorded.")
    status: str = Field(description="in-force, superseded, not-enforced or rescinded.")
    status_note: str | None = Field(default=None, description="What changed its status, and when.")
    source_id: str = Field(foreign_key="source.id", description="The rule's text (see the sources table).")
    kind: str = Field(description="thresholds, named-products or case-by-case.")
    paragraphs: list = Field(
        default_factory=list,
        sa_column=Column(JSON, nullable=False),
        description="The paragraphs with their thresholds (TPP, performance density, I/O), as JSON.",
    )
    named_products: list = Field(
        default_factory=list,
        sa_column=Column(JSON, nullable=False),
        description="The products a rule names (a licence requirement by letter), as JSON.",
    )
    outcome_inside: str | None = Field(default=None, description="What a chip that meets a paragraph is, in words.")
    outcome_outside: str | None = Field(default=None, description="What a chip that meets none is, in words.")
    verification: str | None = Field(
        default=None, description="What was read to verify the rule, where and how, and what was not confirmed."
    )
    position: int = Field(description="Order of the rule: by publication date.")


class Claim(SQLModel, table=True):
    """A published claim comparing chips, with the figure it states."""

    __tablename__ = "claim"

    id: str = Field(primary_key=True, description="Stable claim id.")
    claimant: str = Field(description="Who made the claim.")
    reported_by: str | None = Field(default=None, description="Who reported it, when not the claimant.")
    # dt.: the field's name shadows the type here
    date: dt.date | None = Field(default=None, description="Day the claim was made or reported.")
    source_id: str = Field(foreign_key="source.id", description="Where the claim was read (see the sources table).")
    quote: str = Field(description="The claim's words, as published.")
    quote_found: bool | None = Field(default=None, description="false where the stored source lacks the quote.")
    # no foreign key: a claim may compare systems as well as chips (validation checks the id names one)
    subject_id: str = Field(index=True, description="The accelerator or system id the claim is about.")
    baseline_id: str | None = Field(default=None, description="The accelerator or system id it is compared with.")
    stated_ratio: float | None = Field(default=None, description="The ratio the claim states (subject ÷ baseline).")
    stated_value: float | None = Field(default=None, description="The figure the claim states, for a claim of one.")
    stated_metric: str | None = Field(default=None, description="The metric the claim names, where it names one.")
    qualifier: str = Field(description="exactly, about, nearly, more-than…: the band the stated figure is read in.")
    scope: str = Field(description="peak-spec or system-level.")
    tolerance: float | None = Field(default=None, description="Overrides the qualifier's tolerance.")
    note: str | None = Field(default=None, description="Notes on the claim: the working behind it.")


class DeviceName(SQLModel, table=True):
    """A name a driver or framework reports (torch, nvidia-smi, rocm-smi) and the accelerator it means."""

    __tablename__ = "device_name"

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(description="As reported, e.g. 'NVIDIA H100 80GB HBM3'.")
    name_key: str = Field(index=True, description="The name folded for matching.")
    accelerator_id: str = Field(foreign_key="accelerator.id")
    memory_gb: float | None = Field(default=None, description="Memory that tells SKUs of one name apart.")
    note: str | None = Field(default=None)


class Measurement(SQLModel, table=True):
    """One measurement of one chip, never mixed into the published specs: a run of `gpudb bench` on one device
    (kind 'gpudb bench', with its environment) or a measurement someone else published (kind 'published', with
    who measured and its source)."""

    __tablename__ = "measurement"

    id: str = Field(primary_key=True, description="Stable measurement id.")
    accelerator_id: str = Field(foreign_key="accelerator.id", index=True, description="The accelerator measured.")
    kind: str = Field(description="'gpudb bench' (a run of ours) or 'published' (measured and published by others).")
    measured_by: str = Field(description="Who measured: 'gpudb bench', or the person or organisation named.")
    measured: date = Field(description="Day of the run (UTC), or of a published measurement (else of publication).")
    published: date | None = Field(default=None, description="Day a published measurement was published.")
    source_id: str | None = Field(default=None, foreign_key="source.id", description="Where it was published.")
    tool: str | None = Field(default=None, description="What produced it, with its version (software as stated).")
    mode: str | None = Field(default=None, description="quick or full (gpudb bench runs).")
    device_name: str | None = Field(default=None, description="As the driver reported it.")
    memory_gb: float | None = Field(default=None, description="Total device memory as reported, GB.")
    sm_count: int | None = Field(default=None)
    backend: str | None = Field(default=None, description="cuda, rocm or cpu.")
    driver_version: str | None = Field(default=None, description="The driver's version, as reported.")
    cuda_version: str | None = Field(default=None, description="The CUDA (or ROCm) version torch was built with.")
    torch_version: str | None = Field(default=None, description="The PyTorch version.")
    power_limit_w: float | None = Field(default=None, description="The device's power limit during the run, W.")
    sm_clock_max_mhz: int | None = Field(default=None, description="The device's maximum SM clock, MHz.")
    host: str | None = Field(default=None, description="The machine the run was made on.")
    environment: dict = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    skipped: list = Field(
        default_factory=list, sa_column=Column(JSON, nullable=False), description="[{name, reason}] not measured."
    )
    note: str | None = Field(default=None)
    file: str


class MeasuredValue(SQLModel, table=True):
    """One measured figure, set against a published metric of the same chip."""

    __tablename__ = "measured_value"

    id: int | None = Field(default=None, primary_key=True)
    measurement_id: str = Field(foreign_key="measurement.id", index=True)
    name: str = Field(description="matmul-bf16, copy, read, …")
    metric_key: str = Field(foreign_key="metric.key")
    precision: str | None = Field(default=None, description="The number format measured: bf16, fp8…")
    method: str = Field(description="How the figure was measured: the kernel or benchmark, in words.")
    unit: str = Field(description="The metric's canonical unit: TFLOPS, TOPS or TB/s.")
    value: float = Field(description="The figure set against the peak: a run's median, or the published figure.")
    median: float | None = Field(default=None, description="Median over the repetitions (gpudb bench runs).")
    best: float | None = Field(default=None, description="Best repetition (gpudb bench runs).")
    spread_pct: float | None = Field(default=None, description="(best − worst) ÷ median × 100 over the repetitions.")
    repetitions: int | None = Field(default=None, description="Timed repetitions (gpudb bench runs).")
    shape: list | None = Field(
        default=None,
        sa_column=Column(JSON, nullable=True),
        description="The matmul's shape as the run or source gives it, as JSON.",
    )
    size_bytes: int | None = Field(default=None, description="The bytes moved, for a memory-bandwidth figure.")
    limitation: str | None = Field(default=None, description="What keeps the figure from being the chip's peak.")
    note: str | None = Field(default=None, description="Notes on the measured figure.")
    position: int = Field(description="Order in the measurement file (or entry).")


class Price(SQLModel, table=True):
    """One dated price of one accelerator: a list, purchase or street price per chip, or a cloud rate per GPU-hour.

    Many per chip over time, none of them "the" price. An instance-hour rate is stored divided by its GPUs.
    """

    __tablename__ = "price"

    id: int | None = Field(default=None, primary_key=True)
    accelerator_id: str = Field(foreign_key="accelerator.id", index=True)
    kind: str = Field(description="launch-list, reported-purchase, reported-street, cloud-on-demand, cloud-reserved.")
    amount: float = Field(description="Per chip, or per GPU-hour for a cloud rate (an instance's rate divided).")
    amount_high: float | None = Field(default=None, description="A reported range's upper end, same unit.")
    currency: str = Field(description="ISO 4217 code, as published; never converted.")
    as_published: str = Field(description="The figure as the source gives it, e.g. '98.32 USD per instance-hour'.")
    date: dt.date = Field(description="The day it was quoted, or the first day of its period.")
    date_to: dt.date | None = Field(default=None, description="The last day of its period, when it has one.")
    period: bool = Field(description="Dated by a period (date … date_to) rather than a day.")
    unit: str = Field(description="chip, or gpu-hour for a cloud rate.")
    gpus_per_instance: int | None = Field(default=None, description="An instance-hour rate was divided by these.")
    market: str | None = Field(default=None)
    provider: str | None = Field(default=None)
    instance: str | None = Field(default=None)
    region: str | None = Field(default=None)
    term: str | None = Field(default=None)
    source_id: str = Field(foreign_key="source.id", index=True)
    note: str | None = Field(default=None)
    file: str
    line: int | None = Field(default=None)


class System(SQLModel, table=True):
    """A board, node, rack or pod: its identity; its chips are system_part rows, its totals system_value rows."""

    __tablename__ = "system"

    id: str = Field(primary_key=True, description=describe_system("id"))
    vendor: str = Field(index=True, description=describe_system("vendor"))
    name: str = Field(description=describe_system("name"))
    kind: str = Field(description=describe_system("kind"))
    availability: str = Field(description=describe_system("availability"))
    announced: date | None = Field(default=None, description=describe_system("announced"))
    parts: list = Field(
        default_factory=list, sa_column=Column(JSON, nullable=False), description=describe_system("parts")
    )
    note: str | None = Field(default=None, description=describe_system("note"))
    sources: list = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    file: str = Field(description="The data file it was built from.")


class SystemName(SQLModel, table=True):
    """A name of a system (id, product name, aliases), folded for matching as accelerator names are."""

    __tablename__ = "system_name"

    system_id: str = Field(foreign_key="system.id", primary_key=True)
    name: str = Field(primary_key=True)
    name_key: str = Field(index=True, description="The name folded for matching.")
    kind: str = Field(description="id, name or alias.")


class SystemPart(SQLModel, table=True):
    """The accelerators a system holds, with how many."""

    __tablename__ = "system_part"

    system_id: str = Field(foreign_key="system.id", primary_key=True)
    accelerator_id: str = Field(foreign_key="accelerator.id", primary_key=True)
    count: int = Field(description="How many of the chip the system holds.")
    note: str | None = Field(default=None)


class SystemValue(SQLModel, table=True):
    """A total its vendor (or an analyst) publishes for a whole system, with provenance, as spec_value rows are.

    Its own table rather than spec_value with a system column: spec_value's accelerator_id is a required key of
    accelerator, and every chip reader (table, coverage, preference, export rules) would need a filter.
    """

    __tablename__ = "system_value"

    id: int | None = Field(default=None, primary_key=True)
    system_id: str = Field(foreign_key="system.id", index=True)
    metric_key: str = Field(description="A chip metric (totalled) or a system metric, e.g. rack_count.")
    value_number: float | None = Field(default=None, description="In the metric's canonical unit.")
    value_text: str | None = Field(default=None)
    status: str = Field(description="value, a status instead of one, or convention-unstated.")
    preferred: bool = Field(description="The value used when sources disagree.")
    unit: str = Field(description="The canonical unit of value_number ('' when none).")
    as_published: str = Field(description="The figure exactly as the source gives it.")
    sparse_in_source: bool = Field(description="The source figure was with 2:4 sparsity; stored halved.")
    unstated_number: float | None = Field(default=None, description="A figure of unstated dense/sparse convention.")
    source_id: str | None = Field(default=None, foreign_key="source.id")
    note: str | None = Field(default=None)
    file: str
    line: int | None = Field(default=None)


class BuildInfo(SQLModel, table=True):
    """What the database was built from: schema version, package version, digest of data/."""

    __tablename__ = "build_info"

    key: str = Field(primary_key=True)
    value: str
