"""HTTP helpers of the syndication tests: partner keys and articles with full-text markers."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from fastapi.testclient import TestClient

from tests.builders import article

# One distinctive string per full-text field: none may reach a summary-only caller.
MARKERS = {
    "intro": "ZZINTRO-潮風の路地",
    "body": "ZZBODY-朝の競り",
    "comment": "ZZCOMMENT-港の声",
    "reaction": "ZZREACTION-行列",
    "conclusion": "ZZCONCLUSION-町の顔",
}


def with_markers(**overrides: Any) -> dict[str, Any]:
    doc = article(**overrides)
    first = doc["sections"][0]
    first["intro"] = [*first["intro"], MARKERS["intro"]]
    first["body"] = [*first["body"], MARKERS["body"]]
    first["citations"][0]["comment"] = [MARKERS["comment"]]
    first["reaction"] = MARKERS["reaction"]
    doc["conclusion"] = [MARKERS["conclusion"]]
    return doc


def publish_many(client: TestClient, headers: dict[str, str], count: int) -> list[str]:
    """``count`` published articles, one day apart; their slugs newest first."""
    start = datetime(2025, 6, 1, tzinfo=UTC)
    slugs = []
    for n in range(count):
        doc = with_markers(
            slug=f"asaichi-{n}",
            title=f"港町の朝市、第{n + 1}回は?",
            published_at=(start + timedelta(days=n)).isoformat(),
            keywords=["朝市", "偶数" if n % 2 == 0 else "奇数"],
        )
        response = client.post("/v1/articles", json=doc, headers=headers)
        assert response.status_code == 201, response.text
        slugs.append(doc["slug"])
    return slugs[::-1]
