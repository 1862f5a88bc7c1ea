"""Alert callbacks: JSONL rows, message contents, webhook against a real local HTTP server."""

from __future__ import annotations

import asyncio
import json
import socket
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import SimpleNamespace

import pytest

from akhbar.ops import alerts


class _Hook(BaseHTTPRequestHandler):
    received: list[dict] = []  # noqa: RUF012
    delay_s = 0.0

    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers["Content-Length"]))
        time.sleep(type(self).delay_s)
        type(self).received.append(json.loads(body))
        self.send_response(204)
        self.end_headers()

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture()
def webhook(monkeypatch):
    _Hook.received = []
    _Hook.delay_s = 0.0
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Hook)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    monkeypatch.setenv(alerts.WEBHOOK_ENV, f"http://127.0.0.1:{server.server_address[1]}/hook")
    yield _Hook
    server.shutdown()
    server.server_close()


@pytest.fixture(autouse=True)
def data_dir(tmp_path, monkeypatch):
    monkeypatch.setenv("AKHBAR_DATA_DIR", str(tmp_path))
    monkeypatch.delenv(alerts.WEBHOOK_ENV, raising=False)
    return tmp_path


def _failure_context(**ti_overrides) -> dict:
    ti = SimpleNamespace(
        dag_id="akhbar_daily",
        task_id="ingest",
        run_id="scheduled__2026-11-28T05:00:00+00:00",
        map_index=3,
        rendered_map_index="alalam",
        try_number=2,
    )
    for k, v in ti_overrides.items():
        setattr(ti, k, v)
    exc = TimeoutError("feed read timed out after 20s")
    exc.add_note(alerts.STEP_NOTE + "poll")  # as pipeline.ingest marks the failing step
    return {
        "ti": ti,
        "task_instance": ti,
        "run_id": ti.run_id,
        "exception": exc,
    }


def _rows(data_dir) -> list[dict]:
    return [json.loads(x) for x in (data_dir / "alerts.jsonl").read_text("utf-8").splitlines()]


def test_failure_alert_names_dag_task_source_stage(data_dir, caplog) -> None:
    caplog.set_level("ERROR", logger="akhbar.ops.alerts")
    record = alerts.on_failure_callback(_failure_context())
    assert record is not None
    rows = _rows(data_dir)
    assert len(rows) == 1
    row = rows[0]
    assert row["kind"] == "task_failed"
    assert (row["dag_id"], row["task_id"], row["source"], row["stage"]) == (
        "akhbar_daily",
        "ingest",
        "alalam",
        "poll",
    )
    assert row["try_number"] == 2 and row["map_index"] == 3
    msg = row["message"]
    for part in ("akhbar_daily.ingest", "stage=poll", "source=alalam", "TimeoutError"):
        assert part in msg
    assert record["webhook_ok"] is None  # no webhook configured
    assert msg in caplog.text  # the task log gets the same line


def test_unmapped_and_grouped_tasks(data_dir) -> None:
    alerts.on_failure_callback(
        _failure_context(task_id="warehouse.load", map_index=-1, rendered_map_index=None)
    )
    alerts.on_failure_callback(
        _failure_context(task_id="ingest", map_index=7, rendered_map_index=None)
    )
    first, second = _rows(data_dir)
    assert first["stage"] == "poll" and first["source"] is None  # the exception's step wins
    assert "source=" not in first["message"]
    assert second["stage"] == "poll" and second["source"] == "map_index=7"
    ctx = _failure_context(task_id="akhbar_daily.load", map_index=-1, rendered_map_index=None)
    ctx["exception"] = RuntimeError("no step note")
    alerts.on_failure_callback(ctx)
    assert _rows(data_dir)[2]["stage"] == "load"


def test_broken_context_never_raises(data_dir) -> None:
    record = alerts.on_failure_callback({})  # still alerts, with unknowns
    assert record is not None
    assert (record["kind"], record["task_id"], record["stage"]) == ("task_failed", "?", "?")
    assert record["message"] == "[akhbar task_failed] ?.? stage=? run=?: task failed"
    row = _rows(data_dir)[0]
    assert (row["task_id"], row["stage"], row["dag_id"]) == ("?", "?", None)


def test_unwritable_data_dir_does_not_raise(tmp_path, monkeypatch) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("x")
    monkeypatch.setenv("AKHBAR_DATA_DIR", str(blocker / "sub"))
    record = alerts.on_failure_callback(_failure_context())
    assert record is not None and record["jsonl"] is None


def test_webhook_receives_the_alert(data_dir, webhook) -> None:
    record = alerts.on_failure_callback(_failure_context())
    assert record["webhook_ok"] is True
    assert len(webhook.received) == 1
    assert webhook.received[0]["text"] == record["message"]
    assert webhook.received[0]["alert"]["source"] == "alalam"


def test_webhook_down_or_slow_is_bounded(data_dir, webhook, monkeypatch) -> None:
    webhook.delay_s = alerts.WEBHOOK_TIMEOUT_S + 2
    t0 = time.monotonic()
    record = alerts.on_failure_callback(_failure_context())
    assert record["webhook_ok"] is False
    assert time.monotonic() - t0 < alerts.WEBHOOK_TIMEOUT_S + 1.5
    with socket.socket() as s:  # a port nobody listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    monkeypatch.setenv(alerts.WEBHOOK_ENV, f"http://127.0.0.1:{port}/x")
    assert alerts.on_failure_callback(_failure_context())["webhook_ok"] is False
    assert len(_rows(data_dir)) == 2  # both still recorded locally


def test_deadline_callback_with_airflow_shaped_context(data_dir, webhook) -> None:
    # the shape Deadline.handle_miss builds: DAGRunResponse.model_dump(mode="json") + deadline
    context = {
        "dag_run": {
            "dag_run_id": "scheduled__2026-11-28T05:00:00+00:00",
            "dag_id": "akhbar_daily",
            "state": "running",
        },
        "deadline": {"id": "0193-abc", "deadline_time": "2026-11-28T08:00:00+00:00"},
    }
    record = asyncio.run(alerts.deadline_alert_callback(context=context, stage="run"))
    assert record is not None
    row = _rows(data_dir)[0]
    assert row["kind"] == "deadline_missed"
    assert row["dag_id"] == "akhbar_daily" and row["stage"] == "run"
    assert row["run_id"] == "scheduled__2026-11-28T05:00:00+00:00"
    assert "past deadline 2026-11-28T08:00:00+00:00" in row["message"]
    assert row["deadline_id"] == "0193-abc"
    assert webhook.received[0]["alert"]["kind"] == "deadline_missed"


def test_deadline_alert_builds_and_serialises_in_a_dag() -> None:
    from airflow.sdk import DAG, AsyncCallback, DeadlineReference
    from airflow.serialization.serialized_objects import DagSerialization

    alert = alerts.deadline_alert(minutes=90)
    assert alert.reference == DeadlineReference.DAGRUN_QUEUED_AT
    assert alert.interval.total_seconds() == 90 * 60
    assert isinstance(alert.callback, AsyncCallback)
    assert alert.callback.path == "akhbar.ops.alerts.deadline_alert_callback"
    with DAG("akhbar_deadline_probe", schedule=None, deadline=alert) as dag:
        pass
    blob = json.dumps(DagSerialization.to_dict(dag), default=str)
    assert "akhbar.ops.alerts.deadline_alert_callback" in blob
