"""Connect arguments for Airflow's SQLite metadata database (the embedded default).

The scheduler, the DAG processor, the API server and ``airflow backfill create``
all write to one SQLite file. Python's default busy timeout is 5 s: on a loaded
two-core machine a writer can wait longer than that and Airflow fails with
"database is locked". (SQLite also answers that at once, with no wait, when a
transaction that has read must write while another writes: ``LocalAirflow.backfill``
retries the backfill's creation for that case.) Pointed at by
``AIRFLOW__DATABASE__SQL_ALCHEMY_CONNECT_ARGS`` only when the metadata database
is SQLite (PostgreSQL takes other arguments).
"""

from __future__ import annotations

from typing import Any

#: Seconds a SQLite writer waits for the lock before "database is locked".
BUSY_TIMEOUT_S = 120

CONNECT_ARGS: dict[str, Any] = {"timeout": BUSY_TIMEOUT_S}
