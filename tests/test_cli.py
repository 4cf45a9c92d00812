"""The `kiji` command: keys and db."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from app.cli import cli
from app.core import migrate
from app.core.config import Settings
from tests.builders import article


@pytest.fixture
def runner(monkeypatch: pytest.MonkeyPatch, settings: Settings) -> CliRunner:
    monkeypatch.setenv("KIJI_DATABASE_URL", settings.database_url)
    return CliRunner()


def test_keys_create_prints_a_working_key(runner: CliRunner, client: TestClient) -> None:
    result = runner.invoke(cli, ["keys", "create", "--name", "importer", "--scope", "write"])
    assert result.exit_code == 0, result.output
    secret = result.stdout.strip().splitlines()[-1]
    assert secret.startswith("kiji_")
    response = client.post(
        "/v1/articles", json=article(), headers={"Authorization": f"Bearer {secret}"}
    )
    assert response.status_code == 201


def test_keys_create_refuses_unknown_scopes(runner: CliRunner) -> None:
    result = runner.invoke(cli, ["keys", "create", "--name", "x", "--scope", "root"])
    assert result.exit_code == 2
    assert "scopes" in result.output


def test_keys_list_and_delete(runner: CliRunner) -> None:
    runner.invoke(cli, ["keys", "create", "--name", "editor", "--scope", "admin"])
    listed = runner.invoke(cli, ["keys", "list"])
    assert "editor" in listed.output
    assert runner.invoke(cli, ["keys", "delete", "1"]).exit_code == 0
    assert runner.invoke(cli, ["keys", "delete", "1"]).exit_code == 1


def test_db_current_and_upgrade(runner: CliRunner) -> None:
    assert runner.invoke(cli, ["db", "upgrade"]).exit_code == 0
    result = runner.invoke(cli, ["db", "current"])
    assert result.exit_code == 0
    head = migrate.head_revision()
    assert f"current: {head}  latest: {head}" in result.output
