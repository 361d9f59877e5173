"""The metric catalogue: every spec a data file may give, with its canonical unit and plausible bounds."""

from __future__ import annotations

import difflib
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Literal

Category = Literal["compute", "memory", "interconnect", "power", "physical", "market"]
Kind = Literal["number", "text", "date"]


@dataclass(frozen=True)
class Metric:
    """One metric: its key (with the unit in the name), label, canonical unit and meaning."""

    key: str
    label: str
    unit: str | None  # canonical unit (a pint expression); None for unitless numbers, text and dates
    category: Category
    description: str
    kind: Kind = "number"
    precision: str | None = None  # numeric format of a throughput figure (fp8, bf16, …)
    bits: int | None = None  # bit length of that format, for TPP (ECCN 3A090)
    sparsity_applies: bool = False  # vendors quote this with 2:4 sparsity; data must say which
    higher_is_better: bool | None = True
    min_value: float | None = None  # plausibility bounds in the canonical unit
    max_value: float | None = None
    integer: bool = False

    @property
    def unit_label(self) -> str:
        """The unit as shown to people ('' when there is none)."""
        return UNIT_LABELS.get(self.unit or "", self.unit or "")


UNIT_LABELS = {
    "TFLOPS": "TFLOPS",
    "TOPS": "TOPS",
    "GB": "GB",
    "TB/s": "TB/s",
    "GB/s": "GB/s",
    "W": "W",
    "mm**2": "mm²",
    "billion": "billion",
    "USD": "USD",
}


def _throughput(
    key: str,
    label: str,
    precision: str,
    bits: int,
    *,
    unit: str = "TFLOPS",
    sparse: bool = True,
    description: str,
) -> Metric:
    return Metric(
        key=key,
        label=label,
        unit=unit,
        category="compute",
        precision=precision,
        bits=bits,
        sparsity_applies=sparse,
        description=description,
        min_value=0.01,
        max_value=100_000.0,
    )


