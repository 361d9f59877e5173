"""The accelerator's identity columns, described once: every layer (schema, tables, web, export) reads them here."""

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
