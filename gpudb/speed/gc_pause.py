"""Pausing Python's cycle collector while a build creates millions of objects that all stay alive."""

from __future__ import annotations

import functools
import gc
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import ParamSpec, TypeVar

T = TypeVar("T")
P = ParamSpec("P")


@contextmanager
def paused_gc() -> Iterator[None]:
    """Run a block with Python's cycle collector off, as it was before afterwards.

    Reading a large catalogue allocates millions of objects that all stay alive; the collector would walk every
    one of them again and again as they accumulate (a third of a 10,000-chip build) and free nothing. Objects are
    still freed by reference counting meanwhile; cycles wait for the collector's next run.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def with_paused_gc(function: Callable[P, T]) -> Callable[P, T]:
    """Decorate a function that builds many long-lived objects: it runs under paused_gc."""

    @functools.wraps(function)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> T:
        with paused_gc():
            return function(*args, **kwargs)

    return wrapper
