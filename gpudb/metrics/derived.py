"""Derived metrics: pure functions of one chip's stored values, each with its working shown.

Inputs are the stored values in canonical units (metric key → number, None when unknown). Nothing here reads
the database; every derived value can be traced to the stored values named in `inputs`.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass

from gpudb.formatting import format_number
from gpudb.metrics.catalogue import METRICS, METRICS_BY_KEY

Values = Mapping[str, float | None]


@dataclass(frozen=True)
class Derivation:
    """A derived value (None when an input is missing, with the reason) and the arithmetic behind it."""

    value: float | None
    working: str
    inputs: tuple[str, ...] = ()
    precision: str | None = None  # for TPP: the precision that gives the maximum

    @property
    def missing(self) -> bool:
        return self.value is None


@dataclass(frozen=True)
class DerivedMetric:
    """A metric computed from stored ones."""

    key: str
    label: str
    unit: str
    description: str
    compute: Callable[..., Derivation]
    higher_is_better: bool | None = True
    category: str = "derived"
    uses_base: bool = False  # computed against the base chip's values (H100-equivalents)


def _stored(values: Values, key: str) -> str:
    metric = METRICS_BY_KEY[key]
    return f"{values[key]:g} {metric.unit_label} {metric.label}".replace("  ", " ")


def _known(label: str, values: Values, *keys: str) -> tuple[float, ...] | Derivation:
    """The stored values of `keys` in order, or the missing Derivation naming those that are absent."""
    known = [value for key in keys if (value := values.get(key)) is not None]
    if len(known) == len(keys):
        return tuple(known)
    absent = [METRICS_BY_KEY[key].label for key in keys if values.get(key) is None]
    return Derivation(None, f"{label} unknown: no stored {' or '.join(absent)}", tuple(keys))


# Ties are broken in this order so the working is stable (H20: FP8, BF16 and INT8 all give 2,368).
TPP_PREFERENCE = ("fp8", "int8", "fp16", "bf16", "fp4", "tf32", "fp32", "fp64")
# metric key → (precision, bit length) of every throughput that counts towards TPP
TPP_FORMATS: dict[str, tuple[str, int]] = {
    m.key: (m.precision, m.bits) for m in METRICS if m.bits and m.precision and m.category == "compute"
}
TPP_INPUTS = tuple(TPP_FORMATS)
TENSOR_INPUTS = tuple(key for key in TPP_INPUTS if METRICS_BY_KEY[key].sparsity_applies)


def tpp_bounds() -> tuple[float, float]:
    """The plausible range of TPP: the stored throughput bounds of every tensor format × its bit length."""
    formats = [(METRICS_BY_KEY[key], bits) for key, (_, bits) in TPP_FORMATS.items() if key in TENSOR_INPUTS]
    return (
        min((metric.min_value or 0) * bits for metric, bits in formats),
        max((metric.max_value or 0) * bits for metric, bits in formats),
    )


def performance_density_bounds() -> tuple[float, float]:
    """The plausible range of performance density: TPP's bounds over the die-area bounds."""
    low, high = tpp_bounds()
    area = METRICS_BY_KEY["die_area_mm2"]
    return low / (area.max_value or 1), high / (area.min_value or 1)


def tpp(values: Values) -> Derivation:
    """Total processing performance (ECCN 3A090): max over precisions of dense TOPS/TFLOPS × bit length.

    Unknown when no tensor (matrix) rate is stored: FP64 or FP32 alone would give a far lower figure than the
    chip's real TPP and could clear it under every threshold.
    """
    stored = {key: value for key in TPP_INPUTS if (value := values.get(key))}
    candidates = [(value * TPP_FORMATS[key][1], key) for key, value in stored.items()]
    if not any(key in stored for key in TENSOR_INPUTS):
        precisions = ", ".join(TPP_FORMATS[key][0].upper() for key in TENSOR_INPUTS)
        return Derivation(
            None,
            f"TPP unknown: no dense tensor throughput ({precisions}) stored; FP64/FP32 alone would understate it",
            TPP_INPUTS,
        )
    best = max(value for value, _ in candidates)
    # equal within rounding of the published figures (0.1%) counts as a tie
    tied = [key for value, key in candidates if value >= best * 0.999]
    key = min(tied, key=lambda k: TPP_PREFERENCE.index(TPP_FORMATS[k][0]))
    precision, bits = TPP_FORMATS[key]
    value = stored[key] * bits
    others = ", ".join(f"{TPP_FORMATS[k][0].upper()} {format_number(v)}" for v, k in candidates if k != key)
    working = (
        f"{stored[key]:g} {METRICS_BY_KEY[key].unit_label} {precision.upper()} dense × {bits} bits = "
        f"{format_number(value)}"
    )
    if others:
        working += f" (the maximum; other precisions: {others})"
    return Derivation(value, working, (key,), precision)


