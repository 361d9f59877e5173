"""The shape of data files, as pydantic models: what fields exist, which are required, of what type."""

from __future__ import annotations

import datetime as dt
from datetime import date
from typing import Annotated, Any, Literal, get_args

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from gpudb.identity import describe

Slug = Annotated[str, StringConstraints(pattern=r"^[a-z0-9][a-z0-9.-]*$", max_length=80)]
Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=2000)]
Url = Annotated[str, StringConstraints(pattern=r"^https?://[^\s]+$", max_length=2000)]

# What a source is, most trustworthy first: the vendor's own documents, law and government, reputable press and
# analysts (publishers on data/reputable-publishers.yaml), trade blogs and retailers and aggregators, community or
# generated text, and a figure nobody published (an estimate). gpudb.tiers gives each kind its tier (1 vendor …
# 6 estimate); the retired "third-party-report" is refused with a hint (gpudb.tiers.RETIRED_KINDS).
SourceKind = Literal[
    "vendor-datasheet",
    "vendor-product-page",
    "vendor-announcement",
    "vendor-documentation",
    "primary-legal-text",
    "government-announcement",
    "reputable-press",
    "analyst-report",
    "trade-press",
    "retailer",
    "aggregator",
    "community",
    "estimate",
]
SOURCE_KINDS: tuple[str, ...] = get_args(SourceKind)

# How the text was read: in the original, in a faithful copy (an archive, a mirror, a reseller's reproduction of
# the vendor's table; `read_via` names it), or only as a quotation in another text (`read_via` names that text).
SourceReading = Literal["original", "copy", "quotation"]
SOURCE_READINGS: tuple[str, ...] = get_args(SourceReading)


class _Strict(BaseModel):
    """Unknown fields are errors (a typo must not be ignored) and types are not coerced."""

    model_config = ConfigDict(extra="forbid", strict=True, frozen=True)


class SourceEntry(_Strict):
    """One document that figures are taken from."""

    id: Slug = Field(description="Stable id, lower-case letters, digits and dashes.")
    title: Text = Field(description="Title of the document as published.")
    publisher: Text = Field(description="Who published it.")
    url: Url = Field(description="Where it can be read.")
    published: date | None = Field(description="Date of the document; null when it carries none.")
    accessed: date = Field(description="When the figures were read from it.")
    kind: SourceKind = Field(description="What the source is: vendor datasheet … community text, estimate.")
    read: SourceReading = Field(
        description="How it was read: the original, a faithful copy (named in read_via), or a quotation."
    )
    read_via: Text | None = Field(
        None, description="The copy or the quoting text it was read through (required unless read is original)."
    )
    note: Text | None = None


class ReputablePublisher(_Strict):
    """A publisher whose sources may be reputable-press or analyst-report (data/reputable-publishers.yaml)."""

    publisher: Text = Field(description="Exactly as sources' `publisher` spells it.")
    kind: Literal["reputable-press", "analyst-report"]
    note: Text = Field(description="Why it is reputable.")


class DenylistedHost(_Strict):
    """A host that is not a source: none of its pages may be the only source of a value (data/source-denylist.yaml)."""

    host: Annotated[str, StringConstraints(pattern=r"^[a-z0-9][a-z0-9.-]*\.[a-z]+$", max_length=253)]
    reason: Text


# What a metric can be instead of a value: the chip lacks the capability, the metric does not apply, or nobody
# has published it. Kept apart so that "the A100 has no FP8" never reads as "the A100's FP8 is unknown".
# "not-disclosed": the vendor has not published it (distinct from "unknown": published somewhere, not found yet).
SpecStatus = Literal["not-supported", "not-applicable", "unknown", "not-disclosed"]
SPEC_STATUSES: tuple[str, ...] = get_args(SpecStatus)


