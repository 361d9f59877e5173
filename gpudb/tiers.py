"""Source tiers: how far a reader may trust a value, from the kind of its source and how that source was read."""

from __future__ import annotations

from collections.abc import Iterable
from urllib.parse import urlsplit

# Each kind of source belongs to one tier, 1 the most trustworthy. A value from a lower tier (a larger number)
# never outranks one from a higher tier (see gpudb.validation.preference and docs/data-format.md).
TIER_KINDS: dict[int, tuple[str, ...]] = {
    1: ("vendor-datasheet", "vendor-product-page", "vendor-announcement", "vendor-documentation"),
    2: ("primary-legal-text", "government-announcement"),
    3: ("reputable-press", "analyst-report"),
    4: ("trade-press", "retailer", "aggregator"),
    5: ("community",),
    6: ("estimate",),
}
TIER_NAMES: dict[int, str] = {1: "vendor", 2: "regulator", 3: "reputable", 4: "trade", 5: "community", 6: "estimate"}
KIND_TIER: dict[str, int] = {kind: tier for tier, kinds in TIER_KINDS.items() for kind in kinds}
VENDOR_KINDS: tuple[str, ...] = TIER_KINDS[1]
# Kinds whose publisher must be on data/reputable-publishers.yaml.
LISTED_PUBLISHER_KINDS: frozenset[str] = frozenset(TIER_KINDS[3])

# How a source's text was read, best first: the original, a faithful copy (read_via names it), a quotation of it
# in another text (read_via names that text).
READINGS: tuple[str, ...] = ("original", "copy", "quotation")
READING_RANK: dict[str, int] = {reading: rank for rank, reading in enumerate(READINGS)}

# Kinds no longer accepted, with what to use instead.
RETIRED_KINDS: dict[str, str] = {
    "third-party-report": "kind 'third-party-report' is retired; say what the source is: reputable-press or "
    "analyst-report (publisher on data/reputable-publishers.yaml), trade-press, retailer, aggregator or community",
}


def tier_of(kind: str | None) -> int | None:
    """The tier (1 vendor … 6 estimate) of a kind of source; None for no source."""
    return KIND_TIER.get(kind or "")


def tier_label(kind: str | None) -> str:
    """'tier 1 vendor' for a kind of source ('' for none)."""
    tier = tier_of(kind)
    return f"tier {tier} {TIER_NAMES[tier]}" if tier else ""


def reading_label(read: str | None, read_via: str | None) -> str:
    """'' for the original; 'read through a copy: <via>' or 'read only as a quotation in: <via>' otherwise."""
    if read == "copy":
        return f"read through a copy: {read_via}"
    if read == "quotation":
        return f"read only as a quotation in: {read_via}"
    return ""


def inference_label(inference: str | None) -> str:
    """'inference: <reasoning>' for an inferred value, '' for a stated one."""
    return f"inference: {inference}" if inference else ""


def denied_host(url: str, hosts: Iterable[str]) -> str | None:
    """The listed host covering the URL's host (the host itself or a domain above it), if any."""
    host = (urlsplit(url).hostname or "").lower()
    return next((listed for listed in hosts if host == listed or host.endswith("." + listed)), None)
