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
    "build": "gpudb.storage.build",
    "get": "gpudb.storage.query",
    "resolve": "gpudb.storage.query",
    "compare": "gpudb.analysis.comparison",
    "export_status": "gpudb.analysis.export_controls",
    "check_claims": "gpudb.analysis.claims",
    "explain": "gpudb.analysis.explanation",
    "specs": "gpudb.storage.query",
    "lookup_device": "gpudb.analysis.devices",
    "peak_flops": "gpudb.analysis.devices",
    "measurements": "gpudb.analysis.measured",
    "cost_metrics": "gpudb.analysis.costs",
    "crosscheck": "gpudb.analysis.crosscheck",
    "accelerators": "gpudb.storage.query",
    "validate": "gpudb.validation.run",
    "METRICS": "gpudb.metrics.catalogue",
    "GpudbError": "gpudb.errors",
    "UnknownAcceleratorError": "gpudb.errors",
    "AmbiguousNameError": "gpudb.errors",
    "DataValidationError": "gpudb.errors",
    "DatabaseError": "gpudb.errors",
    "UnknownDeviceError": "gpudb.analysis.devices",
    "UnsupportedPrecisionError": "gpudb.analysis.devices",
}

__all__ = ["__version__", *_EXPORTS]


def __getattr__(name: str) -> Any:
    if name in _EXPORTS:
        return getattr(import_module(_EXPORTS[name]), name)
    raise AttributeError(f"module 'gpudb' has no attribute {name!r}")
