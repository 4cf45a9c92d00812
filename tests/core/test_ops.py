"""/healthz and /readyz."""

from __future__ import annotations

import gc
import inspect
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from app import cli as cli_module
from app.core import migrate
from app.core.config import Settings
from app.main import create_app, served_app
from tests.conftest import ON_POSTGRES


def test_healthz(client: TestClient) -> None:
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


def test_readyz_when_migrated(client: TestClient) -> None:
    response = client.get("/readyz")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ready"
    assert body["revision"] == migrate.head_revision()
    assert body["database"] == ("postgresql" if ON_POSTGRES else "sqlite")


def test_readyz_is_503_before_migrations(tmp_path: Path) -> None:
    settings = Settings(database_url=f"sqlite:///{tmp_path / 'new.db'}", load_samples=False)
    with TestClient(create_app(settings)) as client:
        response = client.get("/readyz")
    assert response.status_code == 503
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["head"] == migrate.head_revision()


def test_readyz_is_503_when_the_database_is_unreachable() -> None:
    url = "postgresql+psycopg://nobody@127.0.0.1:1/none?connect_timeout=1"
    with TestClient(create_app(Settings(database_url=url))) as client:
        response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json()["detail"] == "the database does not answer"


def test_a_served_app_keeps_its_startup_objects_out_of_the_collector(
    settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`kiji serve` builds its app with `served_app`: a full collection then walks only what
    requests allocate, not the 140,000 objects every process starts with."""
    monkeypatch.setenv("KIJI_DATABASE_URL", settings.database_url)
    monkeypatch.setenv("KIJI_LOAD_SAMPLES", "false")
    assert gc.get_freeze_count() == 0
    try:
        app = served_app()
        assert gc.get_freeze_count() > 10_000
        with TestClient(app) as client:
            assert client.get("/healthz").status_code == 200
    finally:
        gc.unfreeze()
    assert "app.main:served_app" in inspect.getsource(cli_module.serve)