class SpecEntry(_Strict):
    """One published value (or a status instead of one) of one metric for one accelerator, as written."""

    value: Any = Field(None, description="The value with its unit ('4.8 TB/s'), or a number with `unit`.")
    status: SpecStatus | None = Field(
        None, description="Instead of a value: not-supported, not-applicable or unknown (see the data format)."
    )
    unit: Text | None = Field(None, description="Unit of a bare-number value.")
    source: Slug | None = Field(None, description="Id of the source the value is taken from.")
    sparsity: Literal["dense", "sparse", "unstated"] | None = Field(
        None,
        description="For tensor throughput: whether the source figure was dense, with 2:4 sparsity, or the source "
        "does not say (stored as published and kept out of dense-only comparisons).",
    )
    board_gpus: Annotated[int, Field(ge=2, le=256)] | None = Field(
        None, description="The source figure is for a board of this many GPUs; stored divided by it."
    )
    preferred: bool | None = Field(
        None, description="In a list of values from several sources: this one is used (overrides the choice)."
    )
    dense_ratio_note: Text | None = Field(
        None,
        description="A dense figure far above another precision's rate on purpose (the MI100's FP16 at twice its "
        "BF16): where the vendor says so. Without it the sparse-as-dense check refuses the figure.",
    )
    inference: Text | None = Field(
        None,
        description="The value is inferred, not stated by the source for this part: the reasoning (e.g. 'same "
        "GH100 die as the H100').",
    )
    note: Text | None = None


class AcceleratorFile(_Strict):
    """One accelerator file: identity and its published spec values."""

    id: Slug = Field(description="Stable id; equals the file name.")
    vendor: Text = Field(description=describe("vendor"))
    name: Text = Field(description=describe("name"))
    aliases: list[Text] = Field(default_factory=list, description=describe("aliases"))
    architecture: Text = Field(description=describe("architecture"))
    form_factor: Text = Field(description=describe("form_factor"))
    data_center: bool = Field(description=describe("data_center"))
    china_specific: bool = Field(description=describe("china_specific"))
    availability: Literal["shipping", "announced"] = Field("shipping", description=describe("availability"))
    announced: date | None = Field(None, description=describe("announced"))
    note: Text | None = None
    sources: list[Slug] = Field(
        default_factory=list, description="Sources for the identity fields (what the part is, who it is made for)."
    )
    # Each entry is a SpecEntry or a list of them (several sources); they are checked one by one, so that one
    # broken value is reported on its own line and the rest of the file is still read.
    specs: dict[Text, Any]


class SystemChip(_Strict):
    """The accelerators a system holds: an accelerator id and how many."""

    accelerator: Slug = Field(description="The accelerator id (data/accelerators/).")
    count: int = Field(description="How many of it the system holds (at least 1).")
    note: Text | None = None


class SystemFile(_Strict):
    """One system (a board, node, rack or pod): its chips, other parts, and the figures published for the whole."""

    id: Slug = Field(description="Stable id; equals the file name.")
    vendor: Text
    name: Text
    aliases: list[Text] = Field(default_factory=list)
    kind: Literal["board", "node", "rack", "pod"] = Field(description="board, node, rack or pod.")
    availability: Literal["shipping", "announced"] = Field(
        "shipping", description="Shipping, or announced and not yet shipping (its figures are the announcement's)."
    )
    announced: date | None = Field(None, description="When the system was announced.")
    chips: list[SystemChip] = Field(min_length=1, description="Its accelerators, each with a count.")
    parts: list[Text] = Field(default_factory=list, description="Other parts where they matter (CPUs, switches).")
    note: Text | None = None
    sources: list[Slug] = Field(default_factory=list, description="Sources for the identity and the parts.")
    # totals for the whole system, each a SpecEntry or a list of them, in the metric's canonical unit
    specs: dict[Text, Any] = Field(default_factory=dict)


# ---------------------------------------------------------------------------------------------- export rules

ConditionMetric = Literal["tpp", "performance_density", "interconnect_bandwidth_gbs", "memory_bandwidth_gbs"]


# A threshold, ratio or memory figure: finite (no .nan, no .inf) and below 10¹² (1e300 is a slip, not a rule).
Positive = Annotated[float, Field(allow_inf_nan=False, gt=0, le=1e12)]


class Condition(_Strict):
    """One threshold comparison, e.g. TPP >= 4800."""

    metric: ConditionMetric
    op: Literal[">=", ">", "<", "<="]
    value: Annotated[float, Field(allow_inf_nan=False, ge=0, le=1e12)]


