#!/usr/bin/env bash
# Prepare a local Airflow home under the repo: SQLite metadata, no examples, pools.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/airflow_env.sh
mkdir -p "$AIRFLOW_HOME"
stamp="$AIRFLOW_HOME/.akhbar-ready"
if [[ ! -f "$stamp" || airflow/settings.json -nt "$stamp" ]]; then
    echo "preparing Airflow home in $AIRFLOW_HOME (SQLite metadata) ..."
    airflow db migrate >"$AIRFLOW_HOME/db-migrate.log" 2>&1 || {
        tail -20 "$AIRFLOW_HOME/db-migrate.log"; exit 1; }
    akhbar_import_settings
    touch "$stamp"
fi
