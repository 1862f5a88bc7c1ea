"""Settings from ``AKHBAR_*`` environment variables.

Everything that differs between a laptop, CI and production is read here and
nowhere else, so a task, the CLI and the tests see the same configuration.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[2]
ALERT_WEBHOOK_ENV = "AKHBAR_ALERT_WEBHOOK"
LAKE_PREFIX = "ducklake:"
LAKE_DATA_PATH_ENV = "AKHBAR_LAKE_DATA_PATH"


@dataclass(frozen=True)
class LakeTarget:
    """A DuckLake warehouse: catalog database (PostgreSQL) plus Parquet data path.

    ``catalog`` is the ATTACH string, e.g. ``ducklake:postgres:dbname=akhbar_lake
    host=10.0.0.5 user=akhbar``; ``data_path`` a directory every writer and reader
    shares, or an object-store URL (``s3://bucket/akhbar/``, credentials by a
    DuckDB secret).
    """

    catalog: str
    data_path: str

    @property
    def display(self) -> str:
        """The catalog string without any password, for logs and messages."""
        return re.sub(r"password=\S+", "password=***", self.catalog)


class ConfigError(ValueError):
    """A setting that cannot work as given (the CLI prints it as one line)."""


def parse_lake(value: str, data_path: str | None) -> LakeTarget | None:
    """``AKHBAR_WAREHOUSE`` as a DuckLake target, or None for a DuckDB file path."""
    if not value.startswith(LAKE_PREFIX):
        return None
    if not value[len(LAKE_PREFIX) :].strip():
        raise ConfigError(
            "AKHBAR_WAREHOUSE=ducklake: needs a catalog, e.g. "
            "ducklake:postgres:dbname=akhbar_lake host=127.0.0.1"
        )
    if not data_path:
        raise ConfigError(
            f"AKHBAR_WAREHOUSE is a DuckLake target; set {LAKE_DATA_PATH_ENV} to the data "
            "directory every worker shares (or an object-store URL such as s3://bucket/akhbar/)"
        )
    if "://" not in data_path:
        data_path = str(Path(data_path).expanduser().resolve())
    return LakeTarget(catalog=value.strip(), data_path=data_path)


def _path(name: str, default: Path) -> Path:
    value = os.environ.get(name)
    return Path(value).expanduser().resolve() if value else default


def _csv(name: str) -> tuple[str, ...]:
    raw = os.environ.get(name, "")
    return tuple(part.strip() for part in raw.split(",") if part.strip())


@dataclass(frozen=True)
class Settings:
    """Resolved configuration. Build with :func:`load_settings`."""

    data_dir: Path
    warehouse: Path
    sources_file: Path
    seeds_dir: Path
    sql_dir: Path
    allow_hosts: tuple[str, ...] = ()
    replay_url: str | None = None
    # Re-run a date from its raw WARC archive instead of the network (backfills,
    # `akhbar reprocess`): each fetching task replays its own archived responses.
    from_archive: bool = False
    user_agent: str = "AkhbarBot/0.1 (+https://github.com/akhbar/akhbar)"
    request_timeout_s: float = 20.0
    max_page_bytes: int = 5_000_000
    max_feed_bytes: int = 10_000_000
    min_delay_s: float = 1.0
    # DuckDB takes up to 80% of RAM by default; a task process on a shared worker
    # should not. The cap (e.g. "1GB") makes DuckDB spill to disk past it; "" = no cap.
    duckdb_memory_limit: str = "1GB"
    # The load and cluster tasks' DuckDB connection: buffer pool cap and threads.
    # Together with the task's fixed part (Airflow, Great Expectations, ~370 MB)
    # the cap keeps the writer's process under 512 MB; DuckDB spills past it.
    duckdb_load_memory_limit: str = "128MB"
    duckdb_load_threads: int = 2
    # URL that receives every alert as JSON (None: alerts are logged and written only).
    alert_webhook: str | None = None
    # DuckLake warehouse (AKHBAR_WAREHOUSE=ducklake:…); None: the DuckDB file ``warehouse``.
    lake: LakeTarget | None = None
    extra: dict[str, str] = field(default_factory=dict)

    @property
    def staging_dir(self) -> Path:
        return self.data_dir / "staging"

    @property
    def archive_dir(self) -> Path:
        return self.data_dir / "archive"

    @property
    def analyst_copy(self) -> Path:
        """The read-only copy analysts open; replaced atomically after each load."""
        return self.warehouse.with_name(self.warehouse.stem + "_analyst.duckdb")

    def run_staging(self, run_date: str) -> Path:
        return self.staging_dir / run_date

    def run_archive(self, run_date: str) -> Path:
        return self.archive_dir / run_date


def load_settings() -> Settings:
    from akhbar.sqlfiles import SQL_DIR  # sqlfiles imports REPO_ROOT from here

    data_dir = _path("AKHBAR_DATA_DIR", REPO_ROOT / "data")
    lake = parse_lake(
        os.environ.get("AKHBAR_WAREHOUSE", ""), os.environ.get(LAKE_DATA_PATH_ENV, "").strip()
    )
    return Settings(
        data_dir=data_dir,
        # With a lake the file path only names the default for `akhbar lake migrate --from`.
        warehouse=data_dir / "akhbar.duckdb"
        if lake
        else _path("AKHBAR_WAREHOUSE", data_dir / "akhbar.duckdb"),
        lake=lake,
        sources_file=_path("AKHBAR_SOURCES", REPO_ROOT / "seeds" / "sources.csv"),
        seeds_dir=_path("AKHBAR_SEEDS_DIR", REPO_ROOT / "seeds"),
        sql_dir=SQL_DIR,
        allow_hosts=_csv("AKHBAR_ALLOW_HOSTS"),
        replay_url=os.environ.get("AKHBAR_REPLAY_URL") or None,
        from_archive=os.environ.get("AKHBAR_FROM_ARCHIVE", "").lower() in ("1", "true", "yes"),
        user_agent=os.environ.get("AKHBAR_USER_AGENT", Settings.user_agent),
        request_timeout_s=float(os.environ.get("AKHBAR_TIMEOUT_S", "20")),
        min_delay_s=float(os.environ.get("AKHBAR_MIN_DELAY_S", "1.0")),
        duckdb_memory_limit=os.environ.get(
            "AKHBAR_DUCKDB_MEMORY_LIMIT", Settings.duckdb_memory_limit
        ),
        duckdb_load_memory_limit=os.environ.get(
            "AKHBAR_DUCKDB_LOAD_MEMORY_LIMIT", Settings.duckdb_load_memory_limit
        ),
        duckdb_load_threads=int(
            os.environ.get("AKHBAR_DUCKDB_LOAD_THREADS", str(Settings.duckdb_load_threads))
        ),
        alert_webhook=os.environ.get(ALERT_WEBHOOK_ENV, "").strip() or None,
    )
