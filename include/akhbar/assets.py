"""Airflow Assets shared by the DAGs (only ``airflow.sdk`` is imported: parse-time safe)."""

from __future__ import annotations

from airflow.sdk import Asset

# Updated by akhbar_daily's load task; schedules akhbar_maintenance.
# A logical URI: the same on a laptop and in Docker, whatever the file path.
WAREHOUSE = Asset(name="akhbar_warehouse", uri="akhbar://warehouse/main", group="akhbar")
