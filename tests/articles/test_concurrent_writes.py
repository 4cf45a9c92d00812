"""Writers that overlap: the second one waits for the first to commit and then sees what it
wrote, on PostgreSQL as on SQLite (where ``BEGIN IMMEDIATE`` already made them take turns).

Each test holds a first write open inside its transaction, after its rows are written and
before it commits, starts a second write, lets the first one commit, and checks both
answers and what is stored."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from typing import Any

import orjson
import pytest
from fastapi.testclient import TestClient
from httpx2 import Response

from app.articles import repository
from tests.builders import Keys, article, create

MERGE = {"Content-Type": "application/merge-patch+json"}


class Held:
    """Once ``armed``, the first write to record its changes waits there (inside its
    transaction) until ``release``; other writes pass."""

    def __init__(self) -> None:
        self.entered = threading.Event()
        self.released = threading.Event()
        self._first = False
        self._lock = threading.Lock()

    def arm(self) -> None:
        self._first = True

    def release(self) -> None:
        self.released.set()

    def wrap(self, real: Callable[..., Any]) -> Callable[..., Any]:
        def record_changes(*args: Any, **kwargs: Any) -> Any:
            with self._lock:
                first, self._first = self._first, False
            if first:
                self.entered.set()
                assert self.released.wait(10), "the test never released the first write"
            return real(*args, **kwargs)

        return record_changes


@pytest.fixture
def held(monkeypatch: pytest.MonkeyPatch) -> Iterator[Held]:
    hold = Held()
    monkeypatch.setattr(repository, "record_changes", hold.wrap(repository.record_changes))
    yield hold
    hold.release()


def _overlap(
    held: Held, first: Callable[[], Response], second: Callable[[], Response]
) -> tuple[Response, Response]:
    """``first`` held open inside its transaction while ``second`` starts, then released."""
    answers: dict[str, Response] = {}
    held.arm()

    def run(name: str, call: Callable[[], Response]) -> None:
        answers[name] = call()

    one = threading.Thread(target=run, args=("first", first))
    one.start()
    assert held.entered.wait(10), "the first write never reached its changes"
    two = threading.Thread(target=run, args=("second", second))
    two.start()
    # Time for the second write to reach the point where it waits for the first.
    time.sleep(0.3)
    held.release()
    one.join(20)
    two.join(20)
    return answers["first"], answers["second"]


def test_a_second_put_with_the_same_if_match_is_refused(
    client: TestClient, keys: Keys, held: Held
) -> None:
    created = create(client, keys.write, slug="kyouyuu")
    etag = client.get("/v1/articles/kyouyuu").headers["etag"]
    assert created["version"] == 1

    def put(subtitle: str) -> Callable[[], Response]:
        doc = article(slug="kyouyuu", subtitle=subtitle)
        headers = {**keys.write, "If-Match": etag}
        return lambda: client.put("/v1/articles/kyouyuu", json=doc, headers=headers)

    first, second = _overlap(held, put("一人目の改稿"), put("二人目の改稿"))
    assert first.status_code == 200, first.text
    assert second.status_code == 412, second.text
    stored = client.get("/v1/articles/kyouyuu").json()
    assert (stored["version"], stored["subtitle"]) == (2, "一人目の改稿")


def test_concurrent_patches_of_different_fields_are_all_kept(
    client: TestClient, keys: Keys, held: Held
) -> None:
    create(client, keys.write, slug="bunkatsu")

    def patch(change: dict[str, Any]) -> Callable[[], Response]:
        body = orjson.dumps(change)
        headers = {**keys.write, **MERGE}
        return lambda: client.patch("/v1/articles/bunkatsu", content=body, headers=headers)

    first, second = _overlap(
        held, patch({"subtitle": "副題だけ直す"}), patch({"keywords": ["改訂", "朝市"]})
    )
    assert (first.status_code, second.status_code) == (200, 200), (first.text, second.text)
    assert second.json()["version"] == 3
    assert second.headers["etag"] == client.get("/v1/articles/bunkatsu").headers["etag"]
    stored = client.get("/v1/articles/bunkatsu").json()
    assert stored["subtitle"] == "副題だけ直す"
    assert stored["keywords"] == ["改訂", "朝市"]


def test_a_delete_with_a_stale_if_match_does_not_delete_a_newer_version(
    client: TestClient, keys: Keys, held: Held
) -> None:
    create(client, keys.write, slug="kieru")
    etag = client.get("/v1/articles/kieru").headers["etag"]
    doc = article(slug="kieru", subtitle="先に直した")
    first, second = _overlap(
        held,
        lambda: client.put("/v1/articles/kieru", json=doc, headers=keys.write),
        lambda: client.delete("/v1/articles/kieru", headers={**keys.write, "If-Match": etag}),
    )
    assert first.status_code == 200, first.text
    assert second.status_code == 412, second.text
    assert client.get("/v1/articles/kieru").json()["subtitle"] == "先に直した"


@pytest.mark.parametrize("atomic", ["true", "false"])
@pytest.mark.parametrize(
    ("on_conflict", "second_status"), [("update", "updated"), ("skip", "skipped")]
)
def test_concurrent_imports_of_one_new_slug_create_it_once(
    client: TestClient, keys: Keys, held: Held, atomic: str, on_conflict: str, second_status: str
) -> None:
    def imported(subtitle: str) -> Callable[[], Response]:
        body = orjson.dumps([article(slug="shinki", subtitle=subtitle)])
        params = {"atomic": atomic, "on_conflict": on_conflict}
        headers = {**keys.write, "Content-Type": "application/json"}
        return lambda: client.post("/v1/imports", content=body, params=params, headers=headers)

    first, second = _overlap(held, imported("一つ目"), imported("二つ目"))
    assert first.status_code == 200, first.text
    assert second.status_code == 200, second.text
    assert [r["status"] for r in first.json()["results"]] == ["created"]
    assert [r["status"] for r in second.json()["results"]] == [second_status]
    expected = "二つ目" if on_conflict == "update" else "一つ目"
    assert client.get("/v1/articles/shinki").json()["subtitle"] == expected


def test_an_import_failing_on_a_slug_created_meanwhile_says_so(
    client: TestClient, keys: Keys, held: Held
) -> None:
    body = orjson.dumps([article(slug="sakidori", subtitle="取り込み")])
    first, second = _overlap(
        held,
        lambda: client.post("/v1/articles", json=article(slug="sakidori"), headers=keys.write),
        lambda: client.post(
            "/v1/imports",
            content=body,
            params={"on_conflict": "fail"},
            headers={**keys.write, "Content-Type": "application/json"},
        ),
    )
    assert first.status_code == 201, first.text
    assert second.status_code == 422, second.text
    assert second.headers["content-type"] == "application/problem+json"


def test_an_import_and_puts_of_its_articles_both_finish(
    client: TestClient, keys: Keys, held: Held
) -> None:
    """A non-atomic import of a new article and two existing ones, racing PUTs of those two:
    on PostgreSQL each took row locks in its own order, and they deadlocked."""
    create(client, keys.write, slug="aru-x")
    create(client, keys.write, slug="aru-y")
    inputs = [article(slug=s, subtitle="取り込み") for s in ("nai-z", "aru-x", "aru-y")]
    body = orjson.dumps(inputs)
    results: list[Response] = []

    def put_both() -> Response:
        for slug in ("aru-y", "aru-x"):
            doc = article(slug=slug, subtitle="手で直した")
            results.append(client.put(f"/v1/articles/{slug}", json=doc, headers=keys.write))
        return results[-1]

    first, _ = _overlap(
        held,
        lambda: client.post(
            "/v1/imports",
            content=body,
            params={"atomic": "false"},
            headers={**keys.write, "Content-Type": "application/json"},
        ),
        put_both,
    )
    assert first.status_code == 200, first.text
    assert [r["status"] for r in first.json()["results"]] == ["created", "updated", "updated"]
    assert [r.status_code for r in results] == [200, 200], [r.text for r in results]
    for slug in ("aru-x", "aru-y"):
        assert client.get(f"/v1/articles/{slug}").json()["subtitle"] == "手で直した"
