"""The measurements: dense matrix-multiply throughput per precision, and memory bandwidth. Needs only PyTorch.

Each function returns a Measured (the figures at the best shape or size, with its method) or raises
NotMeasurable with the reason (the device or this PyTorch cannot run that precision).
"""

from __future__ import annotations

import contextlib
from dataclasses import dataclass, field

from gpudb.bench.timing import RateFigures, Settings, time_per_call, timer_for

# Matrix shapes (m, n, k) swept per precision: square sizes up to where the GPU is saturated, and one with a
# long k (the shape of a transformer's projection back to the model width).
FULL_SHAPES = [(2048, 2048, 2048), (4096, 4096, 4096), (8192, 8192, 8192), (16384, 16384, 16384), (8192, 8192, 32768)]
QUICK_SHAPES = [(4096, 4096, 4096), (8192, 8192, 8192)]

# Bandwidth buffers: each at least this many times the L2 cache, so the figure is the memory's, not the cache's.
L2_MULTIPLE = 8
FULL_SIZES_BYTES = [2**28, 2**30, 2**32]  # 256 MiB, 1 GiB, 4 GiB
QUICK_SIZES_BYTES = [2**30]

INT8_LIMITATION = (
    "torch._int_mm (PyTorch's int8 GEMM) is known to stay well below the INT8 tensor-core peak on Hopper-class "
    "GPUs; read this figure as a lower bound, not as what the hardware can do"
)


class NotMeasurable(Exception):
    """This device or this PyTorch cannot run the measurement; the message says why."""


@dataclass(frozen=True)
class Measured:
    """The figures of one measurement, in TFLOPS / TOPS (matmul) or TB/s (bandwidth), with how they were taken."""

    name: str
    figures: RateFigures
    method: str
    shape: tuple[int, int, int] | None = None
    size_bytes: int | None = None
    tried: list[tuple[int, ...]] = field(default_factory=list)
    limitation: str | None = None


def _matmul_call(torch, precision: str, m: int, n: int, k: int, device):
    """A no-argument callable doing one (m×k)·(k×n) product at `precision`, and the method in words."""
    cuda = device.type == "cuda"
    if precision in {"fp64", "fp32", "tf32", "bf16", "fp16"}:
        dtype = {"fp64": torch.float64, "fp32": torch.float32, "tf32": torch.float32}.get(precision)
        dtype = dtype or {"bf16": torch.bfloat16, "fp16": torch.float16}[precision]
        if precision == "tf32" and not cuda:
            raise NotMeasurable("TF32 is a mode of CUDA tensor cores; there is none on this device")
        a = torch.randn(m, k, device=device, dtype=dtype)
        b = torch.randn(k, n, device=device, dtype=dtype)
        out = torch.empty(m, n, device=device, dtype=dtype)
        return (lambda: torch.matmul(a, b, out=out)), f"torch.matmul, {str(dtype).removeprefix('torch.')}"
    if precision == "fp8":
        if not cuda or not hasattr(torch, "float8_e4m3fn") or torch.cuda.get_device_capability(device) < (8, 9):
            raise NotMeasurable("FP8 matrix multiply needs a CUDA GPU of compute capability 8.9 or later")
        a = torch.randn(m, k, device=device).to(torch.float8_e4m3fn)
        b = torch.randn(n, k, device=device).to(torch.float8_e4m3fn).t()  # column-major, as cuBLASLt wants
        one = torch.ones((), device=device, dtype=torch.float32)
        call = lambda: torch._scaled_mm(a, b, scale_a=one, scale_b=one, out_dtype=torch.bfloat16)  # noqa: E731
        return call, "torch._scaled_mm, float8_e4m3fn inputs, bfloat16 output (cuBLASLt)"
    if precision == "int8":
        if not hasattr(torch, "_int_mm"):
            raise NotMeasurable(f"this PyTorch ({torch.__version__}) has no int8 matrix multiply (torch._int_mm)")
        a = torch.randint(-128, 128, (m, k), device=device, dtype=torch.int8)
        b = torch.randint(-128, 128, (k, n), device=device, dtype=torch.int8)
        return (lambda: torch._int_mm(a, b)), "torch._int_mm, int8 inputs, int32 output"
    raise NotMeasurable(f"no matrix-multiply method for precision {precision!r}")


@contextlib.contextmanager
def _tf32(torch, enabled: bool):
    """FP32 matmul on tensor cores (TF32) only when asked: FP32 must be measured as FP32."""
    saved = torch.backends.cuda.matmul.allow_tf32
    torch.backends.cuda.matmul.allow_tf32 = enabled
    try:
        yield
    finally:
        torch.backends.cuda.matmul.allow_tf32 = saved


