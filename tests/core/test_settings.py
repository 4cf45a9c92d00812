"""Settings: defaults, environment, and bad values named at start."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

from app.cli import cli
from app.core.config import Settings

README = Path(__file__).resolve().parents[2] / "README.md"


def test_defaults(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in Settings.model_fields:
        monkeypatch.delenv(f"KIJI_{name.upper()}", raising=False)
    s = Settings()
    assert s.database_url == "sqlite:///data/kiji.db"
    assert s.is_sqlite
    assert (s.host, s.port, s.workers) == ("127.0.0.1", 8000, 1)
    assert s.public_read is True
    assert s.cors_origins == []
    assert s.max_body_bytes == 2 * 1024 * 1024


def test_environment_is_read(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("KIJI_CORS_ORIGINS", "https://a.example, https://b.example")
    monkeypatch.setenv("KIJI_PUBLIC_READ", "false")
    monkeypatch.setenv("KIJI_LOG_LEVEL", "debug")
    s = Settings()
    assert s.cors_origins == ["https://a.example", "https://b.example"]
    assert s.public_read is False
    assert s.log_level == "DEBUG"


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("KIJI_PORT", "eighty"),
        ("KIJI_PORT", "70000"),
        ("KIJI_WORKERS", "0"),
        ("KIJI_DATABASE_URL", "mysql://x@y/z"),
        ("KIJI_DATABASE_URL", "not a url"),
        ("KIJI_LOG_LEVEL", "LOUD"),
        ("KIJI_PUBLIC_READ", "maybe"),
        ("KIJI_MAX_BODY_BYTES", "10"),
        ("KIJI_BASE_URL", "kiji.example.jp"),
        ("KIJI_BASE_URL", "/v1"),
        ("KIJI_BASE_URL", "ftp://kiji.example.jp"),
        ("KIJI_BASE_URL", "https://kiji.example.jp/?x=1"),
        ("KIJI_BASE_URL", "https://kiji.example.jp/a b"),
    ],
)
def test_a_bad_setting_stops_serve_naming_it(
    monkeypatch: pytest.MonkeyPatch, name: str, value: str
) -> None:
    monkeypatch.setenv(name, value)
    result = CliRunner().invoke(cli, ["serve"])
    assert result.exit_code == 2
    assert name in result.output


@pytest.mark.parametrize(
    ("base_url", "host", "port", "public"),
    [
        ("", "127.0.0.1", 8000, "http://127.0.0.1:8000"),
        ("", "0.0.0.0", 8080, "http://localhost:8080"),
        ("", "::", 8000, "http://localhost:8000"),
        ("", "::1", 8000, "http://[::1]:8000"),
        ("", "kiji.internal", 80, "http://kiji.internal:80"),
        ("https://news.example.jp/", "0.0.0.0", 8000, "https://news.example.jp"),
        ("https://news.example.jp/kiji/", "127.0.0.1", 8000, "https://news.example.jp/kiji"),
    ],
)
def test_the_public_base_url_is_the_setting_or_this_servers_address(
    base_url: str, host: str, port: int, public: str
) -> None:
    settings = Settings(base_url=base_url, host=host, port=port)
    assert settings.public_base_url == public


def test_every_setting_is_documented_in_the_readme() -> None:
    readme = README.read_text(encoding="utf-8")
    documented = set(re.findall(r"`(KIJI_[A-Z_]+)`", readme))
    names = {f"KIJI_{n.upper()}" for n in Settings.model_fields}
    assert names <= documented, names - documented
