"""Wire shapes of the changes feed."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, Field

from app.articles.schemas import ArticleOut, ArticleSummary


class ChangeOut(BaseModel):
    seq: int = Field(description="Position in the feed; later changes have higher numbers.")
    type: Literal["create", "update", "delete"] = Field(
        description="`delete` is a tombstone; without the `drafts` scope it also means the "
        "article stopped being published."
    )
    slug: str
    version: int = Field(description="The article's version after this change.")
    at: datetime
    article: ArticleSummary | ArticleOut | None = Field(
        None,
        description="The article as it is now (the summary projection for summary-only "
        "keys). Absent for deletes, and for a change a later item in the feed supersedes.",
    )


class ChangePage(BaseModel):
    items: list[ChangeOut]
    next_cursor: str = Field(
        description="Where to resume; present even when the feed has nothing newer yet."
    )
