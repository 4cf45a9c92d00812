"""Golden files: a mapper's exact output, reviewed once and kept under `golden/`.

`KIJI_UPDATE_GOLDEN=1 pytest tests/syndication` rewrites them after a deliberate change
(then read the diff before committing it)."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import orjson

GOLDEN = Path(__file__).parent / "golden"


def _text(value: Any) -> str:
    if isinstance(value, str):
        return value
    if isinstance(value, bytes):
        return value.decode()
    return orjson.dumps(value, option=orjson.OPT_INDENT_2).decode() + "\n"


def assert_golden(name: str, value: Any) -> None:
    path = GOLDEN / name
    text = _text(value)
    if os.environ.get("KIJI_UPDATE_GOLDEN"):
        path.parent.mkdir(exist_ok=True)
        path.write_text(text, encoding="utf-8")
    assert path.exists(), f"no golden file {name}: run with KIJI_UPDATE_GOLDEN=1 and review it"
    assert text == path.read_text(encoding="utf-8"), f"{name} differs from its golden file"
