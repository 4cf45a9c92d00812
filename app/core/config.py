"""Settings, read once from the environment (prefix ``KIJI_``) and passed into the app."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Annotated, Literal

from pydantic import Field, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError

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
    log_level: LogLevel = Field(default="INFO", description="Log level of the server.")
    load_samples: bool = Field(
        default=True,
        description="Load the bundled sample articles into an empty embedded database on start.",
    )
    base_url: str = Field(
        default="",
        description="Public base URL used in canonical links (default: taken from the request).",
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

    @property
    def is_sqlite(self) -> bool:
        return make_url(self.database_url).get_backend_name() == "sqlite"

    @property
    def log_level_number(self) -> int:
        return logging.getLevelNamesMapping()[self.log_level]
