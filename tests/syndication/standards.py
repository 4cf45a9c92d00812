"""The standards' JSON Schemas, read from the shared folder beside the project, where CI lays
them. A checkout without that folder skips the schema checks and says why, as the golden
tests of the text template do."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

STANDARDS = Path(__file__).resolve().parents[2].parent / "shared" / "standards"
JSON_FEED = "jsonfeed/schema-v1.1.json"
NINJS = "ninjs/ninjs-schema_3.1.json"


def schema(name: str) -> dict[str, Any]:
    path = STANDARDS / name
    if not path.is_file():
        pytest.skip(
            f"the shared specification folder {STANDARDS.parent} is not next to the project"
        )
    loaded: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return loaded
