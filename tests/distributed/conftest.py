"""Distributed-path tests: everything here is marked ``distributed`` and needs PostgreSQL+Redis
binaries (or root to apt-get them). Run with ``make test-distributed`` or ``pytest -m distributed``."""

from __future__ import annotations

import glob
import os
import shutil
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    for item in items:
        if HERE in Path(str(item.fspath)).resolve().parents:
            item.add_marker(pytest.mark.distributed)


@pytest.fixture(scope="session")
def distributed_binaries() -> None:
    has_pg = bool(glob.glob("/usr/lib/postgresql/*/bin/initdb"))
    has_redis = shutil.which("redis-server") is not None
    if not (has_pg and has_redis) and os.geteuid() != 0:
        pytest.skip("PostgreSQL/Redis binaries missing and not root to apt-get install them")


# --------------------------------------------------------------------------- DuckLake


def _pg_bin() -> Path | None:
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"))
    return Path(found[-1]).parent if found else None


class LakePostgres:
    """A throwaway PostgreSQL on 127.0.0.1 (trust auth) holding DuckLake catalogs."""

    def __init__(self, root: Path):
        self.root = root
        self.bin = _pg_bin()
        self.port = 0
        self.user = "akhbar"

    def _as_pg(self, *cmd: str) -> list[str]:
        return ["runuser", "-u", "postgres", "--", *cmd] if os.geteuid() == 0 else list(cmd)

    def start(self) -> None:
        import socket
        import subprocess

        data, sock = self.root / "pg", self.root / "sock"
        for path in (self.root, data, sock):
            path.mkdir(exist_ok=True)
            if os.geteuid() == 0:
                shutil.chown(path, "postgres")
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            self.port = probe.getsockname()[1]
        initdb = [str(self.bin / "initdb"), "-D", str(data), "-U", self.user, "-A", "trust"]
        subprocess.run(self._as_pg(*initdb, "-E", "UTF8"), check=True, capture_output=True)
        options = f"-p {self.port} -k {sock} -c listen_addresses=127.0.0.1 -c fsync=off"
        subprocess.run(
            self._as_pg(
                str(self.bin / "pg_ctl"), "-D", str(data), "-l", str(self.root / "pg.log"),
                "-w", "-t", "60", "-o", options, "start",
            ),
            check=True,
            capture_output=True,
        )  # fmt: skip

    def stop(self) -> None:
        import subprocess

        if self.port:
            subprocess.run(
                self._as_pg(str(self.bin / "pg_ctl"), "-D", str(self.root / "pg"), "-m", "fast",
                            "-w", "stop"),
                capture_output=True,
            )  # fmt: skip

    def new_lake(self, name: str, data_root: Path):  # -> LakeTarget
        import subprocess

        from akhbar.config import LakeTarget

        subprocess.run(
            [str(self.bin / "createdb"), "-h", "127.0.0.1", "-p", str(self.port), "-U", self.user,
             name],
            check=True,
            capture_output=True,
        )  # fmt: skip
        catalog = (
            f"ducklake:postgres:dbname={name} host=127.0.0.1 port={self.port} user={self.user}"
        )
        return LakeTarget(catalog=catalog, data_path=str(data_root / name))


@pytest.fixture(scope="session")
def lake_postgres():
    """PostgreSQL 15 on loopback for DuckLake catalogs; skipped when it is not installed."""
    if _pg_bin() is None:
        pytest.skip(
            "DuckLake tests need PostgreSQL server binaries (/usr/lib/postgresql/*/bin): "
            "scripts/system_deps.sh installs them"
        )
    if os.geteuid() == 0 and shutil.which("runuser") is None:
        pytest.skip("running as root without runuser: cannot start PostgreSQL as postgres")
    import tempfile

    root = Path(tempfile.mkdtemp(prefix="akhbar-lake-pg-"))  # postgres must reach it
    root.chmod(0o755)
    server = LakePostgres(root / "server")
    try:
        server.start()
        yield server
    finally:
        server.stop()
        shutil.rmtree(root, ignore_errors=True)
