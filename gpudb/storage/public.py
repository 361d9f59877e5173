"""The shapes gpudb.get and the API return: an accelerator with its values, each value with its source.

Plain pydantic models (not SQLModel tables), so that reading needs neither the ORM nor the table models.
"""

from __future__ import annotations

from datetime import date

from pydantic import BaseModel, Field


class SourcePublic(BaseModel):
    """A source as the API returns it."""

    id: str
    title: str
    publisher: str
    url: str
    published: date | None
    accessed: date
    kind: str
    tier: int = Field(description="1 vendor, 2 regulator, 3 reputable, 4 trade, 5 community, 6 estimate.")
    read: str = Field(description="original, copy or quotation.")
    read_via: str | None = Field(description="The copy or quoting text it was read through.")


class ValuePublic(BaseModel):
    """One value with its unit and provenance (or a status instead of a value), as the API returns it."""

    metric: str
    label: str
    category: str
    value: float | str | None = Field(description="In the canonical unit (numbers), or text / YYYY-MM-DD.")
    status: str = Field(description="value, or not-supported, not-applicable, unknown (then value is None).")
    preferred: bool = Field(description="The value used when several sources give this metric.")
    unit: str
    as_published: str
    sparse_in_source: bool
    board_gpus: int | None
    note: str | None
    inference: str | None = Field(description="The value is inferred, not stated by its source: the reasoning.")
    source: SourcePublic | None


class AcceleratorPublic(BaseModel):
    """An accelerator with every stored value, as `gpudb.get` returns it."""

    id: str
    vendor: str
    name: str
    aliases: list[str]
    architecture: str
    form_factor: str
    data_center: bool
    china_specific: bool
    availability: str = "shipping"
    announced: date | None = None
    note: str | None
    values: list[ValuePublic]

    def value(self, metric: str) -> float | str | None:
        """The preferred value of `metric` in its canonical unit, or None (see `status` for why)."""
        return next((v.value for v in self.values if v.metric == metric and v.preferred), None)

    def status(self, metric: str) -> str:
        """'value', 'not-supported', 'not-applicable' or 'unknown' (also when nothing is stored)."""
        return next((v.status for v in self.values if v.metric == metric and v.preferred), "unknown")
