# shellcheck shell=sh
# Environment for running Airflow locally on this checkout. Source it (POSIX sh or bash):
#   . scripts/airflow_env.sh
# Every value can be overridden by exporting it first.

if [ -n "${BASH_SOURCE:-}" ]; then
    AKHBAR_REPO="${AKHBAR_REPO:-$(cd "$(dirname "$BASH_SOURCE")/.." && pwd)}"
else
    AKHBAR_REPO="${AKHBAR_REPO:-$(pwd)}"
fi
export AKHBAR_REPO
export PATH="$AKHBAR_REPO/.venv/bin:$PATH"

export AIRFLOW_HOME="${AIRFLOW_HOME:-$AKHBAR_REPO/airflow_home}"
export AIRFLOW__CORE__DAGS_FOLDER="${AIRFLOW__CORE__DAGS_FOLDER:-$AKHBAR_REPO/dags}"
export AIRFLOW__CORE__PLUGINS_FOLDER="${AIRFLOW__CORE__PLUGINS_FOLDER:-$AKHBAR_REPO/plugins}"
export AIRFLOW__CORE__LOAD_EXAMPLES="${AIRFLOW__CORE__LOAD_EXAMPLES:-False}"
export AIRFLOW__DATABASE__SQL_ALCHEMY_CONN="${AIRFLOW__DATABASE__SQL_ALCHEMY_CONN:-sqlite:///$AIRFLOW_HOME/airflow.db}"
case "$AIRFLOW__DATABASE__SQL_ALCHEMY_CONN" in
    # SQLite: wait up to 2 min for the write lock, not 5 s (include/akhbar/ops/sqlite_metadata.py)
    sqlite*) export AIRFLOW__DATABASE__SQL_ALCHEMY_CONNECT_ARGS="${AIRFLOW__DATABASE__SQL_ALCHEMY_CONNECT_ARGS:-akhbar.ops.sqlite_metadata.CONNECT_ARGS}" ;;
esac
# `make airflow` runs the stock LocalExecutor; export
# AIRFLOW__CORE__EXECUTOR=akhbar.ops.executor.WarmLocalExecutor first for workers that
# preload the pipeline's modules (what make week, the scheduler test and the bench use).
# Two cores: keep the number of concurrently running task processes modest.
export AIRFLOW__CORE__PARALLELISM="${AIRFLOW__CORE__PARALLELISM:-4}"
export AIRFLOW__CORE__MAX_ACTIVE_TASKS_PER_DAG="${AIRFLOW__CORE__MAX_ACTIVE_TASKS_PER_DAG:-4}"
export AIRFLOW__CORE__MAX_ACTIVE_RUNS_PER_DAG="${AIRFLOW__CORE__MAX_ACTIVE_RUNS_PER_DAG:-1}"
export AIRFLOW__API__PORT="${AIRFLOW__API__PORT:-${AKHBAR_AIRFLOW_PORT:-8080}}"
export AIRFLOW__API__WORKERS="${AIRFLOW__API__WORKERS:-1}"
export AIRFLOW__CORE__EXECUTION_API_SERVER_URL="${AIRFLOW__CORE__EXECUTION_API_SERVER_URL:-http://localhost:$AIRFLOW__API__PORT/execution/}"
export AIRFLOW__SCHEDULER__ENABLE_HEALTH_CHECK="${AIRFLOW__SCHEDULER__ENABLE_HEALTH_CHECK:-False}"

export AKHBAR_DATA_DIR="${AKHBAR_DATA_DIR:-$AKHBAR_REPO/data}"
# Task processes fetch with a few threads: bound glibc's per-thread malloc arenas,
# and DuckDB's buffer pool (it spills to disk past the limit).
export MALLOC_ARENA_MAX="${MALLOC_ARENA_MAX:-2}"
export AKHBAR_DUCKDB_MEMORY_LIMIT="${AKHBAR_DUCKDB_MEMORY_LIMIT:-1GB}"
export AKHBAR_SETTINGS_JSON="${AKHBAR_SETTINGS_JSON:-$AKHBAR_REPO/airflow/settings.json}"

# Import the pools and variables of airflow/settings.json into the metadata DB.
akhbar_import_settings() {
    python - "$AKHBAR_SETTINGS_JSON" "$AIRFLOW_HOME" <<'PY' || return 1
import json, sys, pathlib
settings = json.loads(pathlib.Path(sys.argv[1]).read_text())
home = pathlib.Path(sys.argv[2])
(home / "akhbar_pools.json").write_text(json.dumps(settings.get("pools", {})))
(home / "akhbar_variables.json").write_text(json.dumps(settings.get("variables", {})))
PY
    airflow pools import "$AIRFLOW_HOME/akhbar_pools.json" >/dev/null || return 1
    airflow variables import -a overwrite "$AIRFLOW_HOME/akhbar_variables.json" >/dev/null || return 1
}
