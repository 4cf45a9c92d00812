"""A search reads its hits and their documents from one snapshot: an article that becomes a
draft between the two reads is shown as it was when found (published), never as the draft.
On PostgreSQL's default READ COMMITTED the second read saw the draft, and anyone could read
its title and text in the results."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from fastapi.testclient import TestClient

from app.articles import service as articles
from tests.builders import Keys, article, create

DRAFT_TITLE = "まだ出せない改稿の題は何か?"


def _unpublish_before_first_read(
    client: TestClient, keys: Keys, slug: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    real: Callable[..., Any] = articles.documents
    done: list[bool] = []

    def documents(*args: Any, **kwargs: Any) -> Any:
        if not done:
            done.append(True)
            draft = article(slug=slug, title=DRAFT_TITLE, status="draft")
            put = client.put(f"/v1/articles/{slug}", json=draft, headers=keys.write)
            assert put.status_code == 200, put.text
        return real(*args, **kwargs)

    monkeypatch.setattr(articles, "documents", documents)


@pytest.mark.parametrize("path", ["/v1/search", "/v1/questions"])
def test_an_article_unpublished_mid_search_is_not_shown_as_its_draft(
    client: TestClient, keys: Keys, monkeypatch: pytest.MonkeyPatch, path: str
) -> None:
    create(client, keys.write, slug="kawaru")
    _unpublish_before_first_read(client, keys, "kawaru", monkeypatch)
    response = client.get(path, params={"q": "朝市"})
    assert response.status_code == 200, response.text
    assert DRAFT_TITLE not in response.text
    assert response.json()["items"], "found as published, when the search began"
    # Afterwards it is a draft, and is not found at all.
    again = client.get(path, params={"q": "朝市"})
    assert again.json()["items"] == []
