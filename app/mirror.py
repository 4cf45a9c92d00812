"""``kiji mirror URL``: a partner's local copy of a Kiji server, kept in sync by its changes feed.

The copy is a directory: ``articles/<slug>.json`` for each article the key may see (the
summary projection for summary-only keys, else the full document) and ``state.json`` with the
server's URL and the feed cursor. Each page of changes is applied before its cursor is saved,
so an interrupted run resumes where it stopped, and a page applied twice ends the same
(upserts and deletes by slug)."""

from __future__ import annotations

import os
import re
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any

import httpx
import orjson
import typer
from rich.console import Console

from app import __version__

STATE = "state.json"
FEED = "/v1/changes"
# Slugs become file names: only what Kiji itself makes, never a path.
_SLUG = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
out = Console()
err = Console(stderr=True)


class MirrorError(Exception):
    """Why the copy could not be brought up to date (the copy stays consistent)."""


@dataclass
class Outcome:
    pages: int = 0
    changes: int = 0
    written: int = 0
    removed: int = 0


def _write_atomically(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, temp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
        os.replace(temp, path)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise


class Mirror:
    """The local copy in ``root``, bound to the server at ``url``."""

    def __init__(self, root: Path, url: str) -> None:
        self.root = root
        self.url = url.rstrip("/")
        self.articles = root / "articles"

    def cursor(self) -> str | None:
        path = self.root / STATE
        if not path.exists():
            return None
        try:
            state = orjson.loads(path.read_bytes())
        except orjson.JSONDecodeError as exc:
            raise MirrorError(f"{path} is not a mirror's state file: {exc}") from exc
        if not isinstance(state, dict) or state.get("url") != self.url:
            raise MirrorError(
                f"{self.root} mirrors {state.get('url')}, not {self.url}: use another directory"
            )
        cursor: str | None = state.get("cursor")
        return cursor

    def save_cursor(self, cursor: str) -> None:
        state = {"url": self.url, "cursor": cursor}
        _write_atomically(self.root / STATE, orjson.dumps(state, option=orjson.OPT_INDENT_2))

    def _file(self, slug: str) -> Path:
        if not _SLUG.fullmatch(slug):
            raise MirrorError(f"the server sent an unusable slug {slug!r}")
        return self.articles / f"{slug}.json"

    def apply(self, item: dict[str, Any], outcome: Outcome) -> None:
        outcome.changes += 1
        path = self._file(str(item["slug"]))
        if item["type"] == "delete":
            if path.exists():
                path.unlink()
                outcome.removed += 1
        elif "article" in item:
            _write_atomically(path, orjson.dumps(item["article"], option=orjson.OPT_INDENT_2))
            outcome.written += 1
        # A create or update without its article: a later item carries the newer state.


def _problem(response: httpx.Response) -> str:
    try:
        body = response.json()
    except ValueError:
        return f"HTTP {response.status_code}"
    detail = body.get("detail") or body.get("title") if isinstance(body, dict) else None
    return f"HTTP {response.status_code}: {detail}" if detail else f"HTTP {response.status_code}"


def sync(client: httpx.Client, mirror: Mirror, *, limit: int = 100) -> Outcome:
    """Apply every change since the saved cursor, page by page, saving the cursor after each."""
    outcome = Outcome()
    cursor = mirror.cursor()
    while True:
        params: dict[str, str | int] = {"limit": limit}
        if cursor:
            params["cursor"] = cursor
        try:
            response = client.get(mirror.url + FEED, params=params)
        except httpx.HTTPError as exc:
            raise MirrorError(f"cannot reach {mirror.url}: {exc}") from exc
        if response.status_code != 200:
            raise MirrorError(f"{mirror.url}{FEED} answered {_problem(response)}")
        try:
            page = response.json()
        except ValueError as exc:
            raise MirrorError(f"{mirror.url}{FEED} did not answer JSON") from exc
        for item in page["items"]:
            mirror.apply(item, outcome)
        cursor = page["next_cursor"]
        mirror.save_cursor(page["next_cursor"])
        outcome.pages += 1
        # The feed links onwards while more changes wait; without a link the copy is current.
        if "next" not in response.links:
            return outcome


def mirror_command(
    url: Annotated[str, typer.Argument(help="Base URL of the Kiji server (http://host:8000).")],
    key: Annotated[
        str,
        typer.Option(
            envvar="KIJI_MIRROR_KEY",
            help="API key with the `syndicate` scope (or set KIJI_MIRROR_KEY).",
        ),
    ],
    directory: Annotated[
        Path, typer.Option("--dir", help="Directory of the local copy (made if missing).")
    ] = Path("kiji-mirror"),
    limit: Annotated[int, typer.Option(min=1, max=500, help="Changes asked per request.")] = 100,
) -> None:
    """Bring a local copy of a Kiji server's articles up to date through its changes feed.

    Run it again (from cron, say) to fetch only what changed since: the cursor is kept in
    DIR/state.json."""
    mirror = Mirror(directory, url)
    headers = {"Authorization": f"Bearer {key}", "User-Agent": f"kiji-mirror/{__version__}"}
    try:
        with httpx.Client(headers=headers, timeout=30.0) as client:
            outcome = sync(client, mirror, limit=limit)
    except MirrorError as exc:
        err.print(f"[red]{exc}[/red]")
        raise typer.Exit(1) from None
    count = sum(1 for _ in mirror.articles.glob("*.json")) if mirror.articles.exists() else 0
    out.print(
        f"{outcome.changes} changes applied ({outcome.written} written, {outcome.removed} "
        f"removed); {count} articles in {mirror.articles}"
    )
