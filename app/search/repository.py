"""SQL of the search index: writes and the two queries (ranked, newest first), per dialect."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, text
from sqlalchemy.orm import Session

from app.search.expression import BM25_WEIGHTS, FTS_COLUMNS, TS_WEIGHTS
from app.search.index import Entry
from app.search.segment import SEPARATOR

_COLS = ", ".join(FTS_COLUMNS)
_MARKS = ", ".join(f":c{i}" for i in range(len(FTS_COLUMNS)))
_FTS_INSERT = text(f"INSERT INTO search_fts (rowid, {_COLS}) VALUES (:k, {_MARKS})")
_FTS_DELETE = text(
    f"INSERT INTO search_fts (search_fts, rowid, {_COLS}) VALUES ('delete', :k, {_MARKS})"
)
_DOC_INSERT = text("INSERT INTO search_docs (article_id, sort_key) VALUES (:id, :k)")


def _vector(params: Sequence[tuple[str, str]]) -> str:
    # The separator after each group keeps phrases from running on into the next group,
    # as they cannot across FTS5 columns.
    return " || ".join(
        f"setweight(to_tsvector('simple', :{name} || ' {SEPARATOR}'), '{label}')"
        for name, label in params
    )


_PG_INSERT = text(
    "INSERT INTO search_docs (article_id, sort_key, tsv, wsv) VALUES (:id, :k, "
    + _vector([("c0", "A"), ("c1", "B"), ("c2", "C"), ("c3", "D"), ("c4", "D")])
    + ", "
    + _vector([("c5", "A"), ("c6", "B"), ("c7", "C"), ("c8", "D"), ("c9", "D")])
    + ")"
)


def _conn(session: Session) -> Connection:
    return session.connection()


def _is_pg(conn: Connection) -> bool:
    return conn.dialect.name == "postgresql"


_PLANNED = "kiji.search_planner"


def _gin_first(conn: Connection) -> None:
    """PostgreSQL: keep the planner off plans that test the match row by row. It cannot see
    that each such test de-TOASTs a tsvector of tens of KB, so it prices a sequential scan of
    the small heap as cheap; the GIN index answers the match without reading them."""
    # Once per transaction (the settings are SET LOCAL): a search makes two to four queries.
    transaction = conn.get_transaction()
    if conn.info.get(_PLANNED) is transaction:
        return
    # And off parallel plans: a worker takes longer to start than these queries take to run.
    # (set_config(..., true) is SET LOCAL: both in one round trip.)
    conn.exec_driver_sql(
        "SELECT set_config('enable_seqscan', 'off', true),"
        " set_config('max_parallel_workers_per_gather', '0', true)"
    )
    conn.info[_PLANNED] = transaction


def _params(e: Entry) -> dict[str, Any]:
    params: dict[str, Any] = {"id": e.article_id, "k": e.sort_key}
    for i, value in enumerate((*e.grams, *e.words)):
        params[f"c{i}"] = value
    return params


_PG_INSERT_NEW = text(f"{_PG_INSERT.text} ON CONFLICT (article_id) DO NOTHING")


def insert(session: Session, entries: Sequence[Entry], *, only_new: bool = False) -> None:
    """Write index entries; with ``only_new``, skip articles that are in the index already
    (the caller checked, so this only settles a race with another writer on PostgreSQL:
    SQLite has one writer at a time)."""
    if not entries:
        return
    conn = _conn(session)
    rows = [_params(e) for e in entries]
    if _is_pg(conn):
        conn.execute(_PG_INSERT_NEW if only_new else _PG_INSERT, rows)
        return
    conn.execute(_DOC_INSERT, rows)
    conn.execute(_FTS_INSERT, rows)


def indexed_key(session: Session, article_id: int) -> int | None:
    key: int | None = (
        _conn(session)
        .execute(
            text("SELECT sort_key FROM search_docs WHERE article_id = :id"), {"id": article_id}
        )
        .scalar_one_or_none()
    )
    return key


def indexed_ids(session: Session, ids: Sequence[int]) -> set[int]:
    """Those of ``ids`` that are in the index."""
    if not ids:
        return set()
    listed = ", ".join(str(int(i)) for i in ids)
    return set(
        _conn(session)
        .execute(text(f"SELECT article_id FROM search_docs WHERE article_id IN ({listed})"))
        .scalars()
    )


def holds_unpublished(session: Session) -> bool:
    """Whether the index holds an article that is not published (or no longer exists)."""
    # Counted, not anti-joined: this reads only indexes (the articles' rows are wide, and
    # reading them all from a cold cache took 3 s at 100,000 articles).
    sql = (
        "SELECT (SELECT count(*) FROM search_docs) > (SELECT count(*) FROM search_docs d"
        " JOIN articles a ON a.id = d.article_id WHERE a.status = 'published')"
    )
    return bool(_conn(session).execute(text(sql)).scalar_one())


def unindexed_ids(session: Session) -> list[int]:
    """The published articles missing from the index. (One statement: an article's index
    entry is written in the transaction that publishes it, so a snapshot never sees one
    without the other.)"""
    sql = (
        "SELECT a.id FROM articles a WHERE a.status = 'published' AND NOT EXISTS"
        " (SELECT 1 FROM search_docs d WHERE d.article_id = a.id) ORDER BY a.id"
    )
    return list(_conn(session).execute(text(sql)).scalars())


def remove(session: Session, entry: Entry) -> None:
    """Drop an article from the index; ``entry`` must be what was indexed (FTS5 contentless
    tables delete by resupplying the indexed text)."""
    conn = _conn(session)
    params = _params(entry)
    if not _is_pg(conn):
        conn.execute(_FTS_DELETE, params)
    conn.execute(text("DELETE FROM search_docs WHERE article_id = :id"), params)


def clear(session: Session) -> None:
    conn = _conn(session)
    if not _is_pg(conn):
        # A contentless FTS5 table cannot DELETE rows; 'delete-all' empties it.
        conn.execute(text("INSERT INTO search_fts (search_fts) VALUES ('delete-all')"))
    conn.execute(text("DELETE FROM search_docs"))


def count(session: Session) -> int:
    n: int = _conn(session).execute(text("SELECT count(*) FROM search_docs")).scalar_one()
    return n


@dataclass(frozen=True, slots=True)
class Filters:
    keywords: tuple[str, ...] = ()
    host: str | None = None

    @property
    def any(self) -> bool:
        return bool(self.keywords) or self.host is not None


@dataclass(frozen=True, slots=True)
class Hit:
    article_id: int
    sort_key: int
    score: float | None


def _filters(f: Filters, column: str, params: dict[str, Any], *, each: bool = False) -> str:
    """The conditions of ``f`` on rows with an ``article_id`` column, or with ``column``
    "rowid" on the FTS5 table (whose rowid is the sort key). ``each``: looked up for each
    row by its sort key ``column``, where the rows are few or a LIMIT stops them early."""
    links = [
        (f"kw{i}", "article_keywords", "keywords", "keyword_id", name)
        for i, name in enumerate(f.keywords)
    ]
    if f.host is not None:
        links.append(("host", "article_hosts", "hosts", "host_id", f.host))
    sql = ""
    for param, link, named, key, value in links:
        params[param] = value
        # The name's id first, once: as a join, PostgreSQL looked each hit's keywords up by
        # id and compared their names (3,554 hits of 安全保障条約 with 防災: 28 -> 14 ms),
        # where with the id each hit is one probe of the link table's key.
        linked = f"l.{key} = (SELECT n.id FROM {named} n WHERE n.name = :{param})"
        if each:
            sql += (
                f" AND EXISTS (SELECT 1 FROM search_docs d JOIN {link} l"
                f" ON l.article_id = d.article_id WHERE d.sort_key = {column} AND {linked})"
            )
        elif column == "rowid":
            # "+": FTS5 is not given the filter's rowids to look each one up (the whole
            # MATCH ran again for each: 1.5 s for 地域 with 防災 at 100,000 articles, 8 ms
            # with the hits checked against the filter instead).
            sql += (
                " AND +rowid IN (SELECT d.sort_key FROM search_docs d"
                f" JOIN {link} l ON l.article_id = d.article_id WHERE {linked})"
            )
        else:
            articles = f"SELECT l.article_id FROM {link} l WHERE {linked}"
            # "+ 0": the rows are looked up in the filter's articles, not found from them
            # one by one: PostgreSQL fetched the row of every article with the keyword and
            # tested its tsvector (9,513 articles, 240 ms for 地域 with 防災).
            sql += f" AND article_id + 0 IN ({articles})"
    return sql


def _with_ids(conn: Connection, rows: list[tuple[int, float | None]]) -> list[Hit]:
    """SQLite: the article ids of FTS5 rowids (sort keys)."""
    if not rows:
        return []
    keys = ", ".join(str(int(k)) for k, _ in rows)
    ids: dict[int, int] = dict(
        conn.execute(
            text(f"SELECT sort_key, article_id FROM search_docs WHERE sort_key IN ({keys})")
        ).all()
    )
    return [Hit(ids[k], k, s) for k, s in rows if k in ids]


def _pg_hits(
    params: dict[str, Any],
    filters: Filters,
    *,
    loose: str | None,
    where: str = "",
    order: str = "",
    rank: bool = False,
    negated: bool = False,
) -> str:
    """PostgreSQL: a FROM item of the matching rows (``params["q"]`` is the tsquery), with
    ``where`` and ``order`` applied first. With a ``loose`` query (see
    ``expression.loose_tsquery``) the GIN index finds its candidates exactly, and only those
    the caller reads on to are tested against the phrase: that test must de-TOAST the row's
    tsvector. ("OFFSET 0" keeps PostgreSQL from pushing the phrase test into the candidates'
    scan.) With ``rank`` that test gives the rank (see ``_pg_tested``).

    The rows come in ``order``: the layers above it add no ORDER BY of their own, as the
    planner cannot see that ``sort_key + 0`` orders ``sort_key`` and would sort the tested
    rows again (testing them all first), so callers rely on the executor keeping it."""
    filtered = where + _filters(filters, "article_id", params)
    if loose is None:
        return (
            "(SELECT article_id, sort_key, tsv, wsv FROM search_docs"
            f" WHERE tsv @@ to_tsquery('simple', :q){filtered}{order} OFFSET 0) hits"
        )
    params["loose"] = loose
    candidates = (
        "(SELECT article_id, sort_key, tsv, wsv FROM search_docs"
        f" WHERE tsv @@ to_tsquery('simple', :loose){filtered}{order} OFFSET 0) candidates"
    )
    return f"({_pg_tested(candidates, rank, negated=negated)}) hits"


def _pg_tested(rows: str, rank: bool, *, negated: bool = False, order: str = "") -> str:
    """The rows of ``rows`` that match, each tested by reading its tsvector. With ``rank``,
    their rank is kept as ``r``: one read of the tsvector where a match test and then the
    rank took two. Without exclusions the rank is the test (> 0 exactly when the query
    matches); with them (``negated``) the test and the rank share one read (``_read``).
    ``order`` is the order ``rows`` come in, when the planner can tell it from a column:
    then a LIMIT above stops the tests once it has its rows. (Without it the planner sorts
    the tested rows, so it tests them all.) Without ``rank`` the test is a match test, and
    ``negated`` and ``order`` change nothing."""
    if not rank:
        return f"SELECT * FROM {rows} WHERE tsv @@ to_tsquery('simple', :q)"
    if negated:
        source = f"({_read(rows, 'tsv', order)}) read_rows"
        rank_sql = _ts_rank("tsv_read", "q")
        rank_sql = f"CASE WHEN tsv_read @@ to_tsquery('simple', :q) THEN {rank_sql} END"
        test = "r IS NOT NULL"
    else:
        source, rank_sql, test = rows, _ts_rank("tsv", "q"), "r > 0"
    ranked = f"SELECT article_id, sort_key, wsv, {rank_sql} AS r FROM {source}{order} OFFSET 0"
    return f"SELECT * FROM ({ranked}) tested WHERE {test}"


def _read(rows: str, vector: str, order: str = "") -> str:
    """``rows`` and their ``vector`` read once, as ``<vector>_read``: each function given a
    TOASTed value reads it again, and these tsvectors take tens of KB. (``ts_delete`` of a
    lexeme no vector holds returns its argument as read; "OFFSET 0" keeps the subquery from
    being merged into the query above, which would call it again for each use.)"""
    read = f"ts_delete({vector}, ''::text) AS {vector}_read"
    return f"SELECT *, {read} FROM {rows}{order} OFFSET 0"


_PROBE_ROWS = 100
# Rows a newest-first search tests after the probe's before it sorts the GIN index's hits:
# testing a row costs about 9 µs (it reads the tsvector), a GIN hit about 1 µs, so walking
# pays for a term in some 5 % of the articles or more.
_WALK_MORE_ROWS = 400
# The newest rows whose GIN hits a sparse term's newest page is looked for in: this many
# times as many as the probe's share of hits says hold the page, and at most so many.
_SPAN_MARGIN = 3
_SPAN_MAX_ROWS = 10_000
# Newest first, where the GIN index can answer for a span of rows (see _pg_spans_first):
# the hits among this many of the newest rows are looked for first (0: never).
_FIRST_SPAN_ROWS = 1000
_NO_EDGE = 2**63 - 1  # above every sort key (a BIGINT)
_GLANCE_ROWS = 20


def _pg_walk(
    filters: Filters, params: dict[str, Any], *, rank: bool = False, negated: bool = False
) -> str:
    """PostgreSQL: the hits among the newest ``params["rows"]`` rows, newest first, each
    row tested in turn (see ``_pg_tested``)."""
    order = " ORDER BY sort_key DESC"
    # Ordered again after the filters: a filter made a join loses the order, and the sort
    # is then of the rows as they are, not of tsvectors read for the test.
    recent = (
        "(SELECT * FROM (SELECT article_id, sort_key, tsv, wsv FROM search_docs"
        f"{order} LIMIT :rows) newest WHERE true"
        + _filters(filters, "article_id", params)
        + f"{order}) recent"
    )
    tested = _pg_tested(recent, rank, negated=negated, order=order)
    return f"SELECT * FROM ({tested}) walked{order}"


def _pg_common(conn: Connection, filters: Filters, params: dict[str, Any]) -> bool:
    """PostgreSQL: whether the query matches most of the newest few rows (の or 地域, say).
    Then the newest hits are found fastest by testing the newest rows in turn: sorting all
    the GIN index's hits costs more for such a term than reading a window's worth of
    tsvectors (56 against 10 ms for の at 100,000)."""
    params["rows"] = _GLANCE_ROWS
    walk = _pg_walk(filters, params)
    sample: int = conn.execute(text(f"SELECT count(*) FROM ({walk}) s"), params).scalar_one()
    return sample * 2 >= _GLANCE_ROWS


def _pg_walk_floor(
    conn: Connection, filters: Filters, window: int, params: dict[str, Any]
) -> int | None:
    """PostgreSQL, for a common term (``_pg_common``): the window's floor found among the
    newest twice the window of rows (None when too few of them match)."""
    params["rows"], params["offset"] = 2 * window, window - 1
    floor: int | None = conn.execute(
        text(f"SELECT sort_key FROM ({_pg_walk(filters, params)}) w LIMIT 1 OFFSET :offset"),
        params,
    ).scalar_one_or_none()
    return floor


def window_floor(
    session: Session,
    *,
    fts: str,
    tsquery: str,
    filters: Filters,
    window: int,
    loose: str | None = None,
) -> int | None:
    """The sort key of the ``window``-th newest hit: relevance ranks the hits from it on. None
    when there are no more hits than that (or no window): all of them are ranked."""
    if window <= 0:
        return None
    conn = _conn(session)
    params: dict[str, Any] = {"offset": window - 1}
    if _is_pg(conn):
        _gin_first(conn)
        params["q"] = tsquery
        if _pg_common(conn, filters, params):
            walked = _pg_walk_floor(conn, filters, window, params)
            if walked is not None:
                return walked
        # "+ 0": sort the GIN index's hits rather than walk down the sort key testing each
        # row (see _gin_first).
        hits = _pg_hits(params, filters, loose=loose, order=" ORDER BY sort_key + 0 DESC")
        sql = f"SELECT sort_key FROM {hits} LIMIT 1 OFFSET :offset"
    else:
        params["q"] = fts
        sql = (
            "SELECT rowid FROM search_fts WHERE search_fts MATCH :q"
            + _filters(filters, "rowid", params)
            + " ORDER BY rowid DESC LIMIT 1 OFFSET :offset"
        )
    floor: int | None = conn.execute(text(sql), params).scalar_one_or_none()
    return floor


def spans_under(session: Session, key: int, filters: Filters, rows: int) -> bool:
    """Whether fewer than ``rows`` indexed articles (within ``filters``) sort at ``key`` or
    newer."""
    params: dict[str, Any] = {"k": key, "cap": rows}
    sql = (
        "SELECT count(*) FROM (SELECT 1 FROM search_docs WHERE sort_key >= :k"
        + _filters(filters, "article_id", params)
        + " LIMIT :cap) newer"
    )
    n: int = _conn(session).execute(text(sql), params).scalar_one()
    return n < rows


def _pg_newest(
    conn: Connection,
    tsquery: str,
    loose: str | None,
    filters: Filters,
    after: str,
    params: dict[str, Any],
) -> list[Hit]:
    _gin_first(conn)
    params["q"] = tsquery
    limit: int = params["limit"]
    if _FIRST_SPAN_ROWS and "':*" not in tsquery:
        spanned = _pg_spans_first(conn, loose, filters, after, params)
        rows = (
            spanned if spanned is not None else _pg_gin_newest(conn, loose, filters, after, params)
        )
        return [Hit(a, k, None) for a, k in rows]

    # A one-character prefix (see _pg_spans_first): a common term's newest hits are among
    # the newest rows, and testing them in turn, newest first, is cheapest. When the first
    # few hold too few hits, as many more are tested as their share of hits says will do,
    # up to a cap; past it, sorting the GIN index's hits costs less ("+ 0": a sort, not a
    # walk down the sort key testing every row).
    # Each walk also gives the oldest row of its range (``edge``): the next one goes on
    # below it. (Not by OFFSET: an article published between the two statements would
    # shift the rows, and one would be tested, and returned, twice.) The walk stops at the
    # ``limit``-th hit, and the edge is used only when it found fewer, having tested every
    # row of the range. (An aggregate over the tested rows would make it test them all:
    # 300 rows where 90 would do for a term in a tenth of the articles.)
    def below_edge(columns: str) -> str:
        return (
            f"SELECT {columns} FROM search_docs WHERE sort_key < :edge{after}"
            " ORDER BY sort_key DESC LIMIT :rows"
        )

    walk = (
        f"SELECT article_id, sort_key, (SELECT min(sort_key) FROM ({below_edge('sort_key')})"
        f" span) AS edge FROM ({below_edge('article_id, sort_key, tsv')}) newest"
        " WHERE tsv @@ to_tsquery('simple', :q)"
        + _filters(filters, "article_id", params)
        + " ORDER BY sort_key DESC LIMIT :limit"
    )
    probed = conn.execute(text(walk), {**params, "rows": _PROBE_ROWS, "edge": _NO_EDGE}).all()
    rows = [(a, k) for a, k, _ in probed]
    found = len(rows)
    more = math.ceil((limit - found) * _PROBE_ROWS / found * 1.5) if found else 0
    if 0 < found < limit and more <= _WALK_MORE_ROWS:
        step = {**params, "rows": more, "edge": probed[0].edge, "limit": limit - found}
        rows += [(a, k) for a, k, _ in conn.execute(text(walk), step)]
    elif 0 < found < limit:
        # Too sparse to walk on, yet dense enough that the page's hits lie among the newest
        # few thousand rows: only the GIN index's hits among those are sorted. Sorting all
        # of them cost about as much as finding them (ＬＮＧ, 7,190 hits at 100,000
        # articles: 6.8 -> 5.6 ms for the newest page's SQL).
        floor = _pg_span_floor(conn, after, params, math.ceil(limit * _PROBE_ROWS / found))
        if floor is not None:
            rows = _pg_gin_newest(conn, loose, filters, after, params, floor=floor)
    if len(rows) < limit:
        rows = _pg_gin_newest(conn, loose, filters, after, params)
    return [Hit(a, k, None) for a, k in rows]


def _newest_keys(after: str) -> str:
    """The sort keys below ``after``'s bound, newest first (down the btree index)."""
    return f"SELECT sort_key FROM search_docs WHERE true{after} ORDER BY sort_key DESC"


