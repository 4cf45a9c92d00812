"""Query-string hygiene: unknown parameters are an error, not silently ignored."""

from __future__ import annotations

from collections.abc import Callable

from starlette.requests import Request

from app.core.errors import InvalidParameter


def only(*allowed: str) -> Callable[[Request], None]:
    """A dependency that rejects query parameters other than ``allowed`` with a 400."""
    known = frozenset(allowed)

    def dependency(request: Request) -> None:
        unknown = sorted({k for k in request.query_params if k not in known})
        if unknown:
            raise InvalidParameter(
                f"unknown query parameter(s): {', '.join(unknown)}",
                errors=[{"parameter": k, "message": "unknown parameter"} for k in unknown],
                extra={"allowed": sorted(known)},
            )

    return dependency
