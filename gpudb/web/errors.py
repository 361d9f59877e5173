"""Errors of the web layer: a bad request parameter, and the one JSON shape every error takes."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from gpudb.errors import AmbiguousNameError, DatabaseError, GpudbError, InvalidArgumentError, UnknownAcceleratorError


class ParameterError(GpudbError, ValueError):
    """A query parameter outside its allowed values (400), or naming a chip that does not exist (404)."""

    def __init__(self, parameter: str, message: str, allowed: Sequence[str] = (), status: int = 400):
        self.parameter = parameter
        self.allowed = list(allowed)
        self.status = status
        super().__init__(message)


def not_allowed(parameter: str, value: str, allowed: Sequence[str], what: str = "value") -> ParameterError:
    """'parameter 'sort': unknown column 'tppp'; allowed values: …' (the allowed values listed in full)."""
    return ParameterError(
        parameter,
        f"parameter {parameter!r}: unknown {what} {value!r}; allowed values: {', '.join(allowed)}",
        allowed,
    )


TITLES = {400: "Bad request", 404: "Not found", 405: "Method not allowed", 422: "Invalid request", 500: "Server error"}
TITLES[503] = "Database unavailable"
CODES = {400: "bad-parameter", 404: "not-found", 405: "method-not-allowed", 422: "invalid-request", 500: "server-error"}
CODES[503] = "database-unavailable"


def error_body(status: int, message: str, parameter: str | None = None, allowed: Sequence[str] = ()) -> dict[str, Any]:
    """The one JSON shape of every error: {ok, status, error, title, message, parameter, allowed}."""
    return {
        "ok": False,
        "status": status,
        "error": CODES.get(status, "error"),
        "title": TITLES.get(status, "Error"),
        "message": message,
        "parameter": parameter,
        "allowed": list(allowed),
    }


def describe(error: Exception, parameter: str | None = None) -> tuple[int, dict[str, Any]]:
    """A gpudb error as (HTTP status, body): unknown chip 404, bad argument 400, database 503."""
    if isinstance(error, ParameterError):
        return error.status, error_body(error.status, str(error), error.parameter, error.allowed)
    if isinstance(error, UnknownAcceleratorError):
        message = f"parameter {parameter!r}: {error}" if parameter else str(error)
        return 404, error_body(404, message, parameter, error.suggestions)
    if isinstance(error, AmbiguousNameError):
        message = f"parameter {parameter!r}: {error}" if parameter else str(error)
        return 404, error_body(404, message, parameter, error.candidates)
    if isinstance(error, InvalidArgumentError) and isinstance(error, LookupError):  # an unknown system
        return 404, error_body(404, str(error), parameter)
    if isinstance(error, InvalidArgumentError):
        return 400, error_body(400, str(error), parameter)
    if isinstance(error, DatabaseError):
        return 503, error_body(503, str(error))
    return 500, error_body(500, "internal error")