class RuleParagraph(_Strict):
    """A paragraph of a rule (e.g. 3A090.a.1): it applies when all its conditions hold."""

    id: Text = Field(description="The paragraph as the rule numbers it, e.g. 3A090.a.1.")
    summary: Text
    requires_data_center: bool = Field(
        False, description="Applies only to parts designed or marketed for data centres."
    )
    conditions: list[Condition] = Field(min_length=1)


class RuleFile(_Strict):
    """One version of an export rule: its citation, dates, status and thresholds (or named products)."""

    id: Slug
    title: Text
    citation: Text = Field(description="e.g. 88 FR 73458.")
    authority: Text
    published: date
    effective: date | None
    status: Literal["in-force", "superseded", "not-enforced", "rescinded"]
    status_note: Text | None = None
    source: Slug
    kind: Literal["thresholds", "named-products", "case-by-case"]
    paragraphs: list[RuleParagraph] = Field(default_factory=list)
    named_products: list[Text] = Field(default_factory=list)
    outcome_inside: Text | None = Field(None, description="What a chip that meets a paragraph is, in words.")
    outcome_outside: Text | None = Field(None, description="What a chip that meets none is, in words.")
    verification: Text | None = Field(
        None, description="What was read to verify the rule, where, and how (primary text, quotation, summary)."
    )
    verified_by: list[Slug] = Field(
        default_factory=list, description="Sources read to verify the rule besides its own text (ids)."
    )


class PolicyEvent(_Strict):
    """An export-policy event that is not a Federal Register rule: a licence letter, a revenue share, a decision."""

    id: Slug
    date: dt.date
    title: Text
    kind: Literal["licence-letter", "revenue-share", "licence-policy", "enforcement-policy"] = Field(
        description="What kind of event: a letter to named firms, a licence condition, an announced policy."
    )
    products: list[Slug] = Field(default_factory=list, description="Accelerator ids the event names.")
    summary: Text
    sources: list[Slug] = Field(min_length=1)
    note: Text | None = None


# ---------------------------------------------------------------------------------------------- claims


class StatedFigure(_Strict):
    """What a claim states: a ratio of subject to baseline, or a value of one metric."""

    ratio: Positive | None = None
    value: Positive | None = None  # every comparable metric is a positive quantity
    # a metric key (e.g. memory_bandwidth_tbs); checked against the catalogue's metrics, which lists them
    metric: Text | None = None


class ClaimEntry(_Strict):
    """A published claim comparing chips, to be checked against the data."""

    id: Slug
    claimant: Text
    reported_by: Text | None = None
    date: dt.date | None = Field(description="When the claim was published; null when the source is undated.")
    source: Slug
    quote: Text
    quote_found: bool | None = Field(
        None,
        description="false where the stored copy of the source lacks the quoted sentence (say in note where the "
        "wording comes from); null where no one has looked.",
    )
    subject: Slug = Field(description="The accelerator id the claim is about.")
    baseline: Slug | None = Field(None, description="The accelerator id it is compared with (ratio claims).")
    stated: StatedFigure
    qualifier: Literal["exactly", "about", "nearly", "more-than", "less-than", "up-to"]
    scope: Literal["peak-spec", "system-level"]
    tolerance: float | None = Field(None, gt=0, lt=1, description="Overrides the qualifier's tolerance.")
    note: Text | None = None


# ---------------------------------------------------------------------------------------------- device names


class DeviceNameEntry(_Strict):
    """A name a driver or framework reports for a device, and the accelerator it means."""

    name: Text = Field(description="Exactly as reported, e.g. 'NVIDIA H100 80GB HBM3' (matched ignoring case).")
    accelerator: Slug = Field(description="The accelerator id the name means.")
    memory_gb: Annotated[float, Field(allow_inf_nan=False, gt=0, le=100_000)] | None = Field(
        None, description="When one name covers several SKUs: the memory (GB) that tells this one apart."
    )
    reported_by: list[Literal["torch", "nvidia-smi", "rocm-smi", "other"]] = Field(
        default_factory=list, description="Which tools report this string."
    )
    note: Text | None = None
