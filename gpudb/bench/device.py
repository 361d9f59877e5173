"""The device a benchmark runs on: what PyTorch and the driver report about it. Needs only PyTorch."""

from __future__ import annotations

import platform
import shutil
import subprocess
from dataclasses import dataclass


class NoDevice(Exception):
    """There is no GPU to measure (or no PyTorch to measure it with); the message says what to install or do."""


@dataclass(frozen=True)
class DeviceInfo:
    """What identifies a device: its reported name, memory and SM count, and what runs it."""

    name: str
    memory_gb: float  # total memory as reported, in GB (10⁹ bytes)
    sm_count: int
    backend: str  # cuda, rocm or cpu
    compute_capability: str | None = None
    l2_bytes: int | None = None
    index: int = 0


def import_torch():
    """PyTorch, or NoDevice saying how to install it."""
    try:
        import torch
    except ImportError:
        raise NoDevice(
            "PyTorch is not installed; install the benchmark extra: pip install 'gpudb-specs[bench]' "
            "(or a PyTorch build for your GPU from https://pytorch.org/get-started/locally/)"
        ) from None
    return torch


def detect(torch, index: int = 0) -> DeviceInfo:
    """The GPU PyTorch sees at `index`, or NoDevice saying why there is none."""
    if not torch.cuda.is_available():
        build = "a CPU-only build" if torch.version.cuda is None and torch.version.hip is None else "a GPU build"
        raise NoDevice(
            f"no GPU is visible to PyTorch {torch.__version__} ({build}); gpudb bench measures a CUDA or ROCm GPU: "
            "run it on a GPU host with a GPU build of PyTorch"
        )
    if index >= torch.cuda.device_count():
        raise NoDevice(f"there is no GPU {index}: PyTorch sees {torch.cuda.device_count()} (numbered from 0)")
    properties = torch.cuda.get_device_properties(index)
    return DeviceInfo(
        name=properties.name,
        memory_gb=round(properties.total_memory / 1e9, 1),
        sm_count=properties.multi_processor_count,
        backend="rocm" if torch.version.hip else "cuda",
        compute_capability=f"{properties.major}.{properties.minor}",
        l2_bytes=getattr(properties, "L2_cache_size", None) or None,
        index=index,
    )


def _nvidia_smi(index: int) -> dict[str, str | None]:
    """Driver version, max clocks and power limit from nvidia-smi; empty when it is absent or fails."""
    fields = ["driver_version", "clocks.max.sm", "clocks.max.memory", "power.limit"]
    if shutil.which("nvidia-smi") is None:
        return {}
    try:
        result = subprocess.run(
            ["nvidia-smi", f"--query-gpu={','.join(fields)}", "--format=csv,noheader,nounits", "-i", str(index)],
            capture_output=True,
            text=True,
            timeout=20,
            check=True,
        )
    except (OSError, subprocess.SubprocessError):
        return {}
    values = [value.strip() for value in result.stdout.strip().split(",")]
    if len(values) != len(fields):
        return {}
    readable = [None if value.startswith("[") or value in {"", "N/A"} else value for value in values]
    return dict(zip(fields, readable, strict=True))


def _number(text: str | None, kind=float):
    try:
        return kind(float(text)) if text is not None else None
    except ValueError:
        return None


def environment(torch, device: DeviceInfo, host: str) -> dict:
    """Everything needed to reproduce a run, in the measurement file's environment shape."""
    smi = _nvidia_smi(device.index) if device.backend == "cuda" else {}
    return {
        "device_name": device.name,
        "memory_gb": device.memory_gb,
        "sm_count": device.sm_count,
        "compute_capability": device.compute_capability,
        "backend": device.backend,
        "driver_version": smi.get("driver_version"),
        "cuda_version": str(torch.version.cuda or torch.version.hip or "") or None,
        "torch_version": str(torch.__version__),  # a TorchVersion, which YAML cannot write
        "python_version": platform.python_version(),
        "sm_clock_max_mhz": _number(smi.get("clocks.max.sm"), int),
        "memory_clock_max_mhz": _number(smi.get("clocks.max.memory"), int),
        "power_limit_w": _number(smi.get("power.limit")),
        "host": host,
        "os": platform.platform(),
    }
