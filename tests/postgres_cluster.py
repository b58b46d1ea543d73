"""A throwaway PostgreSQL server for the tests that need a real one: the run store's
round trips and the app's saved-runs pages. `postgres_server` (in conftest.py) starts
one per test session when the server binaries are installed, and skips otherwise."""

from __future__ import annotations

import dataclasses
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy


def _postgres_bin() -> Path | None:
    found = shutil.which("pg_ctl")
    places = [Path(found).resolve().parent, Path(found).parent] if found else []
    places += sorted(Path("/usr/lib/postgresql").glob("*/bin"),
                     key=lambda p: int(p.parent.name) if p.parent.name.isdigit() else 0,
                     reverse=True)
    return next((p for p in places if all((p / tool).is_file() for tool in
                                          ("initdb", "pg_ctl", "postgres"))), None)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclasses.dataclass(frozen=True)
class PostgresServer:
    port: int
    admin: sqlalchemy.Engine  # AUTOCOMMIT, on the `postgres` database

    def url(self, database: str) -> str:
        return f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/{database}"


def start_postgres_server() -> Iterator[PostgresServer]:
    """A throwaway cluster in a temp folder: 127.0.0.1 on a free port, its socket in
    the temp folder, trust auth. As root, it runs as the `postgres` user (initdb and
    postgres refuse to run as root)."""
    bin_dir = _postgres_bin()
    if bin_dir is None:
        pytest.skip("PostgreSQL server binaries (initdb, pg_ctl) not found on PATH or in "
                    "/usr/lib/postgresql/*/bin; scripts/test.sh installs Debian's postgresql")
    as_user: list[str] = []
    owner = None
    if os.geteuid() == 0:
        try:
            owner = pwd.getpwnam("postgres")
        except KeyError:
            pytest.skip("running as root, and there is no unprivileged `postgres` user "
                        "to run the PostgreSQL server as")
        if shutil.which("runuser") is None:
            pytest.skip("running as root without `runuser` to start PostgreSQL as `postgres`")
        as_user = ["runuser", "-u", "postgres", "--"]
    root = Path(tempfile.mkdtemp(prefix="run-store-pg-"))  # short: socket paths are limited
    (root / "socket").mkdir()
    if owner is not None:
        for path in (root, root / "socket"):
            os.chown(path, owner.pw_uid, owner.pw_gid)
    env = dict(os.environ, LC_ALL="C", LANG="C")

    def pg(*args: str) -> None:
        done = subprocess.run([*as_user, *args], cwd=root, env=env, capture_output=True,
                              text=True, timeout=120)
        if done.returncode:
            log = root / "server.log"
            raise RuntimeError(f"{' '.join(args[:2])} failed: {done.stdout}{done.stderr}"
                               + (log.read_text() if log.exists() else ""))

    data, port = root / "data", _free_port()
    try:
        pg(str(bin_dir / "initdb"), "-D", str(data), "-U", "postgres", "-A", "trust",
           "-E", "UTF8", "--locale=C", "--no-sync")
        pg(str(bin_dir / "pg_ctl"), "-D", str(data), "-l", str(root / "server.log"), "-w",
           "-t", "60", "-o", f"-p {port} -k {root / 'socket'} -c listen_addresses=127.0.0.1 "
           "-F", "start")
        admin = sqlalchemy.create_engine(
            f"postgresql+psycopg://postgres@127.0.0.1:{port}/postgres",
            isolation_level="AUTOCOMMIT")
        yield PostgresServer(port, admin)
        admin.dispose()
    finally:
        if (data / "postmaster.pid").exists():
            pg(str(bin_dir / "pg_ctl"), "-D", str(data), "-m", "immediate", "-w", "stop")
        shutil.rmtree(root, ignore_errors=True)
