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
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # what type checkers and editors see; at run time __getattr__ imports each name on first use
    from gpudb.analysis.claims import check_claims
    from gpudb.analysis.comparison import compare
    from gpudb.analysis.costs import cost_metrics
    from gpudb.analysis.crosscheck import crosscheck
    from gpudb.analysis.devices import UnknownDeviceError, UnsupportedPrecisionError, lookup_device, peak_flops
    from gpudb.analysis.explanation import explain
    from gpudb.analysis.export_controls import export_status
    from gpudb.analysis.measured import measurements
    from gpudb.errors import (
        AmbiguousNameError,
        DatabaseError,
        DataValidationError,
        GpudbError,
        UnknownAcceleratorError,
    )
    from gpudb.metrics.catalogue import METRICS
    from gpudb.storage.build import build
    from gpudb.storage.query import accelerators, get, resolve, specs
    from gpudb.validation.run import validate

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

# spelled out (not built from _EXPORTS) so that linters see the imports above as re-exports; a test keeps the two equal
__all__ = [
    "__version__",
    "build",
    "get",
    "resolve",
    "compare",
    "export_status",
    "check_claims",
    "crosscheck",
    "cost_metrics",
    "explain",
    "specs",
    "lookup_device",
    "peak_flops",
    "measurements",
    "accelerators",
    "validate",
    "METRICS",
    "GpudbError",
    "UnknownAcceleratorError",
    "AmbiguousNameError",
    "DataValidationError",
    "DatabaseError",
    "UnknownDeviceError",
    "UnsupportedPrecisionError",
]


def __getattr__(name: str) -> Any:
    if name in _EXPORTS:
        return getattr(import_module(_EXPORTS[name]), name)
    raise AttributeError(f"module 'gpudb' has no attribute {name!r}")
