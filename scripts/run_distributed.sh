#!/usr/bin/env bash
# `make test-distributed`: prove the multi-machine shape on one host, without Docker.
# PostgreSQL (metadata DB + Celery result backend) and Redis (Celery broker) on loopback in a
# temp dir; api-server, scheduler, dag-processor and a real `airflow celery worker`; trigger a
# DAG, wait for it, print a JSON summary, stop everything (trap EXIT) leaving nothing running.
#
# usage: scripts/run_distributed.sh [DAG_ID] [DAGS_FOLDER] [TIMEOUT_S]
#   env: AKHBAR_DIST_RESULT=<file> also writes the summary there; AKHBAR_DIST_KEEP=1 keeps the
#        temp dir; AKHBAR_DATA_DIR defaults to <tmp>/data; other AKHBAR_* pass through to tasks
#        (AKHBAR_WAREHOUSE=ducklake:… sets duckdb_writer to AKHBAR_LAKE_WRITER_SLOTS, default 2);
#        AKHBAR_DIST_WORKERS=N starts N Celery workers (separate processes, own log server ports,
#        AKHBAR_DIST_CONCURRENCY slots each, default 2); AKHBAR_DIST_BACKFILL_TO=YYYY-MM-DD makes
#        the backfill a range (AKHBAR_DIST_BACKFILL_RUNS of its runs at once, default 1) and
#        the script waits for every run of it; AKHBAR_DIST_WRITER_BARRIER=1 holds every load
#        until all runs' loads are waiting for duckdb_writer, then releases them together.
set -euo pipefail
REPO="$(cd "$(dirname "$0")/.." && pwd)"
DAG_ID="${1:-akhbar_celery_probe}"
DAGS_FOLDER="$(cd "${2:-$REPO/tests/distributed/dags}" && pwd)"
TIMEOUT_S="${3:-300}"
START=$(date +%s)
WORK="$(mktemp -d /tmp/akhbar_dist.XXXXXX)"
chmod 755 "$WORK"
PY="$REPO/.venv/bin/python"
say() { echo "[dist +$(( $(date +%s) - START ))s] $*"; }

