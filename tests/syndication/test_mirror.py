"""`kiji mirror` end to end against a live server process: a first sync, resumption from the
saved cursor, deletions and unpublishing, and summary-only copies."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import orjson
import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from app.cli import cli
from app.core.config import Settings
from tests.builders import Keys, article, create, create_key
from tests.live import free_port, wait_until_answering


@pytest.fixture
def server(settings: Settings) -> Iterator[str]:
    """A Kiji server in its own process on the test database."""
    port = free_port()
    env = {
        **os.environ,
        "KIJI_DATABASE_URL": settings.database_url,
        "KIJI_LOAD_SAMPLES": "false",
        "KIJI_LOG_LEVEL": "WARNING",
    }
    command = [sys.executable, "-m", "uvicorn", "--factory", "app.main:create_app"]
    proc = subprocess.Popen(
        [*command, "--host", "127.0.0.1", "--port", str(port), "--log-level", "warning"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        wait_until_answering(f"{base}/healthz")
        yield base
    finally:
        proc.terminate()
        _, errors = proc.communicate(timeout=10)
    assert "Traceback" not in errors, errors


def mirror(base: str, directory: Path, secret: str, *extra: str) -> str:
    result = CliRunner().invoke(
        cli, ["mirror", base, "--dir", str(directory), "--key", secret, *extra]
    )
    assert result.exit_code == 0, result.output
    return result.stdout


def on_disk(directory: Path) -> dict[str, Any]:
    return {p.stem: orjson.loads(p.read_bytes()) for p in (directory / "articles").glob("*.json")}


def published(client: TestClient, headers: dict[str, str], part: str = "") -> dict[str, Any]:
    items = client.get("/v1/articles", params={"limit": 100}, headers=headers).json()["items"]
    return {
        i["slug"]: client.get(f"/v1/articles/{i['slug']}{part}", headers=headers).json()
        for i in items
    }


def test_mirror_copies_then_resumes_from_its_cursor(
    server: str, client: TestClient, keys: Keys, settings: Settings, tmp_path: Path
) -> None:
    secret = create_key(settings.database_url, "partner", ["syndicate"])
    first = [create(client, keys.write, title=f"同期する記事{n}は?")["slug"] for n in range(5)]
    create(client, keys.write, title="出さない記事は?", status="draft")
    copy = tmp_path / "copy"

    output = mirror(server, copy, secret, "--limit", "2")
    assert "6 changes applied" not in output  # the draft is not the partner's to see
    assert "5 changes applied (5 written, 0 removed)" in output
    assert on_disk(copy) == published(client, keys.read)
    state = orjson.loads((copy / "state.json").read_bytes())
    assert state["url"] == server

    patched = client.patch(
        f"/v1/articles/{first[0]}",
        json={"subtitle": "続報"},
        headers={**keys.write, "Content-Type": "application/merge-patch+json"},
    )
    assert patched.status_code == 200
    assert client.delete(f"/v1/articles/{first[1]}", headers=keys.write).status_code == 204
    unpublish = article(title="同期する記事2は?", status="draft")
    assert client.put(f"/v1/articles/{first[2]}", json=unpublish, headers=keys.write).is_success

    # Only what changed since the saved cursor is fetched.
    output = mirror(server, copy, secret)
    assert "3 changes applied (1 written, 2 removed)" in output
    assert on_disk(copy) == published(client, keys.read)
    assert on_disk(copy)[first[0]]["subtitle"] == "続報"
    assert set(on_disk(copy)) == {first[0], first[3], first[4]}
    assert "0 changes applied" in mirror(server, copy, secret)


def test_a_summary_only_key_mirrors_summaries(
    server: str, client: TestClient, keys: Keys, settings: Settings, tmp_path: Path
) -> None:
    secret = create_key(settings.database_url, "partner", ["syndicate"], "summary")
    create(client, keys.write)
    mirror(server, tmp_path, secret)
    copied = on_disk(tmp_path)
    assert copied == published(client, keys.read, "/summary")
    assert all("sections" not in doc for doc in copied.values())


def test_mirror_refuses_bad_keys_and_another_servers_directory(
    server: str, keys: Keys, tmp_path: Path
) -> None:
    runner = CliRunner()
    read_only = keys.read["Authorization"].removeprefix("Bearer ")
    result = runner.invoke(cli, ["mirror", server, "--dir", str(tmp_path), "--key", read_only])
    assert result.exit_code == 1
    assert "403" in result.output
    assert "syndicate" in result.output
    assert not (tmp_path / "state.json").exists()

    (tmp_path / "state.json").write_bytes(
        orjson.dumps({"url": "http://elsewhere.example", "cursor": "x"})
    )
    result = runner.invoke(cli, ["mirror", server, "--dir", str(tmp_path), "--key", read_only])
    assert result.exit_code == 1
    assert "elsewhere.example" in result.output
