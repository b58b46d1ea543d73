"""Which database, and an engine set up for several writers at once.

SQLite (the default, one file in the data folder) runs in WAL mode, so readers never
block a writer, with a busy timeout, so a writer waits for another's commit instead of
failing. Every write the store makes is a single statement, so no transaction ever
has to upgrade a read lock to a write lock (which SQLite refuses without waiting).
WAL needs the data folder on a local disk: for a shared server, use PostgreSQL.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sqlalchemy import URL, Engine, create_engine, event, make_url
from sqlalchemy.exc import DBAPIError

from run_store.schema import Base

__all__ = ["BUSY_TIMEOUT_S", "SQLITE_FILE", "make_engine", "prepare", "resolve_url"]

SQLITE_FILE = "runs.sqlite3"
BUSY_TIMEOUT_S = 30


def resolve_url(url: str | None, data_dir: Path) -> URL:
    """`url`, or the SQLite file in `data_dir` when it is None (or empty).
    `postgres://` (as some hosts write it) means PostgreSQL through psycopg 3."""
    if not url:
        return URL.create("sqlite+pysqlite", database=str(data_dir / SQLITE_FILE))
    if url.startswith("postgres://"):
        url = "postgresql+psycopg://" + url.removeprefix("postgres://")
    return make_url(url)


def make_engine(url: URL) -> Engine:
    """An engine that connects on first use, not here."""
    if url.get_backend_name() != "sqlite":
        return create_engine(url, pool_pre_ping=True)
    engine = create_engine(url, connect_args={"timeout": BUSY_TIMEOUT_S})
    event.listen(engine, "connect", _sqlite_pragmas)
    return engine


def prepare(engine: Engine) -> None:
    """Create the SQLite file's folder and the tables, if missing. Two processes may
    race to create a table; the loser's CREATE fails, and its second look finds it."""
    database = engine.url.database
    if engine.url.get_backend_name() == "sqlite" and database and database != ":memory:":
        Path(database).parent.mkdir(parents=True, exist_ok=True)
    try:
        Base.metadata.create_all(engine)
    except DBAPIError:
        Base.metadata.create_all(engine)


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_S * 1000}")
    cursor.execute("PRAGMA journal_mode = WAL")
    cursor.close()
