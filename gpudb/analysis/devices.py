"""The accelerator a running device is, from the name its driver reports, and its dense peak for MFU.

    >>> import gpudb
    >>> gpudb.lookup_device("NVIDIA H100 80GB HBM3").accelerator_id
    'h100-sxm'
    >>> gpudb.peak_flops("h100-sxm", "bf16").flops   # dense, FLOP/s
    989500000000000.0

Cheap to import: SQLAlchemy and the table models only (no pandas, plotly or web stack).
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field

from sqlalchemy import Engine, select

from gpudb.errors import AmbiguousNameError, GpudbError, InvalidArgumentError, UnknownAcceleratorError
from gpudb.names import name_key
from gpudb.storage import query, tables

# the columns of each table, named as the model classes they stand for (reading needs no ORM and no models)
DeviceName, Metric = tables.device_name.c, tables.metric.c
Source, SpecValue = tables.source.c, tables.spec_value.c

# Precision name → the metric holding its dense peak. FP64 has two: vector (fp64) and tensor-core (fp64-tensor).
PRECISIONS = {
    "fp64": "fp64_tflops",
    "fp64-tensor": "fp64_tensor_tflops",
    "fp32": "fp32_tflops",
    "tf32": "tf32_dense_tflops",
    "bf16": "bf16_dense_tflops",
    "fp16": "fp16_dense_tflops",
    "fp8": "fp8_dense_tflops",
    "int8": "int8_dense_tops",
    "fp4": "fp4_dense_tflops",
}
MEMORY_TOLERANCE = 0.1  # drivers report usable memory (80 GB cards say 79.6 or 81.5 GiB): match within 10%
VENDOR_PREFIX = re.compile(r"^(nvidia|amd instinct|amd|intel|habana|huawei|google)\s+", re.IGNORECASE)


class UnknownDeviceError(GpudbError, LookupError):
    """No accelerator in the data matches a reported device name."""

    exit_code = 3


class UnsupportedPrecisionError(GpudbError, LookupError):
    """The chip has no such precision (FP8 on the A100), or no dense peak for it has been published."""

    exit_code = 3


@dataclass(frozen=True)
class DeviceMatch:
    """What a reported device name means, and how sure that is.

    how: 'exact' (the name is in data/device-names.yaml and means one SKU), 'inferred-from-memory' (the name
    covers several SKUs and the memory size chose one), 'by-alias' (not a known driver string, but the name without
    its vendor prefix is an accelerator's id, name or alias) or 'ambiguous' (accelerator_id is None; see candidates).
    """

    name: str
    accelerator_id: str | None
    how: str
    candidates: list[str] = field(default_factory=list)


def lookup_device(name: str, memory_gb: float | None = None, url: str | Engine | None = None) -> DeviceMatch:
    """The accelerator that a driver-reported device name (and, optionally, its memory in GB) means."""
    engine = query.engine_for(url)
    with engine.connect() as connection:
        rows = connection.execute(select(DeviceName.name_key, DeviceName.accelerator_id, DeviceName.memory_gb)).all()
    wanted = name_key(name)
    entries = [(accelerator_id, memory) for key, accelerator_id, memory in rows if key == wanted]
    if entries:
        return _choose(name, entries, memory_gb)
    try:
        return DeviceMatch(name, query.resolve(VENDOR_PREFIX.sub("", name.strip()), engine), "by-alias")
    except AmbiguousNameError as error:
        return DeviceMatch(name, None, "ambiguous", error.candidates)
    except UnknownAcceleratorError:
        pass
    known = sorted({key for key, *_ in rows})
    by_key = {key: accelerator_id for key, accelerator_id, _ in rows}
    close = [by_key[key] for key in difflib.get_close_matches(wanted, known, n=3, cutoff=0.7)]
    hint = f"; closest known: {', '.join(dict.fromkeys(close))}" if close else ""
    raise UnknownDeviceError(
        f"no accelerator in the data is reported as {name!r}{hint}; add it to data/device-names.yaml if it is one"
    )


def _choose(name: str, entries: list[tuple[str, float | None]], memory_gb: float | None) -> DeviceMatch:
    ids = sorted({accelerator_id for accelerator_id, _ in entries})
    if memory_gb is None:
        if len(ids) == 1:
            return DeviceMatch(name, ids[0], "exact")
        return DeviceMatch(name, None, "ambiguous", ids)
    fitting = sorted(
        {
            accelerator_id
            for accelerator_id, memory in entries
            if memory is None or abs(memory_gb - memory) <= MEMORY_TOLERANCE * memory
        }
    )
    if not fitting:
        sizes = ", ".join(f"{accelerator_id} ({memory:g} GB)" for accelerator_id, memory in entries if memory)
        raise UnknownDeviceError(
            f"{name!r} with {memory_gb:g} GB matches no SKU in the data; known: {sizes or ', '.join(ids)}"
        )
    if len(fitting) > 1:
        return DeviceMatch(name, None, "ambiguous", fitting)
    how = "exact" if len(ids) == 1 else "inferred-from-memory"
    return DeviceMatch(name, fitting[0], how)


@dataclass(frozen=True)
class Peak:
    """A dense peak rate with its provenance. flops is in FLOP/s (OP/s for int8)."""

    accelerator_id: str
    precision: str
    flops: float
    metric: str
    as_published: str
    sparse_in_source: bool
    source_title: str
    source_url: str

    @property
    def tflops(self) -> float:
        """The same rate in TFLOPS (TOPS for int8)."""
        return self.flops / 1e12


def peak_flops(accelerator: str, precision: str, url: str | Engine | None = None) -> Peak:
    """The dense peak of one chip at one precision, in FLOP/s, with its source.

    Raises InvalidArgumentError for an unknown precision name and UnsupportedPrecisionError when the chip lacks
    the precision, no dense figure has been published for it, or the vendor has disclosed none.
    """
    if precision.lower() not in PRECISIONS:
        raise InvalidArgumentError(f"unknown precision {precision!r}; valid precisions: {', '.join(PRECISIONS)}")
    precision = precision.lower()
    engine = query.engine_for(url)
    accelerator_id = query.resolve(accelerator, engine)
    metric = PRECISIONS[precision]
    with engine.connect() as connection:
        row = connection.execute(
            select(
                SpecValue.value_number,
                SpecValue.status,
                SpecValue.as_published,
                SpecValue.sparse_in_source,
                SpecValue.note,
                Metric.unit,
                Source.title,
                Source.url,
            )
            .join(tables.metric, Metric.key == SpecValue.metric_key)
            .outerjoin(tables.source, Source.id == SpecValue.source_id)
            .where(
                SpecValue.accelerator_id == accelerator_id,
                SpecValue.metric_key == metric,
                SpecValue.preferred.is_(True),
            )
        ).first()
    if row is None or row.status == "unknown":
        raise UnsupportedPrecisionError(f"no dense {precision.upper()} peak is published for {accelerator_id}")
    if row.status == "not-supported":
        raise UnsupportedPrecisionError(f"{accelerator_id} does not support {precision.upper()} (per {row.title})")
    if row.status == "not-applicable":
        raise UnsupportedPrecisionError(f"{precision.upper()} does not apply to {accelerator_id}: {row.note}")
    if row.status == "not-disclosed":  # a status, not a value: the vendor has published no figure
        why = f": {row.note}" if row.note else ""
        raise UnsupportedPrecisionError(f"{accelerator_id}'s dense {precision.upper()} peak is not disclosed{why}")
    return Peak(
        accelerator_id,
        precision,
        row.value_number * 1e12,  # the catalogue stores TFLOPS / TOPS
        metric,
        row.as_published,
        row.sparse_in_source,
        row.title,
        row.url,
    )