def _pg_spans_first(
    conn: Connection, loose: str | None, filters: Filters, after: str, params: dict[str, Any]
) -> list[tuple[int, int]] | None:
    """PostgreSQL, newest first: the page from the GIN index's hits (within ``filters``)
    among the newest ``_FIRST_SPAN_ROWS`` rows (below ``after``'s bound), or, when those
    hold some hits but too few, among as many rows as their share says will hold it, times
    ``_SPAN_MARGIN`` (up to ``_SPAN_MAX_ROWS``). None when no span held a page: the caller
    sorts all hits.

    The GIN index holds the sort key (migration 0006), so a span costs about as much as its
    hits, where testing the newest rows in turn reads each one's tsvector (0.8 against 2.2
    ms for 中国, in a tenth of 100,000 articles). Within filters, the span's hits are
    matched with the filter's articles in one hash join (中国 within 防災, 1 % of the
    articles: 1.9 ms for a span of 6,000 rows, 6.5 ms to sort all hits). Not for a
    one-character prefix query (the caller walks): its terms expand to thousands of
    lexemes, and the GIN index reads them all whatever the span (の: 24 ms for the newest
    1,000 rows)."""
    limit: int = params["limit"]
    rows, top, floor = _pg_first_span(conn, loose, filters, after, params)
    if len(rows) >= limit or (rows and floor is None):
        return rows  # (a span with no floor took in every row: these are all the hits)
    if top is None or floor is None:
        return None  # no hit in the span
    if limit * _FIRST_SPAN_ROWS / len(rows) * _SPAN_MARGIN > _SPAN_MAX_ROWS:
        return None
    # The wider span is reckoned in sort keys (publication seconds), as if articles came at
    # an even pace: counting its rows down the sort-key index would cost 0.1 ms a thousand.
    # A span that misses only costs its own query.
    reach = (top - floor) * limit / len(rows) * _SPAN_MARGIN
    rows = _pg_gin_newest(conn, loose, filters, after, params, floor=top - int(reach))
    return rows if len(rows) >= limit else None