def performance_density(values: Values) -> Derivation:
    """TPP ÷ total logic die area in mm² (ECCN 3A090 'performance density'); HBM stacks excluded."""
    return density_of_tpp(tpp(values), values)


def density_of_tpp(total: Derivation, values: Values) -> Derivation:
    """Performance density from a TPP already derived for these values (rules test both: one TPP, not two)."""
    if total.value is None:
        return Derivation(None, "performance density unknown: " + total.working, total.inputs)
    if not (area := values.get("die_area_mm2")):
        return Derivation(None, "performance density indeterminate: die area unknown", (*total.inputs, "die_area_mm2"))
    value = total.value / area
    return Derivation(
        value,
        f"TPP {format_number(total.value)} ÷ {area:g} mm² die area = {format_number(value)}",
        (*total.inputs, "die_area_mm2"),
    )


def bf16_gflops_per_w(values: Values) -> Derivation:
    """Dense BF16 throughput per watt of TDP, in GFLOPS/W."""
    known = _known("BF16 per watt", values, "bf16_dense_tflops", "tdp_w")
    if isinstance(known, Derivation):
        return known
    bf16, tdp = known
    value = bf16 * 1000 / tdp
    working = f"{_stored(values, 'bf16_dense_tflops')} × 1000 ÷ {tdp:g} W = {format_number(value)} GFLOPS/W"
    return Derivation(value, working, ("bf16_dense_tflops", "tdp_w"))


def bf16_tflops_per_kusd(values: Values) -> Derivation:
    """Dense BF16 throughput per thousand US dollars of launch price."""
    known = _known("BF16 per dollar", values, "bf16_dense_tflops", "launch_price_usd")
    if isinstance(known, Derivation):
        return known
    bf16, price = known
    value = bf16 / (price / 1000)
    working = (
        f"{_stored(values, 'bf16_dense_tflops')} ÷ {price:,.0f} USD × 1000 = {format_number(value)} TFLOPS per 1000 USD"
    )
    return Derivation(value, working, ("bf16_dense_tflops", "launch_price_usd"))


def ridge_point_bf16(values: Values) -> Derivation:
    """Roofline ridge point: dense BF16 FLOP/s ÷ memory bytes/s, in FLOP per byte."""
    known = _known("ridge point", values, "bf16_dense_tflops", "memory_bandwidth_tbs")
    if isinstance(known, Derivation):
        return known
    bf16, bandwidth = known
    value = bf16 / bandwidth  # both ×10¹²: the prefixes cancel
    working = f"{_stored(values, 'bf16_dense_tflops')} ÷ {bandwidth:g} TB/s = {format_number(value)} FLOP/byte"
    return Derivation(value, working, ("bf16_dense_tflops", "memory_bandwidth_tbs"))


def bytes_per_flop_bf16(values: Values) -> Derivation:
    """Memory bytes/s per dense BF16 FLOP/s: the inverse of the ridge point."""
    ridge = ridge_point_bf16(values)
    if ridge.value is None:
        return Derivation(None, ridge.working.replace("ridge point", "bytes per FLOP"), ridge.inputs)
    value = 1 / ridge.value
    working = (
        f"{values['memory_bandwidth_tbs']:g} TB/s ÷ {_stored(values, 'bf16_dense_tflops')} = {value:.3g} byte/FLOP"
    )
    return Derivation(value, working, ridge.inputs)


def memory_sweep_ms(values: Values) -> Derivation:
    """Time to read all of memory once at peak bandwidth, in milliseconds."""
    known = _known("memory sweep time", values, "memory_capacity_gb", "memory_bandwidth_tbs")
    if isinstance(known, Derivation):
        return known
    capacity, bandwidth = known
    value = capacity / (bandwidth * 1000) * 1000
    working = f"{capacity:g} GB ÷ {bandwidth * 1000:g} GB/s = {format_number(value)} ms"
    return Derivation(value, working, ("memory_capacity_gb", "memory_bandwidth_tbs"))


