"""Operating the pipeline and serving its users.

Under Airflow: the warm executor, Celery preload, the local scheduler harness and
week runs. For operators and analysts: alerts, the health page, the digest, run
reports, maintenance after a load, the read-only SQL shell and the news_week report.
"""