def _pg_first_span(
    conn: Connection, loose: str | None, filters: Filters, after: str, params: dict[str, Any]
) -> tuple[list[tuple[int, int]], int | None, int | None]:
    """PostgreSQL: the newest ``params["limit"]`` GIN hits (within ``filters``) among the
    newest ``_FIRST_SPAN_ROWS`` rows below ``after``'s bound, with the span's top and floor
    sort keys (None when there are no hits; a floor of None: the span took in every row).
    One statement, where the span's bounds and then its hits took two round trips."""
    newest = _newest_keys(after)
    bounds = (
        f"WITH span AS MATERIALIZED (SELECT ({newest} LIMIT 1) AS top,"
        f" ({newest} OFFSET :span LIMIT 1) AS span_floor)"
    )
    # Below every sort key where there is no floor; "+ 0" as in _pg_gin_newest.
    where = f"{after} AND sort_key + 0 >= (SELECT coalesce(span_floor, -{_NO_EDGE}) FROM span)"
    span_params = {**params, "span": _FIRST_SPAN_ROWS}
    hits = _pg_hits(
        span_params, filters, loose=loose, where=where, order=" ORDER BY sort_key + 0 DESC"
    )
    sql = (
        f"{bounds} SELECT article_id, sort_key, (SELECT top FROM span) AS top,"
        f" (SELECT span_floor FROM span) AS floor FROM {hits} LIMIT :limit"
    )
    found = conn.execute(text(sql), span_params).all()
    if not found:
        return [], None, None
    return [(a, k) for a, k, _, _ in found], found[0].top, found[0].floor


