"""Alerting: task-failure callback and DAG-run deadline callback.

Every alert is one dict that names the DAG, task, source (the mapped task's
rendered map index, e.g. ``alalam``) and pipeline stage. It goes to the task
log, is appended as one JSON line to ``<data_dir>/alerts.jsonl`` and, when
``AKHBAR_ALERT_WEBHOOK`` is set, is POSTed there with a short timeout.
Nothing here raises: a broken alert path must never mask the original failure.

Usage in a DAG::

    from akhbar.ops.alerts import deadline_alert, on_failure_callback

    @dag(..., default_args={"on_failure_callback": on_failure_callback},
         deadline=deadline_alert(minutes=180))
"""

from __future__ import annotations

import asyncio
import datetime as dt
import json
import logging
import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from akhbar.config import ALERT_WEBHOOK_ENV

log = logging.getLogger("akhbar.ops.alerts")

WEBHOOK_ENV = ALERT_WEBHOOK_ENV  # read by config.load_settings() (Settings.alert_webhook)
WEBHOOK_TIMEOUT_S = 3.0

# task_id (without any task-group prefix) -> pipeline stage named in the alert.
STAGE_BY_TASK: dict[str, str] = {
    "read_sources": "sources",
    "ingest": "ingest (poll, fetch, extract and their quality gates)",
    "load": "load",
    "summarise": "summarise",
    "latest_run_date": "maintenance",
    "search_index": "search index",
    "export_parquet": "exports",
    "digest": "digest",
    "data_docs": "data docs",
}


STEP_NOTE = "akhbar step: "


def stage_for(task_id: str, exc: BaseException | None = None) -> str:
    """Pipeline stage of a failed task: the step the exception was raised in (an
    ``ingest`` task runs several), else the task id's stage; unknown ids name themselves."""
    for note in getattr(exc, "__notes__", None) or ():
        if isinstance(note, str) and note.startswith(STEP_NOTE):
            return note.removeprefix(STEP_NOTE)
    base = task_id.rsplit(".", 1)[-1]
    if base in STAGE_BY_TASK:
        return STAGE_BY_TASK[base]
    for prefix, stage in STAGE_BY_TASK.items():
        if base.startswith(prefix):
            return stage
    return base


def alerts_path() -> Path:
    """``<data_dir>/alerts.jsonl`` from the AKHBAR_* settings."""
    from akhbar.config import load_settings

    return load_settings().data_dir / "alerts.jsonl"


def _get(obj: Any, name: str, default: Any = None) -> Any:
    if obj is None:
        return default
    if isinstance(obj, Mapping):
        return obj.get(name, default)
    return getattr(obj, name, default)


def _source_label(ti: Any, context: Mapping[str, Any]) -> str | None:
    """The source a mapped task worked on: rendered map index, else an explicit context key."""
    label = _get(ti, "rendered_map_index")
    if label:
        return str(label)
    for key in ("akhbar_source", "source_id"):
        if context.get(key):
            return str(context[key])
    map_index = _get(ti, "map_index")
    if map_index is not None and map_index != -1:
        return f"map_index={map_index}"
    return None


def build_alert(
    kind: str,
    *,
    dag_id: str | None,
    task_id: str | None,
    run_id: str | None,
    source: str | None,
    stage: str,
    detail: str,
    extra: Mapping[str, Any] | None = None,
) -> dict[str, Any]:
    """One alert record; ``message`` is the human line that names everything."""
    where = f"{dag_id or '?'}.{task_id}" if task_id else f"{dag_id or '?'}"
    src = f" source={source}" if source else ""
    message = f"[akhbar {kind}] {where} stage={stage}{src} run={run_id or '?'}: {detail}"
    return {
        "at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "kind": kind,
        "dag_id": dag_id,
        "task_id": task_id,
        "run_id": run_id,
        "source": source,
        "stage": stage,
        "detail": detail,
        "message": message,
        **dict(extra or {}),
    }


