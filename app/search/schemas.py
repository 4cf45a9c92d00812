"""Wire shapes of search results."""

from __future__ import annotations

from pydantic import BaseModel, Field


class SearchHit(BaseModel):
    slug: str
    title: str
    position: int | None = Field(
        description="The section where the best match is (null: an article-level field)."
    )
    field: str = Field(description="The field of the best match, e.g. `question`, `body`.")
    score: float = Field(
        description=(
            "Relevance (higher is better); 0 for `sort=newest` and for hits older than the"
            " rank window (`KIJI_SEARCH_RANK_WINDOW`)."
        )
    )
    snippet: str = Field(description="Plain text around the best match.")
    highlights: list[tuple[int, int]] = Field(
        description="[start, end) offsets of matches in `snippet`, in Unicode code points."
    )
    snippet_html: str = Field(description="`snippet` HTML-escaped, matches in `<mark>`.")


class SearchPage(BaseModel):
    items: list[SearchHit]
    next_cursor: str | None
