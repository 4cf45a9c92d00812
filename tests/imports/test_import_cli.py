"""`kiji import` and `kiji export` share the import service with the HTTP route."""

from __future__ import annotations

from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from app.cli import cli
from app.core.config import Settings
from app.search.fields import pieces
from app.search.segment import normalise
from app.seed import sample_texts


@pytest.fixture
def runner(monkeypatch: pytest.MonkeyPatch, settings: Settings) -> CliRunner:
    monkeypatch.setenv("KIJI_DATABASE_URL", settings.database_url)
    return CliRunner()


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    root = tmp_path / "in"
    (root / "nested").mkdir(parents=True)
    for i, (name, text) in enumerate(sample_texts()):
        target = root / "nested" / name if i == 0 else root / name
        target.write_text(text, encoding="utf-8")
    return root


def test_import_a_folder_then_export_it_back(
    runner: CliRunner, folder: Path, tmp_path: Path, client: TestClient
) -> None:
    result = runner.invoke(cli, ["import", str(folder)])
    assert result.exit_code == 0, result.output
    assert len(client.get("/v1/articles").json()["items"]) == 3
    again = runner.invoke(cli, ["import", str(folder)])
    assert "unchanged" in again.stdout
    assert again.exit_code == 0
    out = tmp_path / "out"
    exported = runner.invoke(cli, ["export", "--format", "text", str(out)])
    assert exported.exit_code == 0, exported.output
    originals = sorted(text.encode() for _, text in sample_texts())
    assert sorted(p.read_bytes() for p in out.glob("*.txt")) == originals
    assert runner.invoke(cli, ["export", "--format", "markdown", str(out)]).exit_code == 0
    assert len(list(out.glob("*.md"))) == 3


def test_imported_articles_carry_absolute_canonical_urls(
    runner: CliRunner, folder: Path, client: TestClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    # No request, so no Host: without KIJI_BASE_URL the URLs are this server's own.
    monkeypatch.delenv("KIJI_BASE_URL", raising=False)
    monkeypatch.setenv("KIJI_PORT", "8765")
    assert runner.invoke(cli, ["import", str(folder)]).exit_code == 0
    items = client.get("/v1/articles", params={"fields": "slug,url"}).json()["items"]
    assert len(items) == 3
    for item in items:
        assert item["url"] == f"http://127.0.0.1:8765/v1/articles/{item['slug']}"


def test_an_invalid_file_fails_the_import_with_file_and_line(
    runner: CliRunner, folder: Path, client: TestClient
) -> None:
    (folder / "broken.txt").write_text("題名だけ\n二行目\n", encoding="utf-8")
    result = runner.invoke(cli, ["import", str(folder)])
    assert result.exit_code == 1
    assert f"{folder / 'broken.txt'}:" in result.stderr
    assert "4 inputs checked in" in result.stdout
    assert "none stored" in result.stdout
    assert client.get("/v1/articles").json()["items"] == []
    partial = runner.invoke(cli, ["import", "--no-atomic", str(folder)])
    assert partial.exit_code == 1
    assert len(client.get("/v1/articles").json()["items"]) == 3


def test_dry_run_stores_nothing(runner: CliRunner, folder: Path, client: TestClient) -> None:
    result = runner.invoke(cli, ["import", "--dry-run", str(folder)])
    assert result.exit_code == 0
    assert "3 inputs checked in" in result.stdout
    assert "none stored" in result.stdout
    assert client.get("/v1/articles").json()["items"] == []


def test_stdin_and_bad_options(runner: CliRunner, client: TestClient) -> None:
    text = sample_texts()[0][1]
    result = runner.invoke(cli, ["import", "-"], input=text)
    assert result.exit_code == 0, result.output
    assert len(client.get("/v1/articles").json()["items"]) == 1
    assert runner.invoke(cli, ["import", "--on-conflict", "merge", "-"], input="").exit_code == 2


def _truth(client: TestClient, q: str) -> set[str]:
    """The slugs whose searchable text holds ``q``: what search must find."""
    found = set()
    for item in client.get("/v1/articles", params={"limit": 100}).json()["items"]:
        doc = client.get(f"/v1/articles/{item['slug']}").json()
        if normalise(q) in "\n".join(normalise(p.text) for p in pieces(doc)):
            found.add(item["slug"])
    return found


def _search(client: TestClient, q: str) -> set[str]:
    r = client.get("/v1/search", params={"q": q, "limit": 100})
    assert r.status_code == 200, r.text
    return {i["slug"] for i in r.json()["items"]}


@pytest.mark.parametrize(
    "options",
    [[], ["--no-atomic"], ["--no-atomic", "--defer-index"], ["--inline-index"]],
    ids=["atomic-deferred", "chunks-inline", "chunks-deferred", "atomic-inline"],
)
def test_imports_keep_the_search_index_exact_whenever_it_is_written(
    runner: CliRunner, folder: Path, client: TestClient, options: list[str]
) -> None:
    chunked = ["--chunk", "1"]  # several chunks (and commits) even for three files
    result = runner.invoke(cli, ["import", *chunked, *options, str(folder)])
    assert result.exit_code == 0, result.output
    deferred = "then the search index in" in result.stdout
    assert deferred == (options in ([], ["--no-atomic", "--defer-index"]))
    titles = [i["title"] for i in client.get("/v1/articles").json()["items"]]
    queries = [t[n : n + 2] for t in titles for n in (0, 3)] + [titles[0][1], "の"]
    for q in queries:
        assert _search(client, q) == _truth(client, q), q
    # Re-importing a changed file replaces its entry: the old words go, the new ones come.
    path = next(folder.rglob("aoba-satellite.txt"))
    text = path.read_text(encoding="utf-8")
    changed = text.replace("指導する教授は", "蜃気楼を見た教授は").replace("振動や真空", "真空")
    assert changed != text
    assert _search(client, "振動") == {"daigakusei-gatsukutta-eisei-ha-uchuu-de-naniwo-miru"}
    path.write_text(changed, encoding="utf-8")
    again = runner.invoke(cli, ["import", *chunked, *options, str(folder)])
    assert again.exit_code == 0, again.output
    assert "updated" in again.stdout
    assert _search(client, "蜃気楼") == {"daigakusei-gatsukutta-eisei-ha-uchuu-de-naniwo-miru"}
    for q in [*queries, "振動", "指導"]:
        assert _search(client, q) == _truth(client, q), q
