"""Worker processes: replies in request order, failures reported, early stops clean."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import orjson
import pytest

from app.core import workers
from app.search import worker as search_worker
from app.search.index import entry
from app.seed import sample_texts
from app.textformat import parse

_SAMPLES = [parse(text).document for _, text in sample_texts()]


def _docs(n: int) -> list[Any]:
    return [_SAMPLES[i % len(_SAMPLES)] for i in range(n)]


def _requests(n: int, per: int) -> list[bytes]:
    docs = _docs(n * per)
    return [
        search_worker.request(
            (i, 1000 + i, orjson.dumps(docs[i])) for i in range(k * per, (k + 1) * per)
        )
        for k in range(n)
    ]


@pytest.mark.parametrize("processes", [1, 2, 3])
def test_replies_come_in_request_order_and_match_the_inline_entries(processes: int) -> None:
    requests = _requests(7, 3)
    replies = list(workers.ordered("app.search.worker", requests, processes=processes, depth=1))
    got = [e for reply in replies for e in search_worker.entries(reply)]
    docs = _docs(21)
    assert got == [entry(d, article_id=i, key=1000 + i) for i, d in enumerate(docs)]


def test_a_worker_that_fails_is_an_error_not_a_hang() -> None:
    with pytest.raises(RuntimeError, match="stopped"):
        list(workers.ordered("app.no_such_worker_module", [b"[]"], processes=2))


def _children() -> set[str]:
    """This process's child processes, zombies included (Linux)."""
    return {
        pid
        for task in Path("/proc/self/task").iterdir()
        for pid in (task / "children").read_text().split()
    }


@pytest.mark.skipif(not Path("/proc/self/task").exists(), reason="needs Linux /proc")
def test_a_caller_that_stops_early_leaves_no_worker_behind() -> None:
    before = _children()
    replies = workers.ordered("app.search.worker", _requests(6, 2), processes=2)
    assert next(replies)
    assert len(_children() - before) == 2
    replies.close()  # the generator's cleanup kills and reaps the workers
    assert _children() - before == set()


def test_no_requests_no_replies() -> None:
    assert list(workers.ordered("app.search.worker", [], processes=2)) == []
