"""``WarmLocalExecutor``: Airflow's LocalExecutor whose worker processes start warm.

On Linux the LocalExecutor forks a few long-lived worker processes, and each
worker forks one supervised process per task. This subclass has every worker
import the pipeline's heavy modules once (:func:`akhbar.pipeline.warm.preload`)
before it takes work, so task processes inherit them instead of paying the
import on every start. Everything else is the stock executor.

Use it with ``AIRFLOW__CORE__EXECUTOR=akhbar.ops.executor.WarmLocalExecutor``.
"""

from __future__ import annotations

import logging
import multiprocessing
import signal
from typing import Any

from airflow.executors import local_executor
from airflow.executors.local_executor import LocalExecutor

log = logging.getLogger(__name__)


def _run_warm_worker(**kwargs: Any) -> None:
    # While it preloads, a worker is idle: a SIGTERM (shutdown) ends it at once,
    # rather than running the scheduler's handler it inherited through fork.
    inherited = signal.signal(signal.SIGTERM, signal.SIG_DFL)
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # as the stock worker: Ctrl-C is the parent's
    try:
        from akhbar.pipeline.warm import preload

        preload()
    except Exception as exc:  # a cold worker still works
        log.warning("preloading the pipeline's modules failed (%s); tasks start cold", exc)
    signal.signal(signal.SIGTERM, inherited)
    local_executor._run_worker(**kwargs)


class WarmLocalExecutor(LocalExecutor):
    """LocalExecutor whose workers preload the pipeline's modules."""

    def _spawn_worker(self) -> None:
        process = multiprocessing.Process(
            target=_run_warm_worker,
            kwargs={
                "logger_name": self.log.name,
                "input": self.activity_queue,
                "output": self.result_queue,
                "unread_messages": self._unread_messages,
                "team_conf": self.conf,
            },
        )
        process.start()
        assert process.pid is not None
        self.workers[process.pid] = process
