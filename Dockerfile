# Akhbar on the official Airflow image. The checkout layout is recreated under /opt/airflow
# (include/, sql/, seeds/, pyproject.toml) and the package is installed editable, so
# akhbar.config finds sql/ and seeds/ next to include/ exactly as on a laptop, and the
# bind mounts of docker-compose.yml make code edits live without a rebuild.
FROM apache/airflow:3.3.2-python3.11

ENV AKHBAR_DATA_DIR=/opt/airflow/data \
    PIP_NO_CACHE_DIR=1

# Airflow's constraints approach (docs: "Installing from PyPI" / "Customizing the image"):
# pin apache-airflow to the image's own AIRFLOW_VERSION in the same command so pip can never
# up- or downgrade it, and resolve everything against one constraints file. Only the runtime
# requirements go in; pytest, ruff and the profilers are in requirements-dev.txt, which the
# image never installs.
COPY --chown=airflow:0 requirements.txt constraints.txt /opt/akhbar/
RUN pip install "apache-airflow==${AIRFLOW_VERSION}" \
        -r /opt/akhbar/requirements.txt -c /opt/akhbar/constraints.txt \
    && ! pip show pytest ruff pyinstrument >/dev/null 2>&1

COPY --chown=airflow:0 pyproject.toml README.md /opt/airflow/
COPY --chown=airflow:0 include/ /opt/airflow/include/
COPY --chown=airflow:0 sql/ /opt/airflow/sql/
COPY --chown=airflow:0 seeds/ /opt/airflow/seeds/
COPY --chown=airflow:0 plugins/ /opt/airflow/plugins/
COPY --chown=airflow:0 dags/ /opt/airflow/dags/
COPY --chown=airflow:0 airflow/settings.json /opt/airflow/akhbar_settings/settings.json
COPY --chown=airflow:0 scripts/airflow_env.sh /opt/airflow/scripts/airflow_env.sh
RUN pip install --no-deps -e /opt/airflow \
    && mkdir -p /opt/airflow/data \
    && python -c "import akhbar.config as c; assert (c.REPO_ROOT / 'sql').is_dir(), c.REPO_ROOT"
