"""The built database's tables as the read path sees them: SQLAlchemy Core clauses, no ORM.

gpudb.storage.models (SQLModel) is the schema of record: the build creates the tables from it. Reading through these
lightweight clauses instead spares every read-only command the import of the ORM, SQLModel and the model classes
(about 40% of a cold `gpudb compare`; benchmarks/RESULTS.md). Each clause names every column of its table with
the type that converts what the driver returns (SQLite's 0/1 to bool, its date text to dates, JSON text to lists).
tests/test_tables.py checks that they match gpudb.storage.models column for column, type for type.
"""

from __future__ import annotations

from sqlalchemy import JSON, Boolean, Date, Float, Integer, String, TableClause, column, table

source = table(
    "source",
    column("id", String),
    column("title", String),
    column("publisher", String),
    column("url", String),
    column("published", Date),
    column("accessed", Date),
    column("kind", String),
    column("tier", Integer),
    column("read", String),
    column("read_via", String),
    column("note", String),
)

accelerator = table(
    "accelerator",
    column("id", String),
    column("vendor", String),
    column("name", String),
    column("architecture", String),
    column("form_factor", String),
    column("data_center", Boolean),
    column("china_specific", Boolean),
    column("availability", String),
    column("announced", Date),
    column("note", String),
    column("sources", JSON),
    column("file", String),
)

alias = table(
    "alias",
    column("accelerator_id", String),
    column("name", String),
    column("name_key", String),
    column("kind", String),
)

metric = table(
    "metric",
    column("key", String),
    column("label", String),
    column("unit", String),
    column("category", String),
    column("kind", String),
    column("precision", String),
    column("bits", Integer),
    column("sparsity_applies", Boolean),
    column("higher_is_better", Boolean),
    column("description", String),
    column("position", Integer),
)


def stored_values(name: str, owner: str, of_chips: bool) -> TableClause:
    """A table of stored values with their provenance: spec_value (a chip's, owner accelerator_id) or system_value
    (a system's totals, owner system_id). The columns are the same; chips' values also say board_gpus and inference."""
    chip_only = (column("board_gpus", Integer),) if of_chips else ()
    inference = (column("inference", String),) if of_chips else ()
    return table(
        name,
        column("id", Integer),
        column(owner, String),
        column("metric_key", String),
        column("value_number", Float),
        column("value_text", String),
        column("status", String),
        column("preferred", Boolean),
        column("unit", String),
        column("as_published", String),
        column("sparse_in_source", Boolean),
        column("unstated_number", Float),
        *chip_only,
        column("source_id", String),
        *inference,
        column("note", String),
        column("file", String),
        column("line", Integer),
    )


spec_value = stored_values("spec_value", "accelerator_id", of_chips=True)


rule = table(
    "rule",
    column("id", String),
    column("title", String),
    column("citation", String),
    column("authority", String),
    column("published", Date),
    column("effective", Date),
    column("status", String),
    column("status_note", String),
    column("source_id", String),
    column("kind", String),
    column("paragraphs", JSON),
    column("named_products", JSON),
    column("outcome_inside", String),
    column("outcome_outside", String),
    column("verification", String),
    column("position", Integer),
)

claim = table(
    "claim",
    column("id", String),
    column("claimant", String),
    column("reported_by", String),
    column("date", Date),
    column("source_id", String),
    column("quote", String),
    column("quote_found", Boolean),
    column("subject_id", String),
    column("baseline_id", String),
    column("stated_ratio", Float),
    column("stated_value", Float),
    column("stated_metric", String),
    column("qualifier", String),
    column("scope", String),
    column("tolerance", Float),
    column("note", String),
)

device_name = table(
    "device_name",
    column("id", Integer),
    column("name", String),
    column("name_key", String),
    column("accelerator_id", String),
    column("memory_gb", Float),
    column("note", String),
)

# measurement.kind: a run of ours, or a measurement someone else made and published
BENCH_KIND, PUBLISHED_KIND = "gpudb bench", "published"

measurement = table(
    "measurement",
    column("id", String),
    column("accelerator_id", String),
    column("kind", String),
    column("measured_by", String),
    column("measured", Date),
    column("published", Date),
    column("source_id", String),
    column("tool", String),
    column("mode", String),
    column("device_name", String),
    column("memory_gb", Float),
    column("sm_count", Integer),
    column("backend", String),
    column("driver_version", String),
    column("cuda_version", String),
    column("torch_version", String),
    column("power_limit_w", Float),
    column("sm_clock_max_mhz", Integer),
    column("host", String),
    column("environment", JSON),
    column("skipped", JSON),
    column("note", String),
    column("file", String),
)

measured_value = table(
    "measured_value",
    column("id", Integer),
    column("measurement_id", String),
    column("name", String),
    column("metric_key", String),
    column("precision", String),
    column("method", String),
    column("unit", String),
    column("value", Float),
    column("median", Float),
    column("best", Float),
    column("spread_pct", Float),
    column("repetitions", Integer),
    column("shape", JSON),
    column("size_bytes", Integer),
    column("limitation", String),
    column("note", String),
    column("position", Integer),
)

price = table(
    "price",
    column("id", Integer),
    column("accelerator_id", String),
    column("kind", String),
    column("amount", Float),
    column("amount_high", Float),
    column("currency", String),
    column("as_published", String),
    column("date", Date),
    column("date_to", Date),
    column("period", Boolean),
    column("unit", String),
    column("gpus_per_instance", Integer),
    column("market", String),
    column("provider", String),
    column("instance", String),
    column("region", String),
    column("term", String),
    column("source_id", String),
    column("note", String),
    column("file", String),
    column("line", Integer),
)

system = table(
    "system",
    column("id", String),
    column("vendor", String),
    column("name", String),
    column("kind", String),
    column("availability", String),
    column("announced", Date),
    column("parts", JSON),
    column("note", String),
    column("sources", JSON),
    column("file", String),
)

system_name = table(
    "system_name",
    column("system_id", String),
    column("name", String),
    column("name_key", String),
    column("kind", String),
)

system_part = table(
    "system_part",
    column("system_id", String),
    column("accelerator_id", String),
    column("count", Integer),
    column("note", String),
)

system_value = stored_values("system_value", "system_id", of_chips=False)

build_info = table(
    "build_info",
    column("key", String),
    column("value", String),
)

ALL = (
    source,
    accelerator,
    alias,
    metric,
    spec_value,
    rule,
    claim,
    device_name,
    measurement,
    measured_value,
    price,
    system,
    system_name,
    system_part,
    system_value,
    build_info,
)