H100_EQUIVALENT_BASE = "h100-sxm"  # the chip one H100-equivalent stands for


def h100_equivalents(values: Values, base: Values | None) -> Derivation:
    """TPP ÷ the TPP of the H100 SXM: how many H100s of export-control compute the chip is worth."""
    chip, reference = tpp(values), tpp(base or {})
    if chip.value is None:
        return Derivation(None, "H100-equivalents unknown: " + chip.working, chip.inputs)
    if reference.value is None:
        return Derivation(None, f"H100-equivalents unknown: no TPP for the base {H100_EQUIVALENT_BASE}", chip.inputs)
    value = chip.value / reference.value
    working = (
        f"TPP {format_number(chip.value)} ÷ TPP {format_number(reference.value)} of the base {H100_EQUIVALENT_BASE} = "
        f"{value:.3g} H100-equivalents"
    )
    return Derivation(value, working, chip.inputs, chip.precision)


DERIVED: tuple[DerivedMetric, ...] = (
    DerivedMetric(
        "tpp",
        "TPP",
        "",
        "Total processing performance (ECCN 3A090): the maximum over precisions of dense TOPS/TFLOPS × bit length.",
        tpp,
    ),
    DerivedMetric(
        "performance_density",
        "Performance density",
        "per mm²",
        "TPP ÷ total logic die area in mm² (ECCN 3A090); indeterminate when the die area is unknown.",
        performance_density,
    ),
    DerivedMetric("bf16_gflops_per_w", "BF16 per watt", "GFLOPS/W", "Dense BF16 throughput ÷ TDP.", bf16_gflops_per_w),
    DerivedMetric(
        "bf16_tflops_per_kusd",
        "BF16 per $1000",
        "TFLOPS/k$",
        "Dense BF16 throughput ÷ launch price in thousands of US dollars.",
        bf16_tflops_per_kusd,
    ),
    DerivedMetric(
        "ridge_point_bf16",
        "Ridge point (BF16)",
        "FLOP/byte",
        "Roofline ridge point: dense BF16 FLOP/s "
        "÷ memory bandwidth. Kernels below this arithmetic intensity are memory-bound.",
        ridge_point_bf16,
        higher_is_better=None,
    ),
    DerivedMetric(
        "bytes_per_flop_bf16",
        "Bytes per FLOP (BF16)",
        "byte/FLOP",
        "Memory bandwidth ÷ dense BF16 FLOP/s: the inverse of the ridge point.",
        bytes_per_flop_bf16,
    ),
    DerivedMetric(
        "memory_sweep_ms",
        "Memory sweep time",
        "ms",
        "Time to read all of memory once at peak bandwidth (capacity ÷ bandwidth).",
        memory_sweep_ms,
        higher_is_better=False,
    ),
    DerivedMetric(
        "h100_equivalents",
        "H100-equivalents",
        "× H100 SXM",
        "TPP ÷ the TPP of the H100 SXM (the stated base): export-control compute in H100 units.",
        h100_equivalents,
        uses_base=True,
    ),
)
DERIVED_BY_KEY = {metric.key: metric for metric in DERIVED}


def derive(values: Values, base: Values | None = None) -> dict[str, Derivation]:
    """Every derived metric of one chip; `base` holds the values of the H100-equivalent base chip."""
    return {
        metric.key: metric.compute(values, base) if metric.uses_base else metric.compute(values) for metric in DERIVED
    }


def comparable_metrics() -> list[tuple[str, str, str, str, bool | None]]:
    """(key, label, unit, category, higher_is_better) of every numeric metric, stored then derived."""
    stored = [(m.key, m.label, m.unit_label, m.category, m.higher_is_better) for m in METRICS if m.kind == "number"]
    derived = [(m.key, m.label, m.unit, m.category, m.higher_is_better) for m in DERIVED]
    return stored + derived


def comparable_metric_keys() -> list[str]:
    """Keys of every numeric metric, stored then derived."""
    return [key for key, *_ in comparable_metrics()]