def _pg_span_floor(conn: Connection, after: str, params: dict[str, Any], rows: int) -> int | None:
    """PostgreSQL: the sort key ``_SPAN_MARGIN`` times ``rows`` rows below ``after``'s bound,
    where a page expected within the newest ``rows`` rows is looked for. None when that
    span takes in every row, or is too long to be worth it."""
    span = math.ceil(rows * _SPAN_MARGIN)
    if span > _SPAN_MAX_ROWS:
        return None
    floor: int | None = conn.execute(
        text(f"{_newest_keys(after)} OFFSET :span LIMIT 1"), {**params, "span": span}
    ).scalar_one_or_none()
    return floor


def _pg_gin_newest(
    conn: Connection,
    loose: str | None,
    filters: Filters,
    after: str,
    params: dict[str, Any],
    *,
    floor: int | None = None,
) -> list[tuple[int, int]]:
    """PostgreSQL: the newest ``params["limit"]`` hits found by the GIN index, sorted ("+ 0":
    a sort, not a walk down the sort key testing every row). With ``floor``, only those from
    that sort key on: the page is whole only if it holds ``limit`` hits."""
    where = after
    if floor is not None:
        # "+ 0" here too: the GIN index holds ``sort_key + 0`` beside the lexemes (migration
        # 0006), so it gives only the hits from the floor on; the btree index on the sort key
        # cannot answer this form, so the planner cannot pick a range scan of it that would
        # test each row of the range by reading its tsvector.
        where += " AND sort_key + 0 >= :span_floor"
        params = {**params, "span_floor": floor}
    hits = _pg_hits(params, filters, loose=loose, where=where, order=" ORDER BY sort_key + 0 DESC")
    sql = f"SELECT article_id, sort_key FROM {hits} LIMIT :limit"
    return [(a, k) for a, k in conn.execute(text(sql), params)]


