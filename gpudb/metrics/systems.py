"""The metrics a system file may give: the chip metrics that total over chips, and three of systems alone."""

from __future__ import annotations

from dataclasses import replace

from gpudb.metrics.catalogue import METRICS, Metric

# metrics of systems alone (a chip has no rack count)
SYSTEM_ONLY_METRICS: tuple[Metric, ...] = (
    Metric(
        "scale_up_domain_gpus",
        "Scale-up domain",
        None,
        "interconnect",
        integer=True,
        min_value=1,
        max_value=100_000,
        description="Accelerators in one scale-up domain (all-to-all over NVLink, UB, ICI…), a count.",
    ),
    Metric(
        "scale_up_bandwidth_tbs",
        "Scale-up bandwidth",
        "TB/s",
        "interconnect",
        min_value=0.1,
        max_value=1_000_000,
        description="Aggregate scale-up bandwidth of the whole system, in TB/s.",
    ),
    Metric(
        "rack_count",
        "Racks",
        None,
        "physical",
        integer=True,
        higher_is_better=False,
        min_value=0,
        max_value=10_000,
        description="Racks the system occupies (0 for a board or a node that is part of a rack).",
    ),
)

# chip metrics a system's total is given in: throughput, memory, bandwidth, memory type, power
TOTAL_METRIC_KEYS = tuple(m.key for m in METRICS if m.category == "compute") + (
    "memory_capacity_gb",
    "memory_bandwidth_tbs",
    "tdp_w",
)
# a system's tdp_w is the whole system's power (GPUs, CPUs, switches), not a chip's rating: labelled so
_RELABELLED = {"tdp_w": ("Power", "Power of the whole system as published (GPUs, CPUs, switches, cooling), in W.")}
SYSTEM_METRICS: tuple[Metric, ...] = (
    tuple(
        replace(m, label=_RELABELLED[m.key][0], description=_RELABELLED[m.key][1]) if m.key in _RELABELLED else m
        for m in METRICS
        if m.key in TOTAL_METRIC_KEYS or m.key == "memory_type"
    )
    + SYSTEM_ONLY_METRICS
)
SYSTEM_METRICS_BY_KEY: dict[str, Metric] = {metric.key: metric for metric in SYSTEM_METRICS}

# system metric → (chip metric, factor): a total derived as count × the chip's figure × factor
DERIVABLE: dict[str, tuple[str, float]] = {key: (key, 1.0) for key in TOTAL_METRIC_KEYS} | {
    "scale_up_bandwidth_tbs": ("interconnect_bandwidth_gbs", 0.001),  # GB/s per chip → TB/s in all
}
