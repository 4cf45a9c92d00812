"""The v1 router: one include line per domain."""

from fastapi import APIRouter

from app.articles.across_router import router as across
from app.articles.router import router as articles
from app.auth.router import router as keys
from app.core.openapi import problems
from app.search.router import router as search
from app.syndication.changes_router import router as changes
from app.syndication.router import router as feeds
from app.textformat.router import router as imports

# Every v1 operation reads or writes the database, which may fail under it (see handlers).
v1 = APIRouter(prefix="/v1", responses=problems(503))
v1.include_router(articles)
v1.include_router(across)
v1.include_router(search)
v1.include_router(keys)
v1.include_router(imports)
v1.include_router(changes)
v1.include_router(feeds)
