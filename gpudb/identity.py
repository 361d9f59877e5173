"""The identity columns of accelerators and systems (and a system total's columns), described once: every layer
(schema, tables, web, export) reads them here."""

from __future__ import annotations

from typing import NamedTuple


class IdentityColumn(NamedTuple):
    """One identity column of an accelerator: its label for people and its meaning."""

    label: str
    description: str


IDENTITY: dict[str, IdentityColumn] = {
    "id": IdentityColumn("Id", "Stable accelerator id, e.g. h200-sxm (the data file's name)."),
    "vendor": IdentityColumn("Vendor", "Who makes it."),
    "name": IdentityColumn("Name", "Product name of this SKU."),
    "architecture": IdentityColumn("Architecture", "Microarchitecture."),
    "form_factor": IdentityColumn("Form factor", "SXM, PCIe, OAM, module…"),
    "data_center": IdentityColumn("Data centre", "Designed or marketed for data centres (matters for export rules)."),
    "china_specific": IdentityColumn(
        "China-specific", "A variant made for the Chinese market under US export rules (the H20, A800, H800…)."
    ),
    "availability": IdentityColumn(
        "Availability", "shipping, or announced (not yet shipping: its figures are the announcement's)."
    ),
    "announced": IdentityColumn("Announced", "When the part was announced (YYYY-MM-DD), where recorded."),
    "aliases": IdentityColumn("Aliases", "Other names, comma-separated."),
}


def describe(key: str) -> str:
    """The description of an identity column."""
    return IDENTITY[key].description


# A system's columns (the export's systems table; the system table's fields take their descriptions from here).
SYSTEM_IDENTITY: dict[str, IdentityColumn] = {
    "id": IdentityColumn("Id", "Stable system id, e.g. gb200-nvl72 (the data file's name)."),
    "vendor": IdentityColumn("Vendor", "Who makes the system."),
    "name": IdentityColumn("Name", "Product name of the system."),
    "kind": IdentityColumn("Kind", "board, node, rack or pod."),
    "availability": IdentityColumn(
        "Availability", "shipping, or announced (not yet shipping: its figures are the announcement's)."
    ),
    "announced": IdentityColumn("Announced", "When the system was announced (YYYY-MM-DD), where recorded."),
    "chips": IdentityColumn(
        "Chips",
        'The accelerators it holds, as JSON: [{"accelerator": id, "count": n}] (ids of the accelerators table).',
    ),
    "chip_count": IdentityColumn("Chip count", "Accelerators in the whole system (the chips' counts summed)."),
    "parts": IdentityColumn(
        "Parts", "Its other parts where they matter (CPUs, switches, racks), as a JSON list of text."
    ),
    "aliases": IdentityColumn("Aliases", "Other names, comma-separated."),
    "note": IdentityColumn("Note", "What the system is and where its figures come from."),
}

# A system total (the export's system_totals table: one row per system and metric).
SYSTEM_TOTAL: dict[str, IdentityColumn] = {
    "system_id": IdentityColumn("System", "The system (see the systems table)."),
    "metric": IdentityColumn("Metric", "The metric key: a chip metric totalled over the system, or a system metric."),
    "unit": IdentityColumn("Unit", "Canonical unit of value, published and derived."),
    "value": IdentityColumn("Total", "The total used: the published figure where there is one, else the derived."),
    "basis": IdentityColumn("Basis", "published (a source gives the total) or derived (count × the chip's figure)."),
    "published": IdentityColumn("Published", "The total as a source publishes it, in the canonical unit (dense)."),
    "as_published": IdentityColumn("As published", "The published total exactly as the source gives it."),
    "derived": IdentityColumn("Count × chip", "Count × the chip's preferred figure, summed over the chips."),
    "working": IdentityColumn("Working", 'The derivation, e.g. "72 × 2,500 TFLOPS = 180,000 TFLOPS".'),
    "source_id": IdentityColumn("Source", "The published total's source (see the sources table)."),
    "source_kind": IdentityColumn("Source kind", "The published total's source kind: vendor-datasheet … estimate."),
}


def describe_system(key: str) -> str:
    """The description of a system column."""
    return SYSTEM_IDENTITY[key].description