def measure_matmul(torch, precision: str, shapes, device, settings: Settings) -> Measured:
    """Dense matmul throughput (2·m·n·k operations per product) at the shape with the best median.

    Shapes that do not fit in memory are left out; if no shape runs, NotMeasurable says why.
    """
    best: tuple[RateFigures, tuple[int, int, int]] | None = None
    tried: list[tuple[int, ...]] = []
    reasons: list[str] = []
    method = ""
    timer = timer_for(torch, device)
    with _tf32(torch, precision == "tf32"):
        for m, n, k in shapes:
            try:
                call, method = _matmul_call(torch, precision, m, n, k, device)
                seconds = time_per_call(call, timer, settings)
            except RuntimeError as error:  # this dtype or shape is not supported here, or it is out of memory
                reasons.append(f"{m}×{n}×{k}: {str(error).splitlines()[0]}")
                continue
            finally:
                call = None  # the operands go before the next, larger shape is allocated
                if device.type == "cuda":
                    torch.cuda.empty_cache()
            figures = RateFigures.of(2 * m * n * k / 1e12, seconds)
            tried.append((m, n, k))
            if best is None or figures.median > best[0].median:
                best = (figures, (m, n, k))
    if best is None:
        raise NotMeasurable("; ".join(reasons) or "no shape to run")
    timing = "CUDA events" if device.type == "cuda" else "wall clock"
    limitation = INT8_LIMITATION if precision == "int8" and device.type == "cuda" else None
    return Measured(
        f"matmul-{precision}",
        best[0],
        f"{method}; best median over {len(tried)} shapes; {timing}",
        shape=best[1],
        tried=tried,
        limitation=limitation,
    )


def _bandwidth_sizes(sizes_bytes: list[int], l2_bytes: int | None, free_bytes: int | None) -> list[int]:
    """The sizes worth running: well past the L2 cache, and (with two buffers) within free memory."""
    floor = L2_MULTIPLE * l2_bytes if l2_bytes else 0
    ceiling = free_bytes // 3 if free_bytes else None
    fitting = [size for size in sizes_bytes if size >= floor and (ceiling is None or size <= ceiling)]
    if not fitting and floor and (ceiling is None or floor <= ceiling):
        fitting = [floor]
    return fitting


def _bandwidth_call(torch, kind: str, size_bytes: int, device):
    """A no-argument callable moving one buffer of `size_bytes`, the bytes it moves per call, and its method."""
    if kind not in {"copy", "read"}:
        raise NotMeasurable(f"no bandwidth method {kind!r}; known: copy, read")
    source = torch.empty(size_bytes // 4, device=device, dtype=torch.float32).uniform_()
    if kind == "copy":
        target = torch.empty_like(source)
        method = "Tensor.copy_ within device memory, float32; bytes read plus written"
        return (lambda: target.copy_(source)), 2 * source.nbytes, method
    return (lambda: torch.sum(source)), source.nbytes, "torch.sum over a float32 buffer; bytes read"


def measure_bandwidth(
    torch, kind: str, sizes_bytes: list[int], device, settings: Settings, l2_bytes: int | None = None
) -> Measured:
    """Memory bandwidth in TB/s: 'copy' (device-to-device, bytes read plus written) or 'read' (a sum that only
    reads its buffer), at the size with the best median."""
    free_bytes = torch.cuda.mem_get_info(device)[0] if device.type == "cuda" else None
    sizes = _bandwidth_sizes(sizes_bytes, l2_bytes, free_bytes)
    if not sizes:
        raise NotMeasurable(f"no buffer of at least {L2_MULTIPLE}× the L2 cache fits in free memory")
    timer = timer_for(torch, device)
    best: tuple[RateFigures, int] | None = None
    method = ""
    for size in sizes:
        call, moved_bytes, method = _bandwidth_call(torch, kind, size, device)
        figures = RateFigures.of(moved_bytes / 1e12, time_per_call(call, timer, settings))
        if best is None or figures.median > best[0].median:
            best = (figures, size)
        call = None  # the buffers go before the next, larger size is allocated
    if best is None:  # not reached: sizes is not empty
        raise NotMeasurable("no buffer size to run")
    timing = "CUDA events" if device.type == "cuda" else "wall clock"
    return Measured(kind, best[0], f"{method}; best median over {len(sizes)} sizes; {timing}", size_bytes=best[1])
