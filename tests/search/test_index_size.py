"""An article whose text PostgreSQL's tsvector cannot hold whole is refused on both databases
(so that both always return the same hits)."""

from __future__ import annotations

import random

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import text

from app.core.config import Settings
from app.core.db import make_engine
from app.search import segment, words
from app.search.index import LEXEME_POSITIONS_MAX, POSITIONS_MAX, VECTOR_BYTES, _vector_bytes
from tests.builders import Keys, article


def _kanji(n: int, seed: int) -> str:
    rng = random.Random(seed)
    return "".join(chr(rng.randint(0x4E00, 0x9FFF)) for _ in range(n))


@pytest.mark.parametrize("status", ["published", "draft"])
@pytest.mark.parametrize(
    ("body", "reason"),
    [
        # 120,000 random kanji: more positions than a tsvector has, and over 1 MB.
        ([_kanji(2000, seed) for seed in range(60)], "too long to index"),
        ([_kanji(2000, seed) for seed in range(9)], "too long to index"),  # 18,000 tokens
        (["の" * 300], "repeats 'のの' 299 times"),
    ],
)
def test_text_search_cannot_hold_whole_is_a_422_and_stores_nothing(
    client: TestClient, keys: Keys, status: str, body: list[str], reason: str
) -> None:
    doc = article(status=status)
    doc["sections"][0]["body"] = body
    response = client.post("/v1/articles", json=doc, headers=keys.write)
    assert response.status_code == 422, response.text
    [error] = response.json()["errors"]
    assert error["pointer"] == ""
    assert reason in error["message"]
    assert client.get("/v1/articles", headers=keys.drafts).json()["items"] == []


def test_a_long_article_within_the_limits_is_found_to_its_last_phrase(
    client: TestClient, keys: Keys
) -> None:
    doc = article(slug="nagai-kiji")
    body = [_kanji(2000, seed) for seed in range(7)]  # about 14,000 tokens
    body.append("の" * 200 + "最後の一文まで探せる。")
    doc["sections"][0]["body"] = body
    assert client.post("/v1/articles", json=doc, headers=keys.write).status_code == 201
    for q in (body[6][-6:], "最後の一文", "探せる"):
        found = client.get("/v1/search", params={"q": q, "in": "body"}).json()
        assert [i["slug"] for i in found["items"]] == ["nagai-kiji"], q


@pytest.mark.postgres_only
def test_the_size_reckoned_is_postgresqls(settings: Settings) -> None:
    rng = random.Random(7)
    pieces = [
        _kanji(3000, 1),
        "の" * 600 + "東京都と京都府",  # one token past 256 positions
        " ".join(f"word{rng.randint(0, 999)}" for _ in range(500)),
        "ＬＮＧ価格とcovid-19対策",
    ]
    engine = make_engine(settings.database_url, pool_size=1)
    with engine.connect() as conn:
        for made in (segment.index_text(pieces), words.index_text(pieces)):
            vector = "to_tsvector('simple', :t)"
            size, lexemes = conn.execute(
                text(f"SELECT pg_column_size({vector}), length({vector})"), {"t": made}
            ).one()
            # The header (8 bytes) and one 4-byte entry per lexeme come before the data.
            assert size - 8 - 4 * lexemes == _vector_bytes([made])
    engine.dispose()
    assert (VECTOR_BYTES, POSITIONS_MAX, LEXEME_POSITIONS_MAX) == (2**20 - 1, 2**14 - 1, 255)


def test_many_short_paragraphs_are_not_a_repeated_sequence(client: TestClient, keys: Keys) -> None:
    # 300 paragraphs: の 300 times (so the text is cut and counted), and 300 separators
    # between them, which no query looks for.
    doc = article(slug="mijikai-dan")
    paragraphs = ["の" + chr(0x4E00 + i) for i in range(300)]
    doc["sections"][0]["body"] = paragraphs[:150]
    doc["sections"][1]["body"] = paragraphs[150:]
    response = client.post("/v1/articles", json=doc, headers=keys.write)
    assert response.status_code == 201, response.text
    found = client.get("/v1/search", params={"q": paragraphs[299], "in": "body"}).json()
    assert [i["slug"] for i in found["items"]] == ["mijikai-dan"]
