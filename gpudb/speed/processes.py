"""Independent work shared among forked processes, its results in order: the batches of a large validation (chip
files) and of `gpudb site` (detail pages)."""

from __future__ import annotations

import contextlib
import multiprocessing
import os
from collections.abc import Callable, Iterable, Iterator
from typing import TypeVar

T = TypeVar("T")
R = TypeVar("R")


def workers_for(tasks: int, most: int) -> int:
    """How many processes to share `tasks` among: one per CPU, at most `most`, no more than the tasks."""
    return min(most, os.cpu_count() or 1, tasks)


def can_fork(workers: int) -> bool:
    """Whether `workers` processes can share the work: two or more, the system can fork, and this is not a daemon
    process (which may have no children)."""
    return (
        workers > 1
        and "fork" in multiprocessing.get_all_start_methods()
        and not multiprocessing.current_process().daemon
    )


def in_order(function: Callable[[T], R], items: Iterable[T], workers: int) -> Iterator[R]:
    """`function` of each item in `workers` forked processes, each result as soon as it and those before it are."""
    with started(function, items, workers) as results:
        yield from results


@contextlib.contextmanager
def started(function: Callable[[T], R], items: Iterable[T], workers: int) -> Iterator[Iterator[R]]:
    """in_order's results, the processes forked and at work from the moment this is entered (the caller may do
    other work before it takes the first); they are stopped when it is left."""
    with multiprocessing.get_context("fork").Pool(workers) as pool:
        yield pool.imap(function, items)
