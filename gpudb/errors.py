"""The exception family of gpudb. The library raises these; only the CLI and the web app print them."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from gpudb.problems import Problem


class GpudbError(Exception):
    """Base of every error gpudb raises on purpose; its message is one line meant for people."""

    exit_code = 1


class UnknownAcceleratorError(GpudbError, LookupError):
    """A name matches no accelerator id or alias."""

    exit_code = 3

    def __init__(self, name: str, suggestions: Sequence[str] = ()):
        self.name = name
        self.suggestions = list(suggestions)
        message = f"unknown accelerator {name!r}"
        if self.suggestions:
            message += "; did you mean " + " or ".join(repr(s) for s in self.suggestions) + "?"
        else:
            message += "; run 'gpudb list' to see the accelerators"
        super().__init__(message)


class AmbiguousNameError(GpudbError, LookupError):
    """A name matches more than one accelerator."""

    exit_code = 3

    def __init__(self, name: str, candidates: Sequence[str]):
        self.name = name
        self.candidates = list(candidates)
        super().__init__(f"ambiguous accelerator {name!r}: it could be " + ", ".join(repr(c) for c in self.candidates))

    @classmethod
    def chip_or_system(cls, name: str, chip: str, system: str) -> AmbiguousNameError:
        """A name that is both a chip's and a system's: say so rather than choose one."""
        error = cls(name, [chip, system])
        error.args = (
            f"ambiguous name {name!r}: it could be the accelerator {chip!r} or the system {system!r}; "
            "use the id of the one you mean",
        )
        return error


class DataValidationError(GpudbError):
    """data/ has problems; nothing was written."""

    exit_code = 1

    def __init__(self, problems: Sequence[Problem]):
        self.problems = list(problems)
        count = len(self.problems)
        super().__init__(f"data/ has {count} problem{'s' if count != 1 else ''}; nothing was written")


class InvalidArgumentError(GpudbError, ValueError):
    """An argument outside its allowed values (unknown metric or rule, baseline not among the chips)."""

    exit_code = 2


class EmptyDataError(InvalidArgumentError):
    """A --data folder that holds no accelerators: almost always the wrong folder, never a dataset to build."""

    def __init__(self, data_dir: object, kept: str | None = None):
        message = f"{data_dir} holds no accelerators (no accelerators/<vendor>/<id>.yaml); is --data the right folder?"
        super().__init__(message + (f" {kept} is left as it was" if kept else ""))


class DatabaseError(GpudbError):
    """The database is missing, unreachable or not a gpudb database."""

    exit_code = 4
