"""HTTP routes of the cross-article lists: /v1/questions, /citations, /publishers, /keywords."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request, Response

from app.articles import across
from app.articles.page_response import IfNoneMatch, page_response
from app.articles.schemas import CitationPage, KeywordPage, PublisherPage, QuestionPage
from app.auth.dependencies import Reader
from app.auth.principal import Principal
from app.core.deps import State
from app.core.moments import Day
from app.core.openapi import problems
from app.core.params import only
from app.core.state import AppState

router = APIRouter(tags=["across articles"])

Limit = Annotated[int, Query(ge=1, le=100, description="Items per page.")]
Cursor = Annotated[str | None, Query(description="`next_cursor` of the previous page.")]
ERRORS = problems(400, 401)


def _example(item: dict[str, Any]) -> dict[int | str, dict[str, Any]]:
    return {
        200: {
            "content": {
                "application/json": {"example": {"items": [item], "next_cursor": "eyJr..."}}
            }
        },
        **ERRORS,
    }


async def _respond(
    request: Request,
    state: AppState,
    principal: Principal,
    page: across.Page,
    if_none_match: str | None,
) -> Response:
    # Items drawn from many articles, and counts over them: the page's Last-Modified is the
    # store's last write, which no change to any of them can come after.
    return page_response(
        request,
        principal,
        body=page.body,
        etag=page.etag,
        next_cursor=page.next_cursor,
        if_none_match=if_none_match,
        last_change=await state.articles.last_change(),
    )


@router.get(
    "/questions",
    response_model=QuestionPage,
    responses=_example(
        {
            "question": "なぜ上下分離を選んだのか?",
            "answer": "赤字の圧縮と路線の存続のため。",
            "heading": "上下分離方式への移行決定",
            "position": 1,
            "article": {"slug": "shirakaba-kougen-tetsudou", "title": "高原鉄道は生き残れるか?"},
        }
    ),
    dependencies=[Depends(only("keyword", "q", "limit", "cursor"))],
)
async def list_questions(
    request: Request,
    state: State,
    principal: Reader,
    keyword: Annotated[str | None, Query(description="Only articles with this keyword.")] = None,
    q: Annotated[
        str | None,
        Query(
            min_length=1,
            max_length=200,
            description=(
                "Search the headings, questions and answers (the syntax of `/search`: every "
                "term must match in one Q&A heading)."
            ),
        ),
    ] = None,
    limit: Limit = 20,
    cursor: Cursor = None,
    if_none_match: IfNoneMatch = None,
) -> Response:
    """Every Q&A heading across published articles, newest articles first."""
    page = await across.cached(
        state.articles,
        state.pages,
        f"questions|{keyword}|{q}|{limit}|{cursor}",
        lambda: (
            across.searched_questions(
                state.db.reads, keyword=keyword, q=q, limit=limit, cursor=cursor
            )
            if q
            else across.questions(state.articles, keyword=keyword, limit=limit, cursor=cursor)
        ),
    )
    return await _respond(request, state, principal, page, if_none_match)


@router.get(
    "/citations",
    response_model=CitationPage,
    responses=_example(
        {
            "publisher": "高原日報",
            "url": "https://www.kogen-nippo.example.jp/news/2025/0412-rail",
            "host": "www.kogen-nippo.example.jp",
            "published_on": "2025-04-12",
            "summary": ["沿線の3町が上下分離方式への移行で合意した。"],
            "comment": ["町が線路を持つという決断ですね。"],
            "position": 1,
            "citation_position": 1,
            "article": {"slug": "shirakaba-kougen-tetsudou", "title": "高原鉄道は生き残れるか?"},
        }
    ),
    dependencies=[Depends(only("host", "publisher", "published_after", "limit", "cursor"))],
)
async def list_citations(
    request: Request,
    state: State,
    principal: Reader,
    host: Annotated[str | None, Query(description="Only citations of this host.")] = None,
    publisher: Annotated[
        str | None, Query(description="Only citations with this publisher label, as written.")
    ] = None,
    published_after: Annotated[
        Day | None, Query(description="Only sources dated (`published_on`) on or after this.")
    ] = None,
    limit: Limit = 20,
    cursor: Cursor = None,
    if_none_match: IfNoneMatch = None,
) -> Response:
    """Every citation across published articles, newest articles first."""
    host = host.lower() if host else None
    page = await across.cached(
        state.articles,
        state.pages,
        f"citations|{principal.profile}|{host}|{publisher}|{published_after}|{limit}|{cursor}",
        lambda: across.citations(
            state.articles,
            principal,
            host=host,
            publisher=publisher,
            published_after=published_after,
            limit=limit,
            cursor=cursor,
        ),
    )
    return await _respond(request, state, principal, page, if_none_match)


@router.get(
    "/publishers",
    response_model=PublisherPage,
    responses=_example(
        {
            "host": "www.kogen-nippo.example.jp",
            "labels": ["高原日報"],
            "citation_count": 12,
            "article_count": 7,
        }
    ),
    dependencies=[Depends(only("limit", "cursor"))],
)
async def list_publishers(
    request: Request,
    state: State,
    principal: Reader,
    limit: Limit = 20,
    cursor: Cursor = None,
    if_none_match: IfNoneMatch = None,
) -> Response:
    """Citation hosts with the labels used for them and their citation and article counts."""
    page = await across.cached(
        state.articles,
        state.pages,
        f"publishers|{limit}|{cursor}",
        lambda: across.publishers(state.articles, limit=limit, cursor=cursor),
    )
    return await _respond(request, state, principal, page, if_none_match)


@router.get(
    "/keywords",
    response_model=KeywordPage,
    responses=_example({"keyword": "地方鉄道", "article_count": 42}),
    dependencies=[Depends(only("limit", "cursor"))],
)
async def list_keywords(
    request: Request,
    state: State,
    principal: Reader,
    limit: Limit = 20,
    cursor: Cursor = None,
    if_none_match: IfNoneMatch = None,
) -> Response:
    """Keywords of published articles with their article counts, in name order."""
    page = await across.cached(
        state.articles,
        state.pages,
        f"keywords|{limit}|{cursor}",
        lambda: across.keywords(state.articles, limit=limit, cursor=cursor),
    )
    return await _respond(request, state, principal, page, if_none_match)