METRICS: tuple[Metric, ...] = (
    _throughput(
        "fp64_tflops",
        "FP64",
        "fp64",
        64,
        sparse=False,
        description="Peak FP64 (double precision) vector throughput, in TFLOPS.",
    ),
    _throughput(
        "fp64_tensor_tflops",
        "FP64 Tensor",
        "fp64",
        64,
        sparse=False,
        description="Peak FP64 matrix (tensor core) throughput, in TFLOPS.",
    ),
    _throughput(
        "fp32_tflops",
        "FP32",
        "fp32",
        32,
        sparse=False,
        description="Peak FP32 (single precision) vector throughput, in TFLOPS.",
    ),
    _throughput(
        "tf32_dense_tflops",
        "TF32 dense",
        "tf32",
        32,
        description="Peak dense TF32 tensor throughput (no sparsity), in TFLOPS.",
    ),
    _throughput(
        "bf16_dense_tflops",
        "BF16 dense",
        "bf16",
        16,
        description="Peak dense BF16 tensor throughput (no sparsity), in TFLOPS.",
    ),
    _throughput(
        "fp16_dense_tflops",
        "FP16 dense",
        "fp16",
        16,
        description="Peak dense FP16 tensor throughput (no sparsity), in TFLOPS.",
    ),
    _throughput(
        "fp8_dense_tflops",
        "FP8 dense",
        "fp8",
        8,
        description="Peak dense FP8 tensor throughput (no sparsity), in TFLOPS.",
    ),
    _throughput(
        "int8_dense_tops",
        "INT8 dense",
        "int8",
        8,
        unit="TOPS",
        description="Peak dense INT8 tensor throughput (no sparsity), in TOPS.",
    ),
    _throughput(
        "fp4_dense_tflops",
        "FP4 dense",
        "fp4",
        4,
        description="Peak dense FP4 tensor throughput (no sparsity), in TFLOPS.",
    ),
    Metric(
        "memory_capacity_gb",
        "Memory",
        "GB",
        "memory",
        min_value=1,
        max_value=10_000,
        description="On-package memory capacity, in GB (10⁹ bytes; 1 GiB = 1.074 GB).",
    ),
    Metric(
        "memory_bandwidth_tbs",
        "Memory bandwidth",
        "TB/s",
        "memory",
        min_value=0.05,
        max_value=100,
        description="Peak memory bandwidth, in TB/s (10¹² bytes per second).",
    ),
    Metric(
        "memory_type",
        "Memory type",
        None,
        "memory",
        kind="text",
        higher_is_better=None,
        description="Memory technology, e.g. HBM3e.",
    ),
    Metric(
        "interconnect_bandwidth_gbs",
        "Scale-up interconnect",
        "GB/s",
        "interconnect",
        min_value=1,
        max_value=100_000,
        description="Aggregate bidirectional chip-to-chip (scale-up) bandwidth, e.g. NVLink, in GB/s.",
    ),
    Metric(
        "pcie_generation",
        "PCIe generation",
        None,
        "interconnect",
        integer=True,
        min_value=1,
        max_value=8,
        description="PCI Express generation of the host interface.",
    ),
    Metric(
        "pcie_bandwidth_gbs",
        "PCIe bandwidth",
        "GB/s",
        "interconnect",
        min_value=1,
        max_value=1_000,
        description="Bidirectional PCI Express host bandwidth, in GB/s.",
    ),
    Metric(
        "tdp_w",
        "TDP",
        "W",
        "power",
        higher_is_better=False,
        min_value=10,
        max_value=5_000,
        description="Maximum thermal design power of one accelerator, in watts.",
    ),
    Metric(
        "compute_units",
        "SMs / CUs",
        None,
        "physical",
        integer=True,
        min_value=1,
        max_value=10_000,
        description="Streaming multiprocessors (NVIDIA) or compute units (AMD) enabled on the part.",
    ),
    Metric(
        "die_count",
        "Logic dies",
        None,
        "physical",
        integer=True,
        min_value=1,
        max_value=64,
        higher_is_better=None,
        description="Number of compute (logic) dies in the package.",
    ),
    Metric(
        "die_area_mm2",
        "Die area",
        "mm**2",
        "physical",
        higher_is_better=None,
        min_value=10,
        max_value=10_000,
        description="Total area of the package's logic dies (HBM stacks excluded), in mm².",
    ),
    Metric(
        "transistors_billion",
        "Transistors",
        "billion",
        "physical",
        higher_is_better=None,
        min_value=0.1,
        max_value=10_000,
        description="Transistors in the package's logic dies, in billions.",
    ),
    Metric(
        "process_node",
        "Process",
        None,
        "physical",
        kind="text",
        higher_is_better=None,
        description="Foundry process of the logic dies, e.g. TSMC 4N.",
    ),
    Metric(
        "launch_date",
        "Launch",
        None,
        "market",
        kind="date",
        higher_is_better=None,
        description="Date the part was announced or launched (YYYY-MM-DD).",
    ),
    Metric(
        "launch_price_usd",
        "Launch price",
        "USD",
        "market",
        higher_is_better=False,
        min_value=10,
        max_value=1_000_000,
        description="Published launch price of one accelerator, in US dollars.",
    ),
)

METRICS_BY_KEY: dict[str, Metric] = {metric.key: metric for metric in METRICS}


def closest_metric(key: str, keys: Iterable[str] = METRICS_BY_KEY) -> str | None:
    """The metric key a mistyped one most likely meant; keys of the same precision (first word) come first."""
    keys = list(keys)
    prefix = key.split("_", 1)[0]
    same_prefix = [candidate for candidate in keys if candidate.split("_", 1)[0] == prefix]
    guesses = difflib.get_close_matches(key, same_prefix, n=1, cutoff=0.3) or difflib.get_close_matches(key, keys, n=1)
    return guesses[0] if guesses else None
