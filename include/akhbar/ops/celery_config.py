"""Celery configuration for Akhbar's workers: Airflow's default, plus warm pool processes.

Set ``AIRFLOW__CELERY__CELERY_CONFIG_OPTIONS=akhbar.ops.celery_config.CELERY_CONFIG``.
Each Celery pool process imports the pipeline's heavy modules once when it
starts (:func:`akhbar.pipeline.warm.preload`); the task processes Airflow forks
from it inherit them, as with :class:`akhbar.ops.executor.WarmLocalExecutor`.
The scheduler imports this module too, but the signal only fires in workers.
"""

from __future__ import annotations

import logging
from typing import Any

from airflow.providers.celery.executors.default_celery import DEFAULT_CELERY_CONFIG
from celery.signals import worker_process_init

log = logging.getLogger(__name__)

CELERY_CONFIG: dict[str, Any] = dict(DEFAULT_CELERY_CONFIG)


@worker_process_init.connect
def _warm_pool_process(**_: Any) -> None:
    try:
        from akhbar.pipeline.warm import preload

        preload()
    except Exception as exc:
        log.warning("preloading the pipeline's modules failed (%s); tasks start cold", exc)
