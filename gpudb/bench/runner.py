"""A benchmark run from start to file: which chip this device is, what to measure on it, and the measurement file.

The measurements themselves are in gpudb.bench.kernels; this module asks the database which accelerator the
device is (name, memory, SM count) and which precisions it has, and writes data/measurements/<id>.yaml.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from sqlalchemy import Engine

from gpudb.analysis.devices import PRECISIONS, lookup_device
from gpudb.bench.device import DeviceInfo, environment
from gpudb.bench.kernels import (
    FULL_SHAPES,
    FULL_SIZES_BYTES,
    QUICK_SHAPES,
    QUICK_SIZES_BYTES,
    Measured,
    NotMeasurable,
    measure_bandwidth,
    measure_matmul,
)
from gpudb.bench.timing import FULL, QUICK, Settings
from gpudb.errors import GpudbError
from gpudb.metrics.catalogue import METRICS_BY_KEY
from gpudb.storage import query

# Precisions measured, in order; FP64 is set against the tensor-core peak where the chip has one (cuBLAS DGEMM
# runs on FP64 tensor cores from the A100 on), else against the vector peak.
MATMUL_PRECISIONS = ["fp64", "fp32", "tf32", "bf16", "fp16", "fp8", "int8"]
BANDWIDTH_KINDS = ["copy", "read"]
BANDWIDTH_METRIC = "memory_bandwidth_tbs"
CANNOT_MEASURE = {"not-supported", "not-applicable"}


class DeviceMismatchError(GpudbError, LookupError):
    """The device is not (or not surely) an accelerator of the data; the message says what to do."""

    exit_code = 3


@dataclass(frozen=True)
class Match:
    """The accelerator a device is, and how that was decided (exact, inferred-from-memory, by-sm-count, …)."""

    accelerator_id: str
    how: str


def _sm_counts(ids: list[str], engine: Engine) -> dict[str, float | None]:
    values = query.numeric_values(ids, engine)
    return {accelerator_id: values[accelerator_id].get("compute_units") for accelerator_id in ids}


def match_accelerator(
    device: DeviceInfo,
    url: str | Engine | None = None,
    accelerator: str | None = None,
    choose: Callable[[list[str]], str] | None = None,
) -> Match:
    """The accelerator this device is: from its reported name and memory, checked against its SM count.

    `accelerator` (a name the user gave) is checked the same way. When the data leaves several candidates,
    `choose` picks one (the CLI asks at a terminal); without it the match is refused, listing the candidates.
    """
    engine = query.engine_for(url)
    if accelerator:
        candidates, how = [query.resolve(accelerator, engine)], "given"
    else:
        found = lookup_device(device.name, device.memory_gb, engine)
        candidates = [found.accelerator_id] if found.accelerator_id else found.candidates
        how = found.how
    sm_counts = _sm_counts(candidates, engine)
    fitting = [c for c in candidates if sm_counts[c] is None or sm_counts[c] == device.sm_count]
    described = f"{device.name!r} ({device.sm_count} SMs, {device.memory_gb:g} GB)"
    if not fitting:
        published = ", ".join(f"{c} has {sm_counts[c]:g}" for c in candidates)
        raise DeviceMismatchError(
            f"{described} is not {' or '.join(candidates)}: {published} SMs in the data. It may be another SKU or "
            "a partitioned (MIG) GPU; gpudb bench measures whole GPUs of a known SKU"
        )
    if len(fitting) == 1:
        return Match(fitting[0], how if len(candidates) == 1 else "by-sm-count")
    if choose is not None:
        return Match(choose(fitting), "chosen")
    raise DeviceMismatchError(
        f"{described} could be {', '.join(fitting)}; run again with --accelerator ID to say which"
    )


@dataclass(frozen=True)
class Planned:
    """One matrix-multiply measurement to make, and the published metric it is set against."""

    precision: str
    metric: str


def plan(accelerator_id: str, url: str | Engine | None = None) -> list[Planned]:
    """The precisions to measure: all but those the data says the chip lacks (or that do not apply)."""
    engine = query.engine_for(url)
    values = query.numeric_values([accelerator_id], engine)[accelerator_id]
    marked = query.statuses([accelerator_id], engine)[accelerator_id]
    planned = []
    for precision in MATMUL_PRECISIONS:
        metric = PRECISIONS[precision]
        if precision == "fp64" and PRECISIONS["fp64-tensor"] in values:
            metric = PRECISIONS["fp64-tensor"]
        if marked.get(metric) in CANNOT_MEASURE:
            continue
        planned.append(Planned(precision, metric))
    return planned


def _significant(value: float, digits: int = 4) -> float:
    """A figure to `digits` significant digits: what the timing supports, and never rounded to zero."""
    return float(f"{value:.{digits}g}")


def _result(measured: Measured, metric: str, precision: str | None) -> dict:
    figures = measured.figures
    result: dict[str, Any] = {
        "name": measured.name,
        "metric": metric,
        "precision": precision,
        "method": measured.method,
        "unit": METRICS_BY_KEY[metric].unit_label,
        "median": _significant(figures.median),
        "best": _significant(figures.best),
        "spread_pct": round(figures.spread_pct, 1),
        "repetitions": figures.repetitions,
    }
    if measured.shape:
        result["shape"] = list(measured.shape)
        result["shapes_tried"] = [list(shape) for shape in measured.tried]
    if measured.size_bytes:
        result["size_bytes"] = measured.size_bytes
    if measured.limitation:
        result["limitation"] = measured.limitation
    return result


def run(
    torch,
    device: DeviceInfo,
    accelerator_id: str,
    planned: list[Planned],
    *,
    quick: bool,
    host: str,
    torch_device=None,
    shapes: list[tuple[int, int, int]] | None = None,
    sizes_bytes: list[int] | None = None,
    settings: Settings | None = None,
    progress: Callable[[str], None] = lambda step: None,
    now: dt.datetime | None = None,
) -> dict:
    """Measure every planned precision and the memory bandwidth; the measurement document (not yet written).

    torch_device, shapes, sizes_bytes and settings default to the GPU and the quick or full sweep; the tests
    pass the CPU and tiny shapes to run the same path without a GPU.
    """
    from gpudb import __version__

    if torch_device is None:  # ROCm GPUs are "cuda" devices to PyTorch too
        torch_device = torch.device("cpu") if device.backend == "cpu" else torch.device("cuda", device.index)
    settings = settings or (QUICK if quick else FULL)
    shapes = shapes or (QUICK_SHAPES if quick else FULL_SHAPES)
    sizes_bytes = sizes_bytes or (QUICK_SIZES_BYTES if quick else FULL_SIZES_BYTES)
    results, skipped = [], []
    for item in planned:
        progress(f"matrix multiply, {item.precision.upper()}")
        try:
            measured = measure_matmul(torch, item.precision, shapes, torch_device, settings)
        except NotMeasurable as reason:
            skipped.append({"name": f"matmul-{item.precision}", "reason": str(reason)})
            continue
        results.append(_result(measured, item.metric, item.precision))
    for kind in BANDWIDTH_KINDS:
        progress(f"memory bandwidth, {kind}")
        try:
            measured = measure_bandwidth(torch, kind, sizes_bytes, torch_device, settings, device.l2_bytes)
        except NotMeasurable as reason:
            skipped.append({"name": kind, "reason": str(reason)})
            continue
        results.append(_result(measured, BANDWIDTH_METRIC, None))
    now = now or dt.datetime.now(dt.UTC)
    document = {
        "id": f"{accelerator_id}-{now:%Y-%m-%d-%H%M%S}",
        "accelerator": accelerator_id,
        "measured": now.date(),
        "tool": f"gpudb bench {__version__}",
        "mode": "quick" if quick else "full",
        "environment": environment(torch, device, host),
        "results": results,
    }
    if skipped:
        document["skipped"] = skipped
    return document


HEADER = (
    "# A run of `gpudb bench`: measured figures of one device, kept apart from the published specs.\n"
    "# Written by the tool; `gpudb check` validates it and `gpudb build` loads it (docs/measurements.md).\n"
)


class _Dumper(yaml.SafeDumper):
    """Lists of numbers on one line ([8192, 8192, 8192]), as a person would write them."""

    def represent_list(self, data):
        flow = all(isinstance(item, int | float) for item in data)
        return self.represent_sequence("tag:yaml.org,2002:seq", data, flow_style=flow)


_Dumper.add_representer(list, _Dumper.represent_list)


def write(document: dict, path: Path) -> Path:
    """Write a measurement document as YAML (created atomically: a reader never sees half a file)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    text = HEADER + yaml.dump(document, Dumper=_Dumper, sort_keys=False, allow_unicode=True, width=110)
    temporary = path.with_name(f".{path.name}.writing")
    temporary.write_text(text, encoding="utf-8")
    temporary.replace(path)
    return path