def newest(
    session: Session,
    *,
    fts: str,
    tsquery: str,
    filters: Filters,
    before: int | None,
    limit: int,
    loose: str | None = None,
) -> list[Hit]:
    conn = _conn(session)
    params: dict[str, Any] = {"limit": limit, "before": before}
    after = "" if before is None else " AND {col} < :before"
    if _is_pg(conn):
        return _pg_newest(conn, tsquery, loose, filters, after.format(col="sort_key"), params)
    params["q"] = fts
    hits = "SELECT rowid FROM search_fts WHERE search_fts MATCH :q" + after.format(col="rowid")
    walked = _filtered_walk(conn, hits, filters, params)
    if walked is not None:
        return _with_ids(conn, [(k, None) for k in walked])
    sql = hits + _filters(filters, "rowid", params) + " ORDER BY rowid DESC LIMIT :limit"
    return _with_ids(conn, [(k, None) for (k,) in conn.execute(text(sql), params)])


_FILTER_WALK_ROWS = 2000


def _filtered_walk(
    conn: Connection, hits: str, filters: Filters, params: dict[str, Any]
) -> list[int] | None:
    """SQLite, newest first within ``filters``: the newest page among the newest
    ``_FILTER_WALK_ROWS`` of ``hits``, each checked against the filters in turn. None when
    there are no filters, or when those rows hold less than a page and there are more hits:
    then the filters' articles are listed for the hits to be looked up in. (Listing a keyword
    in a tenth of 100,000 articles took 6 ms; a page found by checking hits, under 1 ms.)"""
    if not filters.any:
        return None
    walk = {**params, "walk": _FILTER_WALK_ROWS}
    newest = f"{hits} ORDER BY rowid DESC LIMIT :walk"
    # No ORDER BY above the walk: the subquery, run as a co-routine, yields its rows in its
    # order, and sorting them again would check every one of them before the LIMIT.
    sql = (
        f"SELECT rowid FROM ({newest}) hits WHERE true"
        + _filters(filters, "hits.rowid", walk, each=True)
        + " LIMIT :limit"
    )
    keys = [k for (k,) in conn.execute(text(sql), walk)]
    if len(keys) == params["limit"]:
        return keys
    count = f"SELECT count(*) FROM ({newest})"
    whole: bool = conn.execute(text(count), walk).scalar_one() < _FILTER_WALK_ROWS
    return keys if whole else None


