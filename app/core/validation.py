"""Turning Pydantic's validation errors into problem ``errors[]`` entries with JSON Pointers."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any


def pointer(loc: Sequence[int | str]) -> str:
    """``("sections", 0, "url")`` -> ``/sections/0/url`` (RFC 6901 escaping)."""
    return "".join("/" + str(p).replace("~", "~0").replace("/", "~1") for p in loc)


def _message(err: Mapping[str, Any]) -> str:
    msg = str(err.get("msg", "invalid"))
    if err.get("type") == "extra_forbidden":
        return "unknown field"
    return msg.removeprefix("Value error, ")


def body_errors(errors: Iterable[Mapping[str, Any]], *, strip: int = 0) -> list[dict[str, str]]:
    """Entries for errors in a request body; ``strip`` drops leading ``loc`` parts (``body``)."""
    out = []
    for err in errors:
        loc = list(err.get("loc", ()))[strip:]
        # Pydantic names the branch of a union or a function validator in loc; not part of a path.
        loc = [
            p for p in loc if not (isinstance(p, str) and ("[" in p or p.startswith("function-")))
        ]
        out.append({"pointer": pointer(loc), "message": _message(err)})
    return out
