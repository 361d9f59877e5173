"""Timing of repeated work on a device: warm-up, calibration, repetitions. Needs only PyTorch.

On a CUDA device the time between two CUDA events recorded around the work is the GPU's own time, free of
launch latency and host jitter; on the CPU (the tests' stand-in) it is the wall clock.
"""

from __future__ import annotations

import math
import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass


class WallTimer:
    """Wall-clock timing for work that runs synchronously (the CPU)."""

    def start(self) -> None:
        self._started = time.perf_counter()

    def stop_seconds(self) -> float:
        return time.perf_counter() - self._started

    def synchronize(self) -> None:
        """Nothing is queued on the CPU."""


class CudaEventTimer:
    """GPU time between two CUDA events: what the kernels took, not what launching them took."""

    def __init__(self, torch, device) -> None:
        self._torch = torch
        self._device = device
        self._begin = torch.cuda.Event(enable_timing=True)
        self._end = torch.cuda.Event(enable_timing=True)

    def start(self) -> None:
        self._begin.record()

    def stop_seconds(self) -> float:
        self._end.record()
        self._end.synchronize()
        return self._begin.elapsed_time(self._end) / 1000.0  # elapsed_time is in milliseconds

    def synchronize(self) -> None:
        self._torch.cuda.synchronize(self._device)


def timer_for(torch, device) -> WallTimer | CudaEventTimer:
    """The right timer for a torch device."""
    return CudaEventTimer(torch, device) if device.type == "cuda" else WallTimer()


@dataclass(frozen=True)
class Settings:
    """How long to work: warm-up calls, timed repetitions, and the least time one repetition should take."""

    warmup: int
    repetitions: int
    min_repetition_seconds: float


QUICK = Settings(warmup=3, repetitions=5, min_repetition_seconds=0.02)
FULL = Settings(warmup=10, repetitions=20, min_repetition_seconds=0.05)


def time_per_call(run: Callable[[], object], timer, settings: Settings) -> list[float]:
    """Seconds per call of `run`, one figure per repetition.

    After the warm-up, one timed call sets how many calls make one repetition long enough to time well
    (a 20 µs kernel is timed over many calls, a 100 ms one over one).
    """
    for _ in range(settings.warmup):
        run()
    timer.synchronize()
    timer.start()
    run()
    single = max(timer.stop_seconds(), 1e-9)
    calls = max(1, math.ceil(settings.min_repetition_seconds / single))
    per_call = []
    for _ in range(settings.repetitions):
        timer.start()
        for _ in range(calls):
            run()
        per_call.append(timer.stop_seconds() / calls)
    return per_call


@dataclass(frozen=True)
class RateFigures:
    """Rates of the repetitions (work ÷ time, in the caller's unit): median, best, spread."""

    median: float
    best: float
    spread_pct: float  # (best − worst) ÷ median × 100
    repetitions: int

    @classmethod
    def of(cls, work: float, seconds: list[float]) -> RateFigures:
        """Figures for `work` units done in each of `seconds` (e.g. TFLOP per call and seconds per call)."""
        rates = [work / s for s in seconds]
        middle = statistics.median(rates)
        return cls(middle, max(rates), (max(rates) - min(rates)) / middle * 100, len(rates))
