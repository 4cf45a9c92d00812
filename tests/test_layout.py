"""Architecture rules the conventions ask for, held by tests."""

from __future__ import annotations

import ast
import re
from pathlib import Path

from fastapi.testclient import TestClient

APP = Path(__file__).resolve().parents[1] / "app"
HTTP_FREE = ("service.py", "repository.py", "models.py", "schemas.py", "render.py", "reader.py")


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names |= {a.name for a in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
    return names


def test_services_and_repositories_import_nothing_from_fastapi() -> None:
    checked = 0
    for path in APP.rglob("*.py"):
        if path.name in HTTP_FREE or (
            path.parent.name == "textformat" and path.name != "router.py"
        ):
            checked += 1
            web = {n for n in _imports(path) if n.split(".")[0] in ("fastapi", "starlette")}
            assert not web, f"{path.relative_to(APP)} imports {web}"
    assert checked >= 10


def test_every_route_is_documented(client: TestClient) -> None:
    spec = client.get("/openapi.json").json()
    operations = [
        (path, method, op) for path, item in spec["paths"].items() for method, op in item.items()
    ]
    assert len(operations) >= 14
    for path, method, op in operations:
        where = f"{method.upper()} {path}"
        assert op.get("description"), f"{where} has no docstring"
        success = [c for c in op["responses"] if c.startswith("2")]
        assert success, where
        if success != ["204"]:
            assert op["responses"][success[0]]["content"], f"{where} has no response model"
        if path.startswith("/v1"):
            assert any(int(c) >= 400 for c in op["responses"] if c.isdigit()), where


def test_openapi_lists_problem_responses(client: TestClient) -> None:
    spec = client.get("/openapi.json").json()
    get_article = spec["paths"]["/v1/articles/{slug}"]["get"]
    assert "application/problem+json" in get_article["responses"]["404"]["content"]
    assert get_article["responses"]["200"]["content"]["application/json"]["schema"]
    patch = spec["paths"]["/v1/articles/{slug}"]["patch"]
    assert "application/merge-patch+json" in patch["requestBody"]["content"]
    page = client.get("/docs")
    assert page.status_code == 200
    # Nothing is loaded from the internet: every asset the page names is served here.
    assets = re.findall(r'(?:src|href)="([^"]+)"', page.text)
    assert assets
    for asset in assets:
        assert asset.startswith("/"), asset
        assert client.get(asset).status_code == 200, asset
