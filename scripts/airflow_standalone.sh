#!/usr/bin/env bash
# `make airflow`: Airflow 3 standalone (api-server, scheduler, dag-processor, triggerer) on this
# checkout. Ctrl-C / SIGTERM stops the whole process group: `airflow standalone` itself leaves
# its children running when it gets SIGTERM, so we signal the group, not the process.
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=scripts/airflow_env.sh
. scripts/airflow_env.sh

mkdir -p "$AIRFLOW_HOME" "$AKHBAR_DATA_DIR"
echo "[akhbar] AIRFLOW_HOME=$AIRFLOW_HOME"
echo "[akhbar] migrating metadata database ..."
airflow db migrate >"$AIRFLOW_HOME/db_migrate.log" 2>&1 || {
    tail -20 "$AIRFLOW_HOME/db_migrate.log"
    exit 1
}
akhbar_import_settings
echo "[akhbar] pools: $(airflow pools list -o plain 2>/dev/null | awk 'NR>1{printf "%s(%s) ", $1, $2}')"

# Offline by default: the bundled snapshot of real feeds and pages, replayed on loopback,
# so a newcomer without internet sees a green run. AKHBAR_LIVE=1 polls the real catalogue.
REPLAY_PID=""
if [ "${AKHBAR_LIVE:-0}" != 1 ]; then
    ready="$AIRFLOW_HOME/replay.port"; rm -f "$ready"
    akhbar replay snapshot/warc --port 0 --ready-file "$ready" >"$AIRFLOW_HOME/replay.log" 2>&1 &
    REPLAY_PID=$!
    for _ in $(seq 1 100); do [[ -s "$ready" ]] && break; sleep 0.1; done
    [[ -s "$ready" ]] || { echo "[akhbar] replay server did not start"; cat "$AIRFLOW_HOME/replay.log"; exit 1; }
    port="$(cat "$ready")"
    export AKHBAR_SOURCES="$PWD/snapshot/sources.csv"
    export AKHBAR_REPLAY_URL="http://127.0.0.1:$port"
    export AKHBAR_ALLOW_HOSTS="127.0.0.1:$port${AKHBAR_ALLOW_HOSTS:+,$AKHBAR_ALLOW_HOSTS}"
    export AKHBAR_MIN_DELAY_S="${AKHBAR_MIN_DELAY_S:-0.1}"
    # Unpaused on creation: the scheduler runs the latest day on the snapshot at once.
    export AIRFLOW__CORE__DAGS_ARE_PAUSED_AT_CREATION="${AIRFLOW__CORE__DAGS_ARE_PAUSED_AT_CREATION:-False}"
    echo "[akhbar] offline: snapshot/warc replayed on $AKHBAR_REPLAY_URL (AKHBAR_LIVE=1 make airflow polls the real feeds)"
else
    echo "[akhbar] live: polling the catalogue ${AKHBAR_SOURCES:-seeds/sources.csv} over the internet"
fi

# Own session => own process group whose id is the standalone pid.
setsid airflow standalone &
PGID=$!
echo "[akhbar] airflow standalone running, process group $PGID"
echo "[akhbar] UI:       http://localhost:$AIRFLOW__API__PORT  (pipeline health: /akhbar/)"
echo "[akhbar] login:    admin; password in $AIRFLOW_HOME/simple_auth_manager_passwords.json.generated"
echo "[akhbar] stop:     Ctrl-C"

stopped=0
stop_group() {
    [ "$stopped" = 1 ] && return
    stopped=1
    trap - INT TERM EXIT
    echo "[akhbar] stopping process group $PGID ..."
    kill -TERM -- "-$PGID" 2>/dev/null || true
    for _ in $(seq 1 60); do
        kill -0 -- "-$PGID" 2>/dev/null || break
        sleep 0.25
    done
    if kill -0 -- "-$PGID" 2>/dev/null; then
        echo "[akhbar] still running after 15 s, sending SIGKILL"
        kill -KILL -- "-$PGID" 2>/dev/null || true
    fi
    if [ -n "$REPLAY_PID" ]; then  # bounded: never wait on the replay server for ever
        kill -TERM "$REPLAY_PID" 2>/dev/null || true
        for _ in $(seq 1 20); do kill -0 "$REPLAY_PID" 2>/dev/null || break; sleep 0.25; done
        kill -KILL "$REPLAY_PID" 2>/dev/null || true
    fi
    echo "[akhbar] stopped"
}
trap 'stop_group; exit 130' INT
trap 'stop_group; exit 143' TERM
trap 'stop_group' EXIT
wait "$PGID" || true