def _ts_rank(vector: str, query: str) -> str:
    return f"ts_rank_cd('{TS_WEIGHTS}', {vector}, to_tsquery('simple', :{query}), 33)::float8"


def _pg_scored(
    rows: str, word_tsqueries: Sequence[str], params: dict[str, Any], *, ranked: bool = False
) -> str:
    """PostgreSQL: ``rows`` (a FROM item of hits, with their vectors, or with their rank ``r``
    and word vector if ``ranked``) with their scores."""
    # ts_rank_cd with normalisation 1|32 lies in [0, 1): each term that matches as a word
    # adds a whole tier, so word matches rank above boundary-crossing ones. A word rank is
    # above 0 exactly when the word phrase matches, so one call gives both.
    ranks = "r" if ranked else _ts_rank("tsv", "q") + " AS r"
    score = "r"
    words = "wsv"
    if len(word_tsqueries) > 1:
        # (One word query reads ``wsv`` once anyway.)
        rows, words = f"({_read(rows, 'wsv')}) read_rows", "wsv_read"
    for i, wq in enumerate(word_tsqueries):
        params[f"wq{i}"] = wq
        ranks += f", {_ts_rank(words, f'wq{i}')} AS w{i}"
        score += f" + CASE WHEN w{i} > 0 THEN 1 + w{i} ELSE 0 END"
    return (
        f"SELECT article_id, sort_key, {score} AS score"
        f" FROM (SELECT article_id, sort_key, {ranks} FROM {rows} OFFSET 0) r"
    )


