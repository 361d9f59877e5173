"""The shape of measurement files as strict pydantic models: runs of `gpudb bench` (data/measurements/<id>.yaml)
and measurements others published (data/measurements/published/<topic>.yaml)."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Literal

from pydantic import Field

from gpudb.validation.schema import Slug, Text, _Strict

MeasuredUnit = Literal["TFLOPS", "TOPS", "TB/s"]


class MeasuredEnvironment(_Strict):
    """Where a measurement was taken: the device as its driver reports it, the software, clocks and host."""

    device_name: Text = Field(description="As torch.cuda.get_device_name() reports it.")
    memory_gb: Annotated[float, Field(gt=0)] = Field(description="Total device memory as reported, in GB (10⁹ B).")
    sm_count: Annotated[int, Field(gt=0)] = Field(description="Streaming multiprocessors (compute units) reported.")
    compute_capability: Text | None = Field(description="e.g. '9.0'; null off CUDA.")
    backend: Literal["cuda", "rocm", "cpu"] = Field(description="What PyTorch ran on.")
    driver_version: Text | None = Field(description="GPU driver version; null when it could not be read.")
    cuda_version: Text | None = Field(description="CUDA (or HIP) runtime PyTorch was built with; null off GPU.")
    torch_version: Text
    python_version: Text
    sm_clock_max_mhz: Annotated[int, Field(gt=0)] | None = Field(description="Max SM clock; null when unreadable.")
    memory_clock_max_mhz: Annotated[int, Field(gt=0)] | None = Field(description="Max memory clock, or null.")
    power_limit_w: Annotated[float, Field(gt=0)] | None = Field(description="Enforced power limit, or null.")
    host: Text = Field(description="What kind of host: e.g. 'cloud VM, 16 vCPU', 'DGX H100 node'.")
    os: Text = Field(description="Operating system and kernel, as platform.platform() gives it.")


class MeasuredResult(_Strict):
    """One measured figure: a rate at one precision, or a memory bandwidth, with its method and spread."""

    name: Slug = Field(description="What was measured, e.g. matmul-bf16, copy, read.")
    metric: Text = Field(description="The published metric it is set against, e.g. bf16_dense_tflops.")
    precision: Slug | None = Field(None, description="The number format, for matrix multiplies.")
    method: Text = Field(description="How: the call or kernel, and how it was timed.")
    unit: MeasuredUnit
    median: Annotated[float, Field(gt=0)] = Field(description="Median over the repetitions at the chosen shape.")
    best: Annotated[float, Field(gt=0)] = Field(description="Best repetition at that shape.")
    spread_pct: Annotated[float, Field(ge=0)] = Field(description="(best − worst) ÷ median × 100 at that shape.")
    repetitions: Annotated[int, Field(ge=1)]
    shape: list[Annotated[int, Field(gt=0)]] | None = Field(
        None, description="m, n, k of the matrix multiply that gave the best median."
    )
    size_bytes: Annotated[int, Field(gt=0)] | None = Field(None, description="Buffer size of a bandwidth test.")
    shapes_tried: list[list[Annotated[int, Field(gt=0)]]] = Field(default_factory=list)
    limitation: Text | None = Field(None, description="Why this figure may understate what the hardware can do.")


class SkippedMeasurement(_Strict):
    """A precision the chip supports that this run did not measure, and why."""

    name: Slug
    reason: Text


class MeasurementFile(_Strict):
    """One run of `gpudb bench` on one device (data/measurements/<id>.yaml)."""

    id: Slug = Field(description="Stable id; equals the file name.")
    accelerator: Slug = Field(description="The accelerator id the device is.")
    measured: date = Field(description="The day of the run (UTC).")
    tool: Text = Field(description="What produced it, with its version, e.g. 'gpudb bench 0.1.0'.")
    mode: Literal["quick", "full"]
    environment: MeasuredEnvironment
    results: list[MeasuredResult] = Field(min_length=1)
    skipped: list[SkippedMeasurement] = Field(default_factory=list)
    note: Text | None = None


class PublishedResult(_Strict):
    """One figure someone else measured and published: a rate at one precision, or a memory bandwidth."""

    name: Slug = Field(description="What was measured, e.g. matmul-bf16, copy.")
    metric: Text = Field(description="The published metric it is set against, e.g. bf16_dense_tflops.")
    precision: Slug | None = Field(None, description="The number format, for matrix multiplies.")
    unit: Text = Field(description="The metric's unit as gpudb writes it: TFLOPS, TOPS or TB/s.")
    value: float = Field(description="The figure as published, in `unit` (finite and above zero).")
    shape: list[Annotated[int, Field(gt=0)]] | None = Field(None, description="m, n, k, where the source states it.")
    note: Text | None = None


class PublishedMeasurement(_Strict):
    """A measurement someone else made and published (an entry of data/measurements/published/<topic>.yaml)."""

    id: Slug = Field(description="Stable id, unique among all measurements.")
    accelerator: Slug = Field(description="The accelerator id the measured device is.")
    measured_by: Text = Field(description="Who measured: the person or organisation, as the source names them.")
    published: date = Field(description="Day of publication (or of the version of the page read).")
    measured: date | None = Field(None, description="Day of the measurement, where the source states one.")
    method: Text = Field(description="How it was measured, as the source states it.")
    software: Text | None = Field(None, description="Software and versions, as the source states them.")
    results: list[PublishedResult] = Field(min_length=1)
    source: Slug = Field(description="A source id in data/sources/ (tiered like any source).")
    note: Text | None = None
