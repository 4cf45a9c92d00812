"""The `syndicate` scope and what a summary-only key may hold."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from app.auth.principal import expand
from app.cli import cli
from app.core.config import Settings
from tests.builders import Keys, article, create


def test_admin_issues_syndicate_keys_that_read_and_pull_the_feed(
    client: TestClient, keys: Keys
) -> None:
    created = client.post(
        "/v1/keys",
        json={"name": "配信先", "scopes": ["syndicate"], "profile": "summary"},
        headers=keys.admin,
    )
    assert created.status_code == 201, created.text
    assert created.json()["scopes"] == ["syndicate"]
    assert created.json()["profile"] == "summary"
    partner = {"Authorization": f"Bearer {created.json()['key']}"}
    doc = create(client, keys.write)
    assert client.get("/v1/changes", headers=partner).status_code == 200
    # Syndication implies reading published content, but not drafts or writing.
    assert client.get(f"/v1/articles/{doc['slug']}", headers=partner).status_code == 200
    drafts = client.get("/v1/articles", params={"status": "draft"}, headers=partner)
    assert drafts.status_code == 403
    assert client.post("/v1/articles", json=article(), headers=partner).status_code == 403


def test_summary_only_keys_cannot_write(client: TestClient, keys: Keys) -> None:
    for scopes in (["write"], ["read", "admin"]):
        response = client.post(
            "/v1/keys",
            json={"name": "x", "scopes": scopes, "profile": "summary"},
            headers=keys.admin,
        )
        assert response.status_code == 422, scopes
        assert "summary-only" in response.text
    ok = client.post(
        "/v1/keys",
        json={"name": "x", "scopes": ["read", "drafts", "syndicate"], "profile": "summary"},
        headers=keys.admin,
    )
    assert ok.status_code == 201


def test_a_stored_summary_key_with_write_keeps_only_what_reads() -> None:
    assert expand(["write", "syndicate"], "summary") == {"read", "drafts", "syndicate"}
    assert expand(["admin"], "summary") == {"read", "drafts", "syndicate"}
    assert "write" in expand(["admin"])


@pytest.fixture
def runner(monkeypatch: pytest.MonkeyPatch, settings: Settings) -> CliRunner:
    monkeypatch.setenv("KIJI_DATABASE_URL", settings.database_url)
    return CliRunner()


def test_cli_issues_syndicate_keys(runner: CliRunner, client: TestClient) -> None:
    result = runner.invoke(
        cli,
        ["keys", "create", "--name", "配信先", "--scope", "syndicate", "--profile", "summary"],
    )
    assert result.exit_code == 0, result.output
    secret = result.stdout.strip().splitlines()[-1]
    response = client.get("/v1/changes", headers={"Authorization": f"Bearer {secret}"})
    assert response.status_code == 200

    refused = runner.invoke(
        cli, ["keys", "create", "--name", "x", "--scope", "write", "--profile", "summary"]
    )
    assert refused.exit_code == 2
    assert "summary-only" in refused.output
