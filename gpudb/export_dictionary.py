"""The export's data dictionary: one row (table, column, unit, description) for every column of every exported table.

Each column is described once: identities in gpudb.identity (accelerators, systems, system totals), stored columns by
their table model's Field(description=), metrics by the catalogue; this module holds only the columns the export
adds or renames (a join's source_title, a measurement's published peak).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from gpudb.identity import IDENTITY, SYSTEM_IDENTITY, SYSTEM_TOTAL
from gpudb.metrics.catalogue import METRICS
from gpudb.metrics.derived import DERIVED
from gpudb.storage import models

if TYPE_CHECKING:
    import pandas as pd

# Derived metrics under names that carry their unit, as every exported column does.
DERIVED_COLUMNS = {
    "tpp": "tpp",
    "performance_density": "performance_density_tpp_per_mm2",
    "bf16_gflops_per_w": "bf16_gflops_per_w",
    "bf16_tflops_per_kusd": "bf16_tflops_per_kusd",
    "ridge_point_bf16": "ridge_point_bf16_flop_per_byte",
    "bytes_per_flop_bf16": "bytes_per_flop_bf16",
    "memory_sweep_ms": "memory_sweep_ms",
    "h100_equivalents": "h100_equivalents",
}


def fields(model: type, **renamed: str) -> dict[str, str]:
    """A table model's field descriptions by column name; `renamed` maps an exported name to the field's."""
    described = {name: field.description for name, field in model.model_fields.items() if field.description}  # type: ignore[attr-defined]
    return described | {new: described[old] for new, old in renamed.items() if old in described}


TIER = fields(models.Source)["tier"]
SOURCE_KIND = "The source's kind: vendor-datasheet … estimate."
SOURCE_COLUMNS = fields(models.Source)

VALUE_COLUMNS = {
    "accelerator_id": "The accelerator.",
    "metric": "The metric key (its unit is in the 'unit' column).",
    "label": "The metric's label for people, e.g. BF16 dense.",
    "category": "The metric's family: compute, memory, interconnect, power, physical…",
    "value": "In the metric's canonical unit; empty when status is not 'value'.",
    "status": fields(models.SpecValue)["status"],
    "preferred": "The entry used when several sources give this metric.",
    "unit": "Canonical unit of value.",
    "as_published": "The figure exactly as the source gives it.",
    "sparse_in_source": "The source figure was with 2:4 sparsity; value is half of it.",
    "board_gpus": "The source figure was for a board of this many GPUs; value is divided by it.",
    "note": "Notes on the value: what the source says, how it was read.",
    "inference": "The value is inferred, not stated by its source for this part: the reasoning (empty when stated).",
    "source_id": "The value's source (see the sources table).",
    "source_title": SOURCE_COLUMNS["title"],
    "source_publisher": SOURCE_COLUMNS["publisher"],
    "source_url": SOURCE_COLUMNS["url"],
    "source_published": SOURCE_COLUMNS["published"],
    "source_accessed": SOURCE_COLUMNS["accessed"],
    "source_kind": SOURCE_KIND,
    "source_tier": TIER,
    "source_read": SOURCE_COLUMNS["read"],
    "source_read_via": SOURCE_COLUMNS["read_via"],
}

PRICE_COLUMNS = {
    "accelerator_id": "The accelerator.",
    "kind": "launch-list, reported-purchase, reported-street, cloud-on-demand or cloud-reserved.",
    "amount": "Per chip, or per GPU-hour for a cloud rate (an instance's rate divided by gpus_per_instance).",
    "amount_high": "A reported range's upper end, same unit as amount.",
    "currency": "ISO 4217 code, as published; never converted.",
    "unit": "chip, or gpu-hour.",
    "as_published": "The figure as the source gives it.",
    "date": "The day the price was quoted, or the first day of its period.",
    "date_to": "The last day of its period, when it has one.",
    "gpus_per_instance": "The GPUs an instance-hour rate was divided by.",
    "market": "Where a street price was asked.",
    "provider": "The cloud of a cloud rate.",
    "instance": "The instance type or offer.",
    "region": "The cloud region.",
    "term": "A reserved rate's commitment.",
    "source_id": "The source (see the sources table).",
    "source_kind": SOURCE_KIND,
    "note": "Notes on the price: what it covers, how it was dated.",
}

RULE_COLUMNS = fields(models.Rule)

CLAIM_COLUMNS = fields(models.Claim) | {
    "source_title": SOURCE_COLUMNS["title"],
    "source_url": SOURCE_COLUMNS["url"],
}

MEASUREMENT_COLUMNS = (
    fields(models.Measurement, measurement_id="id", published_on="published", measurement_source_id="source_id")
    | fields(models.MeasuredValue, metric="metric_key")
    | {
        "measurement_source": "Title of the source a published measurement was read in.",
        "measurement_url": "Where that source can be read.",
        "label": "The metric's label for people, e.g. BF16 dense.",
        "metric": "The published metric the figure is set against.",
        "published": "The chip's preferred published peak for that metric, in the same unit.",
        "published_status": "The published peak's status: value, or unknown, not-disclosed…",
        "published_source": "Title of the published peak's source.",
        "published_url": "Where the published peak's source can be read.",
        "efficiency": "value ÷ published: the share of the published peak measured.",
        "best_efficiency": "best ÷ published (gpudb bench runs).",
    }
)

DICTIONARY_COLUMNS = {
    "table": "The exported table the column belongs to.",
    "column": "The column's name.",
    "unit": "The unit of its numbers, where it has one (also in the column's name).",
    "description": "What the column holds.",
}


def dictionary(exported: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """One row per column of every exported table, in the tables' order, and the dictionary's own columns last."""
    import pandas as pd

    metrics = {m.key: (m.unit_label, m.description) for m in METRICS}
    metrics |= {DERIVED_COLUMNS[m.key]: (m.unit, m.description) for m in DERIVED}
    described: dict[str, dict[str, str]] = {
        "accelerators": {key: description for key, (_, description) in metrics.items()}
        | {key: column.description for key, column in IDENTITY.items()},
        "values": VALUE_COLUMNS,
        "sources": SOURCE_COLUMNS,
        "rules": RULE_COLUMNS,
        "claims": CLAIM_COLUMNS,
        "measurements": MEASUREMENT_COLUMNS,
        "prices": PRICE_COLUMNS,
        "systems": {key: column.description for key, column in SYSTEM_IDENTITY.items()},
        "system_totals": {key: column.description for key, column in SYSTEM_TOTAL.items()},
    }
    rows = []
    for table, frame in exported.items():
        for column in frame.columns:
            unit = metrics.get(column, ("", ""))[0] if table == "accelerators" else ""
            description = described.get(table, {}).get(column, "")  # a test requires every one
            rows.append({"table": table, "column": column, "unit": unit, "description": description})
    rows += [{"table": "dictionary", "column": c, "unit": "", "description": d} for c, d in DICTIONARY_COLUMNS.items()]
    return pd.DataFrame(rows, columns=list(DICTIONARY_COLUMNS))