def _append_jsonl(path: Path, record: Mapping[str, Any]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    line = (json.dumps(record, ensure_ascii=False, default=str) + "\n").encode("utf-8")
    # One write on an O_APPEND descriptor: lines from parallel workers do not interleave.
    fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
    try:
        os.write(fd, line)
    finally:
        os.close(fd)


def _post_webhook(url: str, record: Mapping[str, Any]) -> bool:
    import httpx

    try:
        resp = httpx.post(
            url,
            json={"text": record["message"], "alert": dict(record)},
            timeout=WEBHOOK_TIMEOUT_S,
        )
        return resp.status_code < 400
    except Exception as exc:  # network errors, bad URLs: report, never raise
        log.warning("akhbar alert webhook %s failed: %s", url, exc)
        return False


def _webhook_url() -> str | None:
    """``Settings.alert_webhook``; None (no post) when the settings cannot be read."""
    from akhbar.config import load_settings

    try:
        return load_settings().alert_webhook
    except Exception as exc:  # a bad AKHBAR_* value must not mask the original failure
        log.warning("akhbar alert settings could not be read: %s", exc)
        return None


def emit(record: dict[str, Any]) -> dict[str, Any]:
    """Log, append to alerts.jsonl and post to the webhook; returns the record with outcomes."""
    log.error("%s", record["message"])
    try:
        path = alerts_path()
        _append_jsonl(path, record)
        record["jsonl"] = str(path)
    except Exception as exc:
        log.warning("akhbar alert could not be written: %s", exc)
        record["jsonl"] = None
    url = _webhook_url()
    record["webhook_ok"] = _post_webhook(url, record) if url else None
    return record


def on_failure_callback(context: Mapping[str, Any]) -> dict[str, Any] | None:
    """Task ``on_failure_callback``: alert naming DAG, task, source and stage."""
    try:
        ti = context.get("ti") or context.get("task_instance")
        dag_id = _get(ti, "dag_id") or _get(context.get("dag"), "dag_id")
        task_id = _get(ti, "task_id") or _get(context.get("task"), "task_id") or "?"
        run_id = (
            context.get("run_id") or _get(ti, "run_id") or _get(context.get("dag_run"), "run_id")
        )
        exc = context.get("exception")
        detail = f"{type(exc).__name__}: {exc}" if exc is not None else "task failed"
        record = build_alert(
            "task_failed",
            dag_id=dag_id,
            task_id=task_id,
            run_id=run_id,
            source=_source_label(ti, context),
            stage=stage_for(task_id, exc if isinstance(exc, BaseException) else None),
            detail=detail[:2000],
            extra={
                "map_index": _get(ti, "map_index"),
                "try_number": _get(ti, "try_number"),
            },
        )
        return emit(record)
    except Exception as exc:
        log.warning("akhbar on_failure_callback itself failed: %s", exc)
        return None


async def deadline_alert_callback(
    context: Mapping[str, Any] | None = None, stage: str = "run", **kwargs: Any
) -> dict[str, Any] | None:
    """Deadline callback (runs in the triggerer): the DAG run is still going past its deadline.

    Airflow passes ``context={"dag_run": {...}, "deadline": {"id", "deadline_time"}}``.
    """
    try:
        context = context or {}
        dag_run = context.get("dag_run") or {}
        deadline = context.get("deadline") or {}
        record = build_alert(
            "deadline_missed",
            dag_id=_get(dag_run, "dag_id"),
            task_id=None,
            run_id=_get(dag_run, "run_id") or _get(dag_run, "dag_run_id"),
            source=kwargs.get("source"),
            stage=stage,
            detail=(
                f"run state {_get(dag_run, 'state', '?')} past deadline "
                f"{_get(deadline, 'deadline_time', '?')}"
            ),
            extra={"deadline_id": _get(deadline, "id")},
        )
        return await asyncio.to_thread(emit, record)
    except Exception as exc:
        log.warning("akhbar deadline_alert_callback itself failed: %s", exc)
        return None


def deadline_alert(minutes: float = 180, stage: str = "run") -> Any:
    """A ``DeadlineAlert``: alert when a DAG run is not finished ``minutes`` after it was queued."""
    from airflow.sdk import AsyncCallback, DeadlineAlert, DeadlineReference

    return DeadlineAlert(
        reference=DeadlineReference.DAGRUN_QUEUED_AT,
        interval=dt.timedelta(minutes=minutes),
        callback=AsyncCallback(deadline_alert_callback, kwargs={"stage": stage}),
        name="akhbar_run_deadline",
    )
