"""Checks: small functions of the dataset that yield problems, each registered here by the @check decorator."""

from __future__ import annotations

from collections.abc import Callable, Iterator

from gpudb.problems import Problem
from gpudb.validation.records import Dataset

Check = Callable[[Dataset], Iterator[Problem]]
CHECKS: list[Check] = []


def check(function: Check) -> Check:
    """Register a check: a function of the dataset that yields problems."""
    CHECKS.append(function)
    return function
