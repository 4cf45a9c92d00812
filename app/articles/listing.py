"""The SQL of `GET /v1/articles` for any mix of filters and sort orders (pure: builds text).

Each query drives from the one table whose index covers its filter and sort (articles,
keyword links or host links, all carrying the article's status and sort keys), walks that
index in order from the cursor, and checks the remaining filters per row by primary key."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from functools import lru_cache
from typing import Literal

Sort = Literal["-published_at", "published_at", "-updated_at", "updated_at"]
SORTS: tuple[Sort, ...] = ("-published_at", "published_at", "-updated_at", "updated_at")


@dataclass(frozen=True)
class ListQuery:
    status: Literal["published", "draft"] = "published"
    sort: Sort = "-published_at"
    keyword_ids: tuple[int, ...] = ()
    host_id: int | None = None
    published_after: datetime | None = None
    published_before: datetime | None = None
    updated_after: datetime | None = None
    after: tuple[datetime, int] | None = field(default=None)

    @property
    def column(self) -> str:
        return "listed_at" if self.sort.endswith("published_at") else "updated_at"

    @property
    def descending(self) -> bool:
        return self.sort.startswith("-")


@dataclass(frozen=True)
class Shape:
    """What decides the SQL text (values travel as parameters)."""

    driver: Literal["articles", "keyword", "host"]
    column: str
    descending: bool
    extra_keywords: int
    host_check: bool
    published_after: bool
    published_before: bool
    updated_after: bool
    after: bool


def shape_of(q: ListQuery) -> Shape:
    driver: Literal["articles", "keyword", "host"] = (
        "keyword" if q.keyword_ids else "host" if q.host_id is not None else "articles"
    )
    return Shape(
        driver=driver,
        column=q.column,
        descending=q.descending,
        extra_keywords=max(len(q.keyword_ids) - 1, 0),
        host_check=q.host_id is not None and driver == "keyword",
        published_after=q.published_after is not None,
        published_before=q.published_before is not None,
        updated_after=q.updated_after is not None,
        after=q.after is not None,
    )


@lru_cache(maxsize=256)
def sql_for(shape: Shape) -> str:
    if shape.driver == "articles":
        table, key = "articles d", "d.id"
    elif shape.driver == "keyword":
        table, key = "article_keywords d", "d.article_id"
    else:
        table, key = "article_hosts d", "d.article_id"
    where = ["d.status = :status"]
    if shape.driver == "keyword":
        where.append("d.keyword_id = :kw0")
    if shape.driver == "host":
        where.append("d.host_id = :host")
    where += [
        "EXISTS (SELECT 1 FROM article_keywords k"
        f" WHERE k.article_id = {key} AND k.keyword_id = :kw{n})"
        for n in range(1, shape.extra_keywords + 1)
    ]
    if shape.host_check:
        where.append(
            "EXISTS (SELECT 1 FROM article_hosts h"
            f" WHERE h.article_id = {key} AND h.host_id = :host)"
        )
    if shape.published_after:
        where.append("d.listed_at >= :published_after")
    if shape.published_before:
        where.append("d.listed_at < :published_before")
    if shape.updated_after:
        where.append("d.updated_at > :updated_after")
    col = f"d.{shape.column}"
    op, direction = ("<", "DESC") if shape.descending else (">", "ASC")
    if shape.after:
        # The plain bound is what both planners turn into an index range; the exact keyset
        # condition then only filters the rows that share the cursor's sort value.
        where.append(f"{col} {op}= :at")
        where.append(f"({col} {op} :at OR ({col} = :at AND {key} {op} :id))")
    return (
        f"SELECT {key}, {col}, r.summary, r.summary_etag, d.updated_at"
        f" FROM {table} JOIN article_renders r ON r.article_id = {key}"
        f" WHERE {' AND '.join(where)}"
        f" ORDER BY {col} {direction}, {key} {direction} LIMIT :limit"
    )
