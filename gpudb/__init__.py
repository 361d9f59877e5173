"""gpudb: published specs of GPUs and AI accelerators, every number with its source.

    >>> import gpudb
    >>> gpudb.get("H200").value("memory_bandwidth_tbs")
    4.8
    >>> gpudb.specs()            # one row per accelerator, one column per metric
    >>> gpudb.specs(long=True)   # one row per value, with its source
    >>> gpudb.measurements("H100")   # measured by `gpudb bench`, beside the published peak

The public API is re-exported here lazily, so `import gpudb` stays cheap (no pandas until specs() runs).
"""

from __future__ import annotations

from importlib import import_module
from typing import Any

__version__ = "0.1.0"

_EXPORTS = {
    "build": "gpudb.db",
    "get": "gpudb.query",
    "resolve": "gpudb.query",
    "compare": "gpudb.comparison",
    "export_status": "gpudb.export_rules",
    "check_claims": "gpudb.claims",
    "explain": "gpudb.explanation",
    "specs": "gpudb.query",
    "lookup_device": "gpudb.devices",
    "peak_flops": "gpudb.devices",
    "measurements": "gpudb.measured",
    "accelerators": "gpudb.query",
    "validate": "gpudb.validate",
    "METRICS": "gpudb.catalogue",
    "GpudbError": "gpudb.errors",
    "UnknownAcceleratorError": "gpudb.errors",
    "AmbiguousNameError": "gpudb.errors",
    "DataValidationError": "gpudb.errors",
    "DatabaseError": "gpudb.errors",
    "UnknownDeviceError": "gpudb.devices",
    "UnsupportedPrecisionError": "gpudb.devices",
}

__all__ = ["__version__", *_EXPORTS]


def __getattr__(name: str) -> Any:
    if name in _EXPORTS:
        return getattr(import_module(_EXPORTS[name]), name)
    raise AttributeError(f"module 'gpudb' has no attribute {name!r}")
