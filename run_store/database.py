"""Which database, and an engine set up for several writers at once.

SQLite (the default, one file in the data folder) runs in WAL mode, so readers never
block a writer, with a busy timeout, so a writer waits for another's commit instead of
failing. Every write the store makes is a single statement, so no transaction ever
has to upgrade a read lock to a write lock (which SQLite refuses without waiting).
WAL needs the data folder on a local disk: for a shared server, use PostgreSQL.

Tables are created from the schema's metadata; a column added to an existing table
since the first release is added by `migrate`, idempotently, on both backends, and so
is a NOT NULL lifted since (PostgreSQL drops it in place; SQLite cannot, so the table is
made anew from the schema and its rows copied, in one IMMEDIATE transaction).
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import URL, Engine, Table, create_engine, event, inspect, make_url, text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.schema import CreateIndex, CreateTable

from run_store.schema import Base

__all__ = ["BUSY_TIMEOUT_S", "SQLITE_FILE", "Database", "make_engine", "migrate", "prepare",
           "resolve_url"]

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


class Database:
    """One database for a store: its URL, an engine that connects on first use, and
    transactions that create (or migrate) the tables first, once per process."""

    def __init__(self, database_url: str | None, data_dir: Path) -> None:
        self.url = resolve_url(database_url, data_dir)
        self.engine = make_engine(self.url)
        self._sessions = sessionmaker(self.engine, expire_on_commit=False)
        self._prepared = False
        self._prepare_lock = threading.Lock()

    @property
    def dialect(self) -> str:
        return self.engine.dialect.name

    def prepare(self) -> None:
        """Create the tables if missing (once; later calls return at once)."""
        with self._prepare_lock:
            if not self._prepared:
                prepare(self.engine)
                self._prepared = True

    @contextmanager
    def transaction(self) -> Iterator[Session]:
        """A session in a transaction, committed when the block ends without error."""
        self.prepare()
        with self._sessions.begin() as session:
            yield session

    def close(self) -> None:
        """Close the connections (a later transaction opens new ones)."""
        self.engine.dispose()


def make_engine(url: URL) -> Engine:
    """An engine that connects on first use, not here."""
    if url.get_backend_name() != "sqlite":
        return create_engine(url, pool_pre_ping=True)
    engine = create_engine(url, connect_args={"timeout": BUSY_TIMEOUT_S})
    event.listen(engine, "connect", _sqlite_pragmas)
    return engine


def prepare(engine: Engine) -> None:
    """Create the SQLite file's folder and the tables, if missing. Processes may race
    to create the tables: a CREATE that fails because another process made that table
    meanwhile is retried, and each retry finds at least one more table made, so the
    loop ends once every table exists (at most one try per table, plus one)."""
    database = engine.url.database
    if engine.url.get_backend_name() == "sqlite" and database and database != ":memory:":
        Path(database).parent.mkdir(parents=True, exist_ok=True)
    for attempt in range(len(Base.metadata.tables) + 1):
        try:
            Base.metadata.create_all(engine)
            break
        except DBAPIError:
            if attempt == len(Base.metadata.tables):
                raise
    migrate(engine)


# (table, column, SQL type): columns added after the table was first released.
_ADDED_COLUMNS = (("runs", "owner", "TEXT"), ("cameras", "owner", "TEXT"),
                  ("share_links", "camera_id", "VARCHAR(16)"))
_ADDED_INDEXES = ("CREATE INDEX IF NOT EXISTS ix_runs_owner ON runs (owner)",
                  "CREATE INDEX IF NOT EXISTS ix_cameras_owner ON cameras (owner)",
                  "CREATE INDEX IF NOT EXISTS ix_share_links_camera_id "
                  "ON share_links (camera_id)")
# (table, column): NOT NULL when the table was first released, nullable since.
_NOW_NULLABLE = (("share_links", "run_id"),)  # a link opens a run or a camera


def migrate(engine: Engine) -> None:
    """Bring a database made by an older release up to the schema: lift the NOT NULLs
    lifted since, add the columns (and their indexes) it lacks. Safe to run again, and
    from two processes at once: what the other process changed meanwhile is taken as
    done."""
    for table, column in _NOW_NULLABLE:
        if _nullable(engine, table, column):
            continue
        if engine.dialect.name == "sqlite":
            _rebuild_sqlite_table(engine, Base.metadata.tables[table], column)
        else:
            with engine.begin() as connection:  # idempotent in PostgreSQL itself
                connection.execute(text(
                    f"ALTER TABLE {table} ALTER COLUMN {column} DROP NOT NULL"))
    for table, column, sql_type in _ADDED_COLUMNS:
        if column in {c["name"] for c in inspect(engine).get_columns(table)}:
            continue
        try:
            with engine.begin() as connection:
                connection.execute(text(f"ALTER TABLE {table} ADD COLUMN {column} {sql_type}"))
        except DBAPIError:
            if column not in {c["name"] for c in inspect(engine).get_columns(table)}:
                raise
    for statement in _ADDED_INDEXES:
        try:
            with engine.begin() as connection:
                connection.execute(text(statement))
        except DBAPIError:  # made by another process between its check and ours
            pass


def _nullable(engine: Engine, table: str, column: str) -> bool:
    return next(bool(c["nullable"]) for c in inspect(engine).get_columns(table)
                if c["name"] == column)


def _rebuild_sqlite_table(engine: Engine, table: Table, column: str) -> None:
    """Make `table` anew as the schema has it (SQLite cannot drop a NOT NULL in place)
    and copy its rows, the way sqlite.org/lang_altertable.html describes: create a new
    table, copy, drop the old one, rename the new one, make the indexes. All in one
    IMMEDIATE transaction, which checks `column` again once it holds the write lock, so
    of two processes migrating at once the second finds the work done."""
    staging = f"{table.name}_rebuilding"
    create = str(CreateTable(table).compile(dialect=engine.dialect)).strip()
    head = f"CREATE TABLE {table.name} ("
    if not create.startswith(head):
        raise RuntimeError(f"unexpected DDL for {table.name}: {create[:60]!r}")
    create = f"CREATE TABLE {staging} (" + create.removeprefix(head)
    indexes = [str(CreateIndex(index).compile(dialect=engine.dialect))
               for index in table.indexes]
    raw = engine.raw_connection()
    try:
        sqlite: Any = raw.driver_connection
        level = sqlite.isolation_level
        sqlite.isolation_level = None  # the transaction below is ours, statement by statement
        try:
            cursor = sqlite.cursor()
            cursor.execute("BEGIN IMMEDIATE")  # waits for the busy timeout, then fails
            try:
                old = {row[1]: bool(row[3]) for row in
                       cursor.execute(f"PRAGMA table_info({table.name})")}
                if old.get(column):  # still NOT NULL: nobody rebuilt it meanwhile
                    kept = ", ".join(c.name for c in table.columns if c.name in old)
                    cursor.execute(create)
                    cursor.execute(f"INSERT INTO {staging} ({kept}) "
                                   f"SELECT {kept} FROM {table.name}")
                    cursor.execute(f"DROP TABLE {table.name}")
                    cursor.execute(f"ALTER TABLE {staging} RENAME TO {table.name}")
                    for statement in indexes:
                        cursor.execute(statement)
                cursor.execute("COMMIT")
            except BaseException:
                cursor.execute("ROLLBACK")
                raise
        finally:
            sqlite.isolation_level = level
    finally:
        raw.close()


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_S * 1000}")
    cursor.execute("PRAGMA journal_mode = WAL")
    cursor.close()
