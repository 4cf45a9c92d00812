"""The search index's text cutting, in a worker process (``python -m app.search.worker``):
bulk indexing runs it beside the process that writes the index.

Kept to light imports (no database, web or validation libraries). Each request line is a
JSON array of ``[article_id, sort_key, stored_document]``; each reply line the matching array
of ``[article_id, sort_key, grams, words]``."""

from __future__ import annotations

import sys
from collections.abc import Iterable
from typing import IO, Any

import orjson

from app.search.index import Entry, entry


def request(rows: Iterable[tuple[int, int, bytes]]) -> bytes:
    """One request line; the stored documents go in as they are (JSON already)."""
    return b"[" + b",".join(b"[%d,%d,%s]" % row for row in rows) + b"]"


def entries(reply: bytes) -> list[Entry]:
    return [Entry(i, k, tuple(g), tuple(w)) for i, k, g, w in orjson.loads(reply)]


def answer(line: bytes) -> bytes:
    out: list[Any] = []
    for article_id, key, doc in orjson.loads(line):
        e = entry(doc, article_id=article_id, key=key)
        out.append([e.article_id, e.sort_key, e.grams, e.words])
    return orjson.dumps(out)


def serve(stdin: IO[bytes], stdout: IO[bytes]) -> None:
    for line in stdin:
        stdout.write(answer(line) + b"\n")
        stdout.flush()


if __name__ == "__main__":
    serve(sys.stdin.buffer, sys.stdout.buffer)
