"""How a run and stored measurements are shown in the terminal: rows for gpudb.cli's tables."""

from __future__ import annotations

from typing import Any

from gpudb.metrics.catalogue import METRICS_BY_KEY


def percent(fraction: float | None) -> str:
    """0.7581 → '75.8%'; no figure → ''."""
    return "" if fraction is None else f"{fraction * 100:.1f}%"


def figure(value: float | None) -> str:
    """A measured or published figure as people read it (4 significant digits, no '.0')."""
    if value is None:
        return ""
    from gpudb.formatting import format_number

    return format_number(float(f"{value:.4g}"))


def where(result: dict[str, Any]) -> str:
    """The shape (m×n×k) or buffer size (MiB) a figure was measured at."""
    if result.get("shape"):
        return "×".join(str(side) for side in result["shape"])
    if result.get("size_bytes"):
        return f"{result['size_bytes'] / 2**20:g} MiB"
    return ""


def result_rows(results: list[dict[str, Any]], published: dict[str, float]) -> list[dict[str, str]]:
    """One table row per measured figure: measured median and best, the published peak, and efficiency."""
    rows = []
    for result in results:
        peak = published.get(result["metric"])
        rows.append(
            {
                "measured": result["name"],
                "against": METRICS_BY_KEY[result["metric"]].label,
                "median": figure(result["median"]),
                "best": figure(result["best"]),
                "unit": result["unit"],
                "published": figure(peak) if peak else "not published",
                "efficiency": percent(result["median"] / peak) if peak else "",
                "spread": f"{result['spread_pct']:.1f}%",
                "at": where(result),
                "limitation": result.get("limitation") or "",
            }
        )
    return rows


RESULT_COLUMNS = ["measured", "against", "median", "best", "unit", "published", "efficiency", "spread", "at"]


def environment_line(run: dict[str, Any]) -> str:
    """A run's environment in one line: device, driver, CUDA, PyTorch, clocks, power limit, host."""
    environment = run["environment"]
    parts = [
        f"{environment['device_name']} ({environment['sm_count']} SMs, {environment['memory_gb']:g} GB, "
        f"{environment['backend']})",
        f"driver {environment['driver_version'] or 'unknown'}",
        f"CUDA {environment['cuda_version'] or 'none'}",
        f"PyTorch {environment['torch_version']}",
    ]
    if environment.get("sm_clock_max_mhz"):
        parts.append(f"SM clock max {environment['sm_clock_max_mhz']} MHz")
    if environment.get("power_limit_w"):
        parts.append(f"power limit {environment['power_limit_w']:g} W")
    parts.append(f"host: {environment['host']}")
    return "; ".join(parts)
