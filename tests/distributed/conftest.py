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
