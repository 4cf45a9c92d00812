"""What one app instance holds, reachable from a request."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, cast

from starlette.requests import HTTPConnection

from app.articles.pagecache import PageCache
from app.articles.reader import ArticleReader
from app.core.config import Settings
from app.core.database import Database


@dataclass
class AppState:
    settings: Settings
    db: Database
    articles: ArticleReader
    pages: PageCache[Any] = field(default_factory=PageCache)

    @property
    def base_url(self) -> str:
        return self.settings.public_base_url


def app_state(request: HTTPConnection) -> AppState:
    return cast(AppState, request.app.state.kiji)