def first_ranked(
    session: Session,
    *,
    fts: str,
    tsquery: str,
    word_tsqueries: Sequence[str],
    filters: Filters,
    window: int,
    limit: int,
    loose: str | None = None,
    negated: bool = False,
    unranked_within: int = 0,
) -> tuple[int | None, list[Hit] | None]:
    """The window's floor (see ``window_floor``) and the first ``limit`` hits by score:
    ``ranked`` from that floor on. ``negated``: the query excludes terms. With
    ``unranked_within``, when the window is full and its floor is among the newest
    ``unranked_within`` articles that pass the filters, nothing is ranked: the hits are
    None.

    PostgreSQL finds the window's hits once, where the floor query and then the ranked one
    would each read every hit the GIN index gives (for a term in most articles, 80,000
    rows visited and sorted twice)."""
    conn = _conn(session)
    # A filtered query whose hits may go unranked takes the floor first, as on SQLite: the
    # glance at the newest rows (``_pg_common``) counts hits among all of them, not among
    # those that pass the filters, so it cannot tell a particle there.
    if window <= 0 or not _is_pg(conn) or (unranked_within and filters.any):
        floor = window_floor(
            session, fts=fts, tsquery=tsquery, filters=filters, window=window, loose=loose
        )
        if _unranked(session, floor, filters, unranked_within):
            return floor, None
        hits = ranked(
            session,
            fts=fts,
            tsquery=tsquery,
            word_tsqueries=word_tsqueries,
            filters=filters,
            floor=floor,
            after=None,
            limit=limit,
            loose=loose,
            negated=negated,
        )
        return floor, hits
    _gin_first(conn)
    params: dict[str, Any] = {"q": tsquery, "window": window, "limit": limit}
    common = _pg_common(conn, filters, params)
    if common and unranked_within:
        # Most likely not ranked: the floor first, and the ranking only if need be.
        floor = _pg_walk_floor(conn, filters, window, params)
        if _unranked(session, floor, filters, unranked_within):
            return floor, None
        # Too few hits among the newest rows: the GIN index finds the window.
        common = floor is not None
    if common:
        # A term common lately may have fewer hits among the newest rows than the window:
        # the GIN index finds them then.
        params["rows"] = 2 * window
        walked = f"({_pg_walk(filters, params, rank=True, negated=negated)} LIMIT :window) w"
        count, floor, hits = _pg_first_ranked(conn, walked, word_tsqueries, params, True)
        if count == window:
            return floor, hits
    order = " ORDER BY sort_key + 0 DESC"
    gin = _pg_hits(params, filters, loose=loose, order=order, rank=True, negated=negated)
    found = f"(SELECT * FROM {gin} LIMIT :window) w"
    tested = loose is not None  # else the GIN index's match is exact: nothing read yet
    count, floor, hits = _pg_first_ranked(conn, found, word_tsqueries, params, tested)
    # As window_floor: no floor when all the hits fit in the window.
    floor = floor if count == window else None
    if _unranked(session, floor, filters, unranked_within):
        return floor, None
    return floor, hits


