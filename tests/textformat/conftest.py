"""Paths to the article files the text-format tests read."""

from pathlib import Path

HERE = Path(__file__).resolve().parent
CASES = HERE / "cases"
PROJECT = HERE.parents[1]
SAMPLES = PROJECT / "app" / "samples"
# The shared specification sits next to the project (see ../shared/README.md).
SHARED_EXAMPLES = PROJECT.parent / "shared" / "examples"
