"""Settings, read once from the environment (prefix ``KIJI_``) and passed into the app."""

from __future__ import annotations

import json
import logging
from pathlib import Path
from typing import Annotated, Literal
from urllib.parse import urlsplit

from pydantic import Field, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError

from app.ratelimit.policy import parse_limit

DEFAULT_DATA_DIR = Path("data")
MiB = 1024 * 1024

LogLevel = Literal["DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"]


class Settings(BaseSettings):
    """Every knob Kiji has. Field descriptions are the documentation (the README table is checked
    against them)."""

    model_config = SettingsConfigDict(env_prefix="KIJI_", extra="ignore", frozen=True)

    database_url: str = Field(
        default=f"sqlite:///{DEFAULT_DATA_DIR / 'kiji.db'}",
        description="SQLAlchemy URL of the database: sqlite:///path or postgresql+psycopg://...",
    )
    host: str = Field(default="127.0.0.1", description="Interface `kiji serve` binds to.")
    port: int = Field(default=8000, ge=1, le=65535, description="Port `kiji serve` listens on.")
    workers: int = Field(default=1, ge=1, le=64, description="Server worker processes.")
    public_read: bool = Field(
        default=True, description="Serve published content without a key (false: `read` needed)."
    )
    cors_origins: Annotated[list[str], NoDecode] = Field(
        default_factory=list,
        description="Comma-separated origins allowed by CORS (`*` for any).",
    )
    max_body_bytes: int = Field(
        default=2 * MiB, ge=1024, description="Largest request body for article writes, in bytes."
    )
    max_import_bytes: int = Field(
        default=64 * MiB, ge=1024, description="Largest request body for `POST /v1/imports`."
    )
    search_rank_window: int = Field(
        default=1000,
        ge=0,
        description=(
            "`sort=relevance` ranks the newest this many hits of a search, then lists the older"
            " ones newest first (0: rank every hit)."
        ),
    )
    statement_timeout: float = Field(
        default=30.0,
        ge=0,
        le=86_400,
        description="Longest a database statement of a request may run, in seconds; one stopped"
        " answers 503 and changes nothing (0: no limit). Commands such as `kiji import` have none.",
    )
    log_level: LogLevel = Field(default="INFO", description="Log level of the server.")
    load_samples: bool = Field(
        default=True,
        description="Load the bundled sample articles into an empty embedded database on start.",
    )
    base_url: str = Field(
        default="",
        description="Public base URL of canonical links and feed ids, `http(s)://host[:port]"
        "[/path]` (default: `http://<host>:<port>`, `localhost` for a wildcard host).",
    )
    rate_limit_anonymous: str = Field(
        default="120/minute",
        description="Requests per client IP without a valid key (`N/second|minute|hour|day`, "
        "or `off`).",
    )
    rate_limit_read: str = Field(default="600/minute", description="Per key with `read`.")
    rate_limit_drafts: str = Field(default="600/minute", description="Per key with `drafts`.")
    rate_limit_write: str = Field(default="1200/minute", description="Per key with `write`.")
    rate_limit_admin: str = Field(default="1200/minute", description="Per key with `admin`.")
    rate_limits: Annotated[dict[str, str], NoDecode] = Field(
        default_factory=dict,
        description='Per key name, instead of its scope\'s: JSON `{"partner-x": "6000/minute"}`.',
    )
    redis_url: str = Field(
        default="",
        description="`redis://host:port/db`: rate limit counts shared by every process using it "
        "(default: counted in each process's memory).",
    )
    rate_limit_prefix: str = Field(
        default="kiji:ratelimit", description="Prefix of the rate limit keys in Redis."
    )

    @field_validator("database_url")
    @classmethod
    def _valid_url(cls, value: str) -> str:
        try:
            url = make_url(value)
        except ArgumentError as exc:
            raise ValueError(f"not a SQLAlchemy database URL: {exc}") from exc
        if url.get_backend_name() not in ("sqlite", "postgresql"):
            raise ValueError("only sqlite and postgresql databases are supported")
        return value

    @field_validator(
        "rate_limit_anonymous",
        "rate_limit_read",
        "rate_limit_drafts",
        "rate_limit_write",
        "rate_limit_admin",
    )
    @classmethod
    def _valid_limit(cls, value: str) -> str:
        parse_limit(value)
        return value

    @field_validator("rate_limits", mode="before")
    @classmethod
    def _json_limits(cls, value: object) -> object:
        if isinstance(value, str):
            try:
                return json.loads(value) if value.strip() else {}
            except json.JSONDecodeError as exc:
                raise ValueError(f'not JSON like {{"partner-x": "6000/minute"}}: {exc}') from exc
        return value

    @field_validator("rate_limits")
    @classmethod
    def _valid_limits(cls, value: dict[str, str]) -> dict[str, str]:
        for limit in value.values():
            parse_limit(limit)
        return value

    @field_validator("redis_url")
    @classmethod
    def _valid_redis_url(cls, value: str) -> str:
        if value and not value.startswith(("redis://", "rediss://")):
            raise ValueError("a Redis URL starts with redis:// or rediss://")
        return value

    @property
    def scope_rate_limits(self) -> dict[str, str]:
        return {
            "read": self.rate_limit_read,
            "drafts": self.rate_limit_drafts,
            "write": self.rate_limit_write,
            "admin": self.rate_limit_admin,
        }

    @field_validator("cors_origins", mode="before")
    @classmethod
    def _split_origins(cls, value: object) -> object:
        if isinstance(value, str):
            return [o.strip() for o in value.split(",") if o.strip()]
        return value

    @field_validator("log_level", mode="before")
    @classmethod
    def _upper_level(cls, value: object) -> object:
        return value.upper() if isinstance(value, str) else value

    @field_validator("base_url")
    @classmethod
    def _valid_base_url(cls, value: str) -> str:
        if not value:
            return value
        parts = urlsplit(value)
        if parts.scheme not in ("http", "https") or not parts.netloc or parts.query:
            raise ValueError("must be an absolute http(s) URL without a query, or empty")
        if parts.fragment or any(c.isspace() or not c.isprintable() for c in value):
            raise ValueError("must be an absolute http(s) URL without a fragment or spaces")
        return value.rstrip("/")

    @property
    def public_base_url(self) -> str:
        """The base of every canonical URL and feed id: the setting, or this server's own
        address. Never a request's Host header: a stored summary keeps its URL, so a writer
        could otherwise plant another site's in it (and an import without a request would
        store relative ones, which neither feeds nor ninjs accept)."""
        if self.base_url:
            return self.base_url
        wildcard = ("0.0.0.0", "::", "")  # noqa: S104 - compared with, not bound to
        host = "localhost" if self.host in wildcard else self.host
        if ":" in host:
            host = f"[{host}]"
        return f"http://{host}:{self.port}"

    @property
    def is_sqlite(self) -> bool:
        return make_url(self.database_url).get_backend_name() == "sqlite"

    @property
    def log_level_number(self) -> int:
        return logging.getLevelNamesMapping()[self.log_level]
