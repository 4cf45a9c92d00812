"""API keys: issued once, stored hashed, scoped, revocable."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy import select

from app.auth.models import ApiKey
from app.core.config import Settings
from app.core.db import make_engine, make_sessionmaker, unit_of_work
from tests.builders import Keys, article


def test_admin_creates_lists_and_revokes_keys(
    client: TestClient, keys: Keys, settings: Settings
) -> None:
    created = client.post(
        "/v1/keys", json={"name": "パートナーA", "scopes": ["read", "write"]}, headers=keys.admin
    )
    assert created.status_code == 201
    body = created.json()
    assert body["key"].startswith("kiji_")
    assert body["scopes"] == ["read", "write"]
    assert body["profile"] == "full"
    assert created.headers["cache-control"] == "private, no-store"
    listed = client.get("/v1/keys", headers=keys.admin).json()["items"]
    assert body["id"] in [k["id"] for k in listed]
    assert all("key" not in k for k in listed)
    assert body["key"] not in client.get("/v1/keys", headers=keys.admin).text

    engine = make_engine(settings.database_url, pool_size=1)
    with unit_of_work(make_sessionmaker(engine, write=False)) as session:
        stored = session.scalars(select(ApiKey).where(ApiKey.id == body["id"])).one()
        assert body["key"] not in (stored.secret_hash, stored.prefix)
        assert len(stored.secret_hash) == 64
    engine.dispose()

    new_key = {"Authorization": f"Bearer {body['key']}"}
    assert client.post("/v1/articles", json=article(), headers=new_key).status_code == 201
    assert client.delete(f"/v1/keys/{body['id']}", headers=keys.admin).status_code == 204
    assert client.post("/v1/articles", json=article(), headers=new_key).status_code == 401
    assert client.delete(f"/v1/keys/{body['id']}", headers=keys.admin).status_code == 404


def test_key_management_needs_admin(client: TestClient, keys: Keys) -> None:
    assert client.get("/v1/keys").status_code == 401
    for headers in (keys.read, keys.write, keys.drafts):
        assert client.get("/v1/keys", headers=headers).status_code == 403
        response = client.post("/v1/keys", json={"name": "x", "scopes": ["admin"]}, headers=headers)
        assert response.status_code == 403
        assert response.headers["content-type"] == "application/problem+json"


def test_key_requests_are_validated(client: TestClient, keys: Keys) -> None:
    for bad in (
        {"name": "x", "scopes": ["superuser"]},
        {"name": "", "scopes": ["read"]},
        {"name": "x", "scopes": []},
        {"name": "x", "scopes": ["read"], "profile": "everything"},
        {"name": "x", "scopes": ["read"], "id": 3},
    ):
        response = client.post("/v1/keys", json=bad, headers=keys.admin)
        assert response.status_code == 422, bad
        assert response.json()["errors"]
    for key_id in ("0", "x", str(2**63)):
        response = client.delete(f"/v1/keys/{key_id}", headers=keys.admin)
        assert response.status_code == 400, key_id
        assert response.json()["errors"][0]["parameter"] == "key_id"
        assert response.json()["title"] == "Invalid parameter"


def test_bad_or_malformed_keys_are_401_even_on_public_routes(client: TestClient) -> None:
    for headers in (
        {"Authorization": "Bearer kiji_nothing_here"},
        {"Authorization": "Bearer not-a-kiji-key"},
        {"Authorization": "Basic dXNlcjpwYXNz"},
        {"X-API-Key": "kiji_abc_def"},
    ):
        response = client.get("/v1/articles", headers=headers)
        assert response.status_code == 401, headers
        assert response.headers["content-type"] == "application/problem+json"


def test_x_api_key_header_works(client: TestClient, keys: Keys) -> None:
    secret = keys.write["Authorization"].removeprefix("Bearer ")
    response = client.post("/v1/articles", json=article(), headers={"X-API-Key": secret})
    assert response.status_code == 201


def test_a_guessed_secret_with_a_real_prefix_fails(client: TestClient, keys: Keys) -> None:
    secret = keys.write["Authorization"].removeprefix("Bearer ")
    forged = secret[:-4] + ("AAAA" if not secret.endswith("AAAA") else "BBBB")
    response = client.post(
        "/v1/articles", json=article(), headers={"Authorization": f"Bearer {forged}"}
    )
    assert response.status_code == 401
