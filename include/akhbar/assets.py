"""Airflow Assets shared by the DAGs (only ``airflow.sdk`` is imported: parse-time safe)."""

from __future__ import annotations

from airflow.sdk import Asset

# Updated by akhbar_daily's load task; schedules akhbar_maintenance.
WAREHOUSE = Asset(name="akhbar_warehouse", uri="file:///akhbar/warehouse.duckdb",
                  group="akhbar")
