"""SQL of the cross-article lists: questions, citations, publishers and keywords.

Each query walks one index in its list's order from the cursor's position (keyset), so a
page costs the same however deep it is; counts are computed in SQL with index-only scans."""

from __future__ import annotations

from typing import Any

from app.core.fastdb import FastDB, Row

_NEWEST = "{t}.listed_at DESC, {t}.article_id DESC"


def _after_newest(t: str, tail: tuple[str, ...]) -> str:
    """Keyset condition for ``t.listed_at DESC, t.article_id DESC, <tail ASC...>`` (``tail``
    holds qualified column names; their parameters are ``:k_<column>``)."""

    def param(col: str) -> str:
        return ":k_" + col.split(".")[-1]

    inner = " OR ".join(
        "("
        + " AND ".join([*(f"{c} = {param(c)}" for c in tail[:i]), f"{tail[i]} > {param(tail[i])}"])
        + ")"
        for i in range(len(tail))
    )
    # The plain bound is what both planners turn into an index range (see listing.sql_for).
    return (
        f"{t}.listed_at <= :k_at AND"
        f" ({t}.listed_at < :k_at OR ({t}.listed_at = :k_at AND ({t}.article_id < :k_article"
        f" OR ({t}.article_id = :k_article AND ({inner})))))"
    )


def questions_sql(*, keyword: bool, after: bool) -> str:
    # With a keyword, walk that keyword's articles (newest first) and their sections;
    # otherwise walk every section newest first.
    t = "k" if keyword else "s"
    source = (
        "article_keywords k JOIN sections s ON s.article_id = k.article_id"
        if keyword
        else "sections s"
    )
    where = [f"{t}.status = :status"]
    if keyword:
        where.append("k.keyword_id = :keyword")
    if after:
        where.append(_after_newest(t, ("s.position",)))
    return (
        "SELECT s.question, s.answer, s.heading, s.position, a.slug, a.title,"
        f" {t}.listed_at, {t}.article_id"
        f" FROM {source} JOIN articles a ON a.id = s.article_id"
        f" WHERE {' AND '.join(where)}"
        f" ORDER BY {_NEWEST.format(t=t)}, s.position LIMIT :limit"
    )


def citations_sql(*, host: bool, publisher: bool, published_after: bool, after: bool) -> str:
    where = ["c.status = :status"]
    if host:
        where.append("c.host = :host")
    if publisher:
        where.append("c.publisher = :publisher")
    if published_after:
        where.append("c.published_on >= :published_after")
    if after:
        where.append(_after_newest("c", ("c.section_position", "c.position")))
    return (
        "SELECT c.publisher, c.url, c.host, c.published_on, c.summary, c.comment,"
        " c.section_position, c.position, a.slug, a.title, c.listed_at, c.article_id"
        " FROM citations c JOIN articles a ON a.id = c.article_id"
        f" WHERE {' AND '.join(where)}"
        f" ORDER BY {_NEWEST.format(t='c')}, c.section_position, c.position LIMIT :limit"
    )


def _named_counts_sql(table: str, link: str, key: str, extra: str, after: bool) -> str:
    return (
        f"SELECT n.id, n.name, (SELECT count(*) FROM {link} l"
        f" WHERE l.{key} = n.id AND l.status = :status) AS article_count{extra}"
        f" FROM {table} n"
        f" WHERE EXISTS (SELECT 1 FROM {link} l WHERE l.{key} = n.id AND l.status = :status)"
        f"{' AND n.name > :k_name' if after else ''}"
        " ORDER BY n.name LIMIT :limit"
    )


def keywords_sql(*, after: bool) -> str:
    return _named_counts_sql("keywords", "article_keywords", "keyword_id", "", after)


def publishers_sql(*, after: bool) -> str:
    extra = (
        ", (SELECT count(*) FROM citations c WHERE c.host = n.name AND c.status = :status)"
        " AS citation_count"
    )
    return _named_counts_sql("hosts", "article_hosts", "host_id", extra, after)


def labels_sql(count: int) -> str:
    marks = ", ".join(f":h{i}" for i in range(count))
    return (
        "SELECT DISTINCT host, publisher FROM citations"
        f" WHERE status = :status AND host IN ({marks}) ORDER BY host, publisher"
    )


async def questions(db: FastDB, params: dict[str, Any]) -> list[Row]:
    sql = questions_sql(keyword="keyword" in params, after="k_at" in params)
    return await db.all(sql, params)


async def citations(db: FastDB, params: dict[str, Any]) -> list[Row]:
    sql = citations_sql(
        host="host" in params,
        publisher="publisher" in params,
        published_after="published_after" in params,
        after="k_at" in params,
    )
    return await db.all(sql, params)


async def keywords(db: FastDB, params: dict[str, Any]) -> list[Row]:
    return await db.all(keywords_sql(after="k_name" in params), params)


async def publishers(db: FastDB, params: dict[str, Any]) -> list[Row]:
    return await db.all(publishers_sql(after="k_name" in params), params)


async def labels(db: FastDB, status: str, hosts: list[str]) -> dict[str, list[str]]:
    if not hosts:
        return {}
    params = {"status": status} | {f"h{i}": h for i, h in enumerate(hosts)}
    out: dict[str, list[str]] = {h: [] for h in hosts}
    for host, label in await db.all(labels_sql(len(hosts)), params):
        out[host].append(label)
    return out


async def keyword_id(db: FastDB, name: str) -> int | None:
    row = await db.one("SELECT id FROM keywords WHERE name = :name", {"name": name})
    return int(row[0]) if row else None
