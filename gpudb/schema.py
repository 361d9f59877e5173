"""The shape of data files, as pydantic models: what fields exist, which are required, of what type."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

Slug = Annotated[str, StringConstraints(pattern=r"^[a-z0-9][a-z0-9.-]*$", max_length=80)]
Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=2000)]
Url = Annotated[str, StringConstraints(pattern=r"^https?://[^\s]+$", max_length=2000)]

SOURCE_KINDS = (
    "vendor-datasheet",
    "vendor-product-page",
    "vendor-announcement",
    "vendor-documentation",
    "third-party-report",
    "estimate",
)
SourceKind = Literal[
    "vendor-datasheet",
    "vendor-product-page",
    "vendor-announcement",
    "vendor-documentation",
    "third-party-report",
    "estimate",
]


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
    kind: SourceKind = Field(description="How trustworthy: vendor datasheet … estimate.")
    note: Text | None = None


class SpecEntry(_Strict):
    """One published value of one metric for one accelerator, as written in its data file."""

    value: Any = Field(description="The value with its unit ('4.8 TB/s'), or a number with `unit`.")
    unit: Text | None = Field(None, description="Unit of a bare-number value.")
    source: Slug = Field(description="Id of the source the value is taken from.")
    sparsity: Literal["dense", "sparse"] | None = Field(
        None, description="For tensor throughput: whether the source figure was dense or with 2:4 sparsity."
    )
    board_gpus: Annotated[int, Field(ge=2, le=256)] | None = Field(
        None, description="The source figure is for a board of this many GPUs; stored divided by it."
    )
    note: Text | None = None


class AcceleratorFile(_Strict):
    """One accelerator file: identity and its published spec values."""

    id: Slug = Field(description="Stable id; equals the file name.")
    vendor: Text
    name: Text
    aliases: list[Text] = Field(default_factory=list)
    architecture: Text
    form_factor: Text
    data_center: bool = Field(description="Designed or marketed for data centres.")
    china_specific: bool = Field(description="A variant made for the Chinese market under export rules.")
    note: Text | None = None
    specs: dict[Text, SpecEntry]