def _unranked(session: Session, floor: int | None, filters: Filters, within: int) -> bool:
    """Whether a full window's ``floor`` is among the newest ``within`` (> 0) articles."""
    return bool(within) and floor is not None and spans_under(session, floor, filters, within)


def _pg_first_ranked(
    conn: Connection,
    window_rows: str,
    word_tsqueries: Sequence[str],
    params: dict[str, Any],
    ranked: bool,
) -> tuple[int, int | None, list[Hit]]:
    """How many rows ``window_rows`` (a window's worth of hits or fewer, ``ranked`` if they
    carry their rank) holds, the oldest one's sort key, and the first page of them by
    score."""
    scored = _pg_scored("w", word_tsqueries, params, ranked=ranked)
    sql = (
        f"WITH w AS MATERIALIZED (SELECT * FROM {window_rows})"
        # Scalar subqueries run once; a joined aggregate was run again for every row.
        f" SELECT s.*, (SELECT count(*) FROM w) AS n, (SELECT min(sort_key) FROM w) AS floor"
        f" FROM ({scored}) s ORDER BY score DESC, sort_key DESC LIMIT :limit"
    )
    rows = conn.execute(text(sql), params).all()
    if not rows:
        return 0, None, []
    return rows[0].n, rows[0].floor, [Hit(a, k, s) for a, k, s, _, _ in rows]


def ranked(
    session: Session,
    *,
    fts: str,
    tsquery: str,
    word_tsqueries: Sequence[str],
    filters: Filters,
    floor: int | None,
    after: tuple[float, int] | None,
    limit: int,
    loose: str | None = None,
    negated: bool = False,
) -> list[Hit]:
    """Hits from sort key ``floor`` on, by score (higher first), then newest first; ``after``
    is the last (score, key). ``negated``: the query excludes terms."""
    conn = _conn(session)
    params: dict[str, Any] = {"limit": limit, "floor": floor}
    window = "" if floor is None else " AND {col} >= :floor"
    keyset = " WHERE score < {s} OR (score = {s} AND sort_key < :k)"
    if after is not None:
        params["s"], params["k"] = after
    if _is_pg(conn):
        _gin_first(conn)
        params["q"] = tsquery
        # "+ 0": the window is applied to the GIN index's hits, not found by a sort-key
        # range scan that tests each row's tsvector (see _gin_first).
        where = window.format(col="sort_key + 0")
        hits = _pg_hits(params, filters, loose=loose, where=where, rank=True, negated=negated)
        inner = _pg_scored(hits, word_tsqueries, params, ranked=loose is not None)
        after_sql = "" if after is None else keyset.format(s=":s")
        sql = f"SELECT * FROM ({inner}) s{after_sql} ORDER BY score DESC, sort_key DESC"
        sql += " LIMIT :limit"
        return [Hit(a, k, s) for a, k, s in conn.execute(text(sql), params)]
    params["q"] = fts
    weights = ", ".join(str(w) for w in BM25_WEIGHTS)
    score = f"-bm25(search_fts, {weights})"
    inner = (
        f"SELECT rowid AS sort_key, {score} AS score FROM search_fts"
        " WHERE search_fts MATCH :q"
        + window.format(col="rowid")
        + _filters(filters, "rowid", params)
    )
    after_sql = ""
    if after is not None:
        # BM25's IDF moves with every write to the index (the article count, the term's),
        # and every score with it: the cursor's score no longer falls where it did, and a
        # page after a write repeated or skipped hits (all of a tie at once). So the page
        # goes on after the last hit seen as scored now, read from this statement's own
        # hits (scoring it apart counted the term's articles again: 34 ms for 住民); the
        # cursor's score stands in only when that article is no longer a hit.
        # (ts_rank_cd has no IDF: no such drift on PostgreSQL.)
        anchor = "(SELECT coalesce((SELECT score FROM hits WHERE sort_key = :k), :s))"
        after_sql = keyset.format(s=anchor)
    sql = (
        f"WITH hits AS MATERIALIZED ({inner}) SELECT sort_key, score FROM hits{after_sql}"
        " ORDER BY score DESC, sort_key DESC LIMIT :limit"
    )
    return _with_ids(conn, [(k, s) for k, s in conn.execute(text(sql), params)])