# --- binaries ---------------------------------------------------------------------------
need_apt=()
PG_BIN="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1 || true)"
[ -x "$PG_BIN/initdb" ] || need_apt+=(postgresql)
command -v redis-server >/dev/null || need_apt+=(redis-server)
if [ ${#need_apt[@]} -gt 0 ]; then
    say "installing ${need_apt[*]} with apt-get"
    [ "$(id -u)" = 0 ] || { echo "need root to apt-get install ${need_apt[*]}" >&2; exit 2; }
    apt-get install -y --no-install-recommends "${need_apt[@]}" >"$WORK/apt.log" 2>&1 \
        || { apt-get update >/dev/null 2>&1 && apt-get install -y --no-install-recommends "${need_apt[@]}" >>"$WORK/apt.log" 2>&1; }
    PG_BIN="$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)"
fi

free_port() { "$PY" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
PG_PORT=$(free_port); REDIS_PORT=$(free_port); API_PORT=$(free_port)
LOG_PORT=$(free_port); TRIG_LOG_PORT=$(free_port)

PGIDS=()
REDIS_PID=""
cleanup() {
    local rc=$?
    trap - EXIT INT TERM
    say "stopping components"
    for g in "${PGIDS[@]}"; do kill -TERM -- "-$g" 2>/dev/null || true; done
    for _ in $(seq 1 40); do
        alive=0
        for g in "${PGIDS[@]}"; do kill -0 -- "-$g" 2>/dev/null && alive=1; done
        [ $alive = 0 ] && break
        sleep 0.25
    done
    for g in "${PGIDS[@]}"; do kill -KILL -- "-$g" 2>/dev/null || true; done
    [ -n "$REDIS_PID" ] && { kill "$REDIS_PID" 2>/dev/null || true; wait "$REDIS_PID" 2>/dev/null || true; }
    if [ -f "$WORK/pg/postmaster.pid" ]; then
        as_pg "$PG_BIN/pg_ctl" -D "$WORK/pg" -m fast -w stop >/dev/null 2>&1 || true
    fi
    if [ "${AKHBAR_DIST_KEEP:-0}" = 1 ] || [ $rc != 0 ]; then
        say "logs kept in $WORK/logs"
    else
        rm -rf "$WORK"
    fi
    say "done (exit $rc)"
    exit $rc
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# --- PostgreSQL ------------------------------------------------------------------------
if [ "$(id -u)" = 0 ]; then
    as_pg() { runuser -u postgres -- "$@"; }
else
    as_pg() { "$@"; }
fi
mkdir -p "$WORK/pg" "$WORK/pgsock" "$WORK/redis" "$WORK/logs"
[ "$(id -u)" = 0 ] && chown postgres "$WORK/pg" "$WORK/pgsock" "$WORK/logs" && chmod 777 "$WORK/logs"
say "initdb (PostgreSQL $(basename "$(dirname "$PG_BIN")")) on 127.0.0.1:$PG_PORT"
as_pg "$PG_BIN/initdb" -D "$WORK/pg" -U airflow -A trust -E UTF8 >"$WORK/logs/initdb.log" 2>&1
as_pg "$PG_BIN/pg_ctl" -D "$WORK/pg" -l "$WORK/logs/postgres.log" -w -t 60 \
    -o "-p $PG_PORT -k $WORK/pgsock -c listen_addresses=127.0.0.1 -c max_connections=100 -c fsync=off" \
    start >/dev/null
"$PG_BIN/createdb" -h 127.0.0.1 -p "$PG_PORT" -U airflow airflow

say "redis on 127.0.0.1:$REDIS_PORT"
redis-server --port "$REDIS_PORT" --bind 127.0.0.1 --dir "$WORK/redis" --save "" \
    --appendonly no --daemonize no >"$WORK/logs/redis.log" 2>&1 &
REDIS_PID=$!

# --- Airflow ---------------------------------------------------------------------------
DB_URL="postgresql+psycopg2://airflow@127.0.0.1:$PG_PORT/airflow"
export AIRFLOW_HOME="$WORK/airflow_home"
export AIRFLOW__CORE__DAGS_FOLDER="$DAGS_FOLDER"
export AIRFLOW__CORE__EXECUTOR=CeleryExecutor
export AIRFLOW__DATABASE__SQL_ALCHEMY_CONN="$DB_URL"
export AIRFLOW__CELERY__BROKER_URL="redis://127.0.0.1:$REDIS_PORT/0"
export AIRFLOW__CELERY__RESULT_BACKEND="db+postgresql://airflow@127.0.0.1:$PG_PORT/airflow"
export AIRFLOW__CELERY__WORKER_CONCURRENCY=2
# Pool processes preload GX, trafilatura, pandas once; task processes fork warm.
export AIRFLOW__CELERY__CELERY_CONFIG_OPTIONS=akhbar.ops.celery_config.CELERY_CONFIG
export AIRFLOW__API__PORT="$API_PORT"
export AIRFLOW__API__HOST=127.0.0.1
export AIRFLOW__CORE__EXECUTION_API_SERVER_URL="http://127.0.0.1:$API_PORT/execution/"
AIRFLOW__API_AUTH__JWT_SECRET="$("$PY" -c 'import secrets; print(secrets.token_urlsafe(32))')"
export AIRFLOW__API_AUTH__JWT_SECRET
export AIRFLOW__API__SECRET_KEY="$AIRFLOW__API_AUTH__JWT_SECRET"
export AIRFLOW__LOGGING__WORKER_LOG_SERVER_PORT="$LOG_PORT"
export AIRFLOW__LOGGING__TRIGGER_LOG_SERVER_PORT="$TRIG_LOG_PORT"
export AIRFLOW__CORE__DAGS_ARE_PAUSED_AT_CREATION=False
# AKHBAR_DIST_BACKFILL=YYYY-MM-DD: run `airflow backfill create` for that date instead
# of a manual trigger (AKHBAR_DIST_BACKFILL_CONF: its --dag-run-conf). The scheduler
# then creates no scheduled runs (use_job_schedule off), so only the backfill runs.
if [ -n "${AKHBAR_DIST_BACKFILL:-}" ]; then
    export AIRFLOW__SCHEDULER__USE_JOB_SCHEDULE=False
fi
export AIRFLOW__DAG_PROCESSOR__REFRESH_INTERVAL=5
export AIRFLOW__SCHEDULER__ENABLE_HEALTH_CHECK=False
export AKHBAR_DATA_DIR="${AKHBAR_DATA_DIR:-$WORK/data}"
# shellcheck source=scripts/airflow_env.sh
AKHBAR_REPO="$REPO" . "$REPO/scripts/airflow_env.sh"
mkdir -p "$AIRFLOW_HOME" "$AKHBAR_DATA_DIR"

say "airflow db migrate"
airflow db migrate >"$WORK/logs/db_migrate.log" 2>&1
akhbar_import_settings
# A DuckLake warehouse (AKHBAR_WAREHOUSE=ducklake:…, AKHBAR_LAKE_DATA_PATH) takes loads of
# several dates at once (commit conflicts are retried): widen the writer pool.
if [[ "${AKHBAR_WAREHOUSE:-}" == ducklake:* ]]; then
    airflow pools set duckdb_writer "${AKHBAR_LAKE_WRITER_SLOTS:-2}" \
        "DuckLake warehouse: concurrent loads, conflicting commits retried" >/dev/null
    say "DuckLake warehouse: pool duckdb_writer has ${AKHBAR_LAKE_WRITER_SLOTS:-2} slots"
fi
# AKHBAR_DIST_WRITER_BARRIER=1 (a test's barrier): duckdb_writer starts with 0 slots and gets
# its slots back once every run's load task waits for it, so the loads start together.
BARRIER=""
if [ "${AKHBAR_DIST_WRITER_BARRIER:-0}" = 1 ]; then
    WRITER_SLOTS="$("$PY" -c 'import json, sys; print(json.load(open(sys.argv[1]))["pools"]["duckdb_writer"]["slots"])' "$AKHBAR_SETTINGS_JSON")"
    if [[ "${AKHBAR_WAREHOUSE:-}" == ducklake:* ]]; then WRITER_SLOTS="${AKHBAR_LAKE_WRITER_SLOTS:-2}"; fi
    airflow pools set duckdb_writer 0 "held until every run's load waits" >/dev/null
    BARRIER=held
    say "writer barrier: duckdb_writer has 0 slots until every run's load is scheduled"
fi

start() {  # start NAME CMD... in its own process group
    local name=$1
    shift
    setsid "$@" >"$WORK/logs/$name.log" 2>&1 &
    PGIDS+=($!)
    say "started $name (pgid $!)"
}
start api-server airflow api-server --port "$API_PORT"
start scheduler airflow scheduler
start dag-processor airflow dag-processor
start celery-worker airflow celery worker --concurrency "${AKHBAR_DIST_CONCURRENCY:-2}" \
    --celery-hostname "akhbar-dist-worker@%h"
for i in $(seq 2 "${AKHBAR_DIST_WORKERS:-1}"); do  # each worker serves its task logs on its own port
    AIRFLOW__LOGGING__WORKER_LOG_SERVER_PORT="$(free_port)" start "celery-worker-$i" \
        airflow celery worker --concurrency "${AKHBAR_DIST_CONCURRENCY:-2}" \
        --celery-hostname "akhbar-dist-worker$i@%h"
done

sql() { "$PY" - "$DB_URL" "$@" <<'PY'
import json, sys
import psycopg2
url, query, *params = sys.argv[1:]
con = psycopg2.connect(url.replace("postgresql+psycopg2", "postgresql"))
with con, con.cursor() as cur:
    cur.execute(query, params)
    rows = cur.fetchall() if cur.description else []
print(json.dumps(rows, default=str))
PY
}

deadline=$((START + TIMEOUT_S))
say "waiting for $DAG_ID to be parsed"
until [ "$(sql "SELECT count(*) FROM dag WHERE dag_id = %s AND is_stale = false" "$DAG_ID")" = "[[1]]" ]; do
    [ "$(date +%s)" -lt $deadline ] || { say "DAG $DAG_ID never appeared"; tail -30 "$WORK/logs/dag-processor.log"; exit 1; }
    sleep 2
done
airflow dags unpause "$DAG_ID" >/dev/null
if [ -n "${AKHBAR_DIST_BACKFILL:-}" ]; then
    BACKFILL_TO="${AKHBAR_DIST_BACKFILL_TO:-$AKHBAR_DIST_BACKFILL}"
    DAYS="$("$PY" -c 'import datetime as d, sys; a, b = (d.date.fromisoformat(x) for x in sys.argv[1:]); print((b - a).days + 1)' "$AKHBAR_DIST_BACKFILL" "$BACKFILL_TO")"
    airflow backfill create --dag-id "$DAG_ID" --from-date "$AKHBAR_DIST_BACKFILL" \
        --to-date "$BACKFILL_TO" --reprocess-behavior completed \
        --max-active-runs "${AKHBAR_DIST_BACKFILL_RUNS:-1}" \
        ${AKHBAR_DIST_BACKFILL_CONF:+--dag-run-conf "$AKHBAR_DIST_BACKFILL_CONF"} \
        >"$WORK/logs/backfill.log" 2>&1 || { cat "$WORK/logs/backfill.log"; exit 1; }
    RUN_IDS=()
    until [ "${#RUN_IDS[@]}" -ge "$DAYS" ]; do
        [ "$(date +%s)" -lt $deadline ] || { say "the backfill's runs did not appear"; cat "$WORK/logs/backfill.log"; exit 1; }
        mapfile -t RUN_IDS < <(sql "SELECT run_id FROM dag_run WHERE dag_id = %s AND run_type = 'backfill' ORDER BY logical_date" "$DAG_ID" | "$PY" -c 'import json, sys; [print(r[0]) for r in json.load(sys.stdin)]')
        [ "${#RUN_IDS[@]}" -ge "$DAYS" ] || sleep 2
    done
    say "backfill of $DAG_ID for $AKHBAR_DIST_BACKFILL..$BACKFILL_TO: runs ${RUN_IDS[*]}"
else
    RUN_IDS=("dist__$(date +%Y%m%dT%H%M%S)")
    airflow dags trigger "$DAG_ID" --run-id "${RUN_IDS[0]}" >/dev/null
    say "triggered $DAG_ID run ${RUN_IDS[0]}"
fi
RUN_ID="${RUN_IDS[0]}"

release_barrier() {  # once every run's load task is scheduled (waiting for the pool)
    [ "$BARRIER" = held ] || return 0
    local waiting
    waiting="$(sql "SELECT count(*) FROM task_instance WHERE dag_id = %s AND task_id = 'load' AND state = 'scheduled' AND run_id = ANY(string_to_array(%s, ' '))" "$DAG_ID" "${RUN_IDS[*]}")"
    if [ "$waiting" = "[[${#RUN_IDS[@]}]]" ]; then
        airflow pools set duckdb_writer "$WRITER_SLOTS" "writer barrier released" >/dev/null
        BARRIER=released
        say "writer barrier released: duckdb_writer has $WRITER_SLOTS slots"
    fi
}

state=""
for run in "${RUN_IDS[@]}"; do
    while :; do
        release_barrier
        state="$(sql "SELECT state FROM dag_run WHERE dag_id = %s AND run_id = %s" "$DAG_ID" "$run")"
        case "$state" in *success*|*failed*) break ;; esac
        if [ "$(date +%s)" -ge $deadline ]; then say "timed out in state $state"; break 2; fi
        sleep 3
    done
    say "run $run state: $state"
    case "$state" in *success*) ;; *) break ;; esac
done

RESULT="$("$PY" - "$DB_URL" "$DAG_ID" "$WORK/logs" "$AKHBAR_DATA_DIR" "${RUN_IDS[@]}" <<'PY'
import json, sys
from pathlib import Path
import psycopg2
url, dag_id, log_dir, data_dir, *run_ids = sys.argv[1:]
run_id = run_ids[0]
worker_log = str(Path(log_dir) / "celery-worker.log")
con = psycopg2.connect(url.replace("postgresql+psycopg2", "postgresql"))
with con, con.cursor() as cur:
    cur.execute(
        "SELECT run_id, state, logical_date::date::text, start_date, end_date FROM dag_run"
        " WHERE dag_id=%s AND run_id = ANY(%s) ORDER BY logical_date",
        (dag_id, run_ids),
    )
    runs = [dict(zip(["run_id", "state", "logical_date", "start_date", "end_date"], r))
            for r in cur.fetchall()]
    states = {r["state"] for r in runs}
    run_state = "success" if states == {"success"} and len(runs) == len(run_ids) else (
        "failed" if "failed" in states else ",".join(sorted(states)) or "missing")
    cur.execute(
        "SELECT run_id, task_id, map_index, rendered_map_index, state, hostname, executor, pool,"
        " try_number, start_date, end_date"
        " FROM task_instance WHERE dag_id=%s AND run_id = ANY(%s) ORDER BY run_id, task_id, map_index",
        (dag_id, run_ids),
    )
    cols = [d[0] for d in cur.description]
    tis = [dict(zip(cols, r)) for r in cur.fetchall()]
    cur.execute("SELECT to_regclass('celery_taskmeta') IS NOT NULL")
    celery = {}
    if cur.fetchone()[0]:
        cur.execute("SELECT status, count(*) FROM celery_taskmeta GROUP BY status")
        celery = dict(cur.fetchall())
log = Path(worker_log).read_text(errors="replace")
worker_logs = {p.stem: p.read_text(errors="replace") for p in Path(log_dir).glob("celery-worker*.log")}
print(json.dumps({
    "dag_id": dag_id, "run_id": run_id, "state": run_state, "task_instances": tis,
    "runs": runs,
    "work_dir": str(Path(worker_log).parents[1]),
    "celery_taskmeta": celery,
    "worker_log_mentions_run": run_id in log,
    "worker_logs_mention_runs": {w: sorted(r for r in run_ids if r in text)
                                 for w, text in worker_logs.items()},
    "worker_log_tail": log[-1500:],
    "data_dir": data_dir,
    "probe_files": sorted(p.name for p in (Path(data_dir) / "celery_probe").glob("*.json")),
    "probe": {p.name: json.loads(p.read_text()) for p in (Path(data_dir) / "celery_probe").glob("*.json")},
}, default=str))
PY
)"
ELAPSED=$(( $(date +%s) - START ))
RESULT="$("$PY" -c 'import json,sys; d=json.loads(sys.argv[1]); d["elapsed_s"]=int(sys.argv[2]); print(json.dumps(d))' "$RESULT" "$ELAPSED")"
[ -n "${AKHBAR_DIST_RESULT:-}" ] && printf '%s\n' "$RESULT" >"$AKHBAR_DIST_RESULT"
echo "AKHBAR_DIST_RESULT $RESULT"
case "$state" in *success*) exit 0 ;; *) tail -40 "$WORK/logs/scheduler.log"; tail -40 "$WORK/logs/celery-worker.log"; exit 1 ;; esac
