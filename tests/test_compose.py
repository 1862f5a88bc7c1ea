"""docker-compose.yml + Dockerfile: structure checks (always) and `config -q` (when a binary exists)."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import yaml

REPO = Path(__file__).resolve().parents[1]
AIRFLOW_SERVICES = {
    "airflow-apiserver",
    "airflow-scheduler",
    "airflow-dag-processor",
    "airflow-triggerer",
    "airflow-worker",
    "airflow-init",
}


@pytest.fixture(scope="module")
def compose() -> dict:
    return yaml.safe_load((REPO / "docker-compose.yml").read_text("utf-8"))


def _env(service: dict) -> dict[str, str]:
    env = service.get("environment", {})
    if isinstance(env, list):
        env = dict(item.split("=", 1) for item in env)
    return {k: str(v) for k, v in env.items()}


def test_services_present(compose) -> None:
    services = compose["services"]
    assert AIRFLOW_SERVICES | {"postgres", "redis"} <= set(services)
    assert services["postgres"]["image"].startswith("postgres:16")
    assert services["redis"]["image"].startswith("redis:7")


def test_every_airflow_service_uses_the_common_image_and_env(compose) -> None:
    common = compose["x-airflow-common"]
    commands = set()
    for name in AIRFLOW_SERVICES:
        svc = compose["services"][name]
        assert svc["image"] == common["image"], name
        assert svc.get("build") == common["build"], name
        env = _env(svc)
        for key, value in _env(common).items():
            assert env.get(key) == value, (name, key)
        assert env["AIRFLOW__CORE__EXECUTOR"] == "CeleryExecutor"
        if name != "airflow-init":
            assert "healthcheck" in svc, name
            commands.add(svc["command"])
    assert commands == {"api-server", "scheduler", "dag-processor", "triggerer", "celery worker"}


def test_broker_backend_and_metadata_db_are_consistent(compose) -> None:
    env = _env(compose["x-airflow-common"])
    pg = _env(compose["services"]["postgres"])
    db = urlsplit(env["AIRFLOW__DATABASE__SQL_ALCHEMY_CONN"])
    backend = urlsplit(env["AIRFLOW__CELERY__RESULT_BACKEND"])
    broker = urlsplit(env["AIRFLOW__CELERY__BROKER_URL"])
    assert db.scheme.startswith("postgresql")
    assert backend.scheme == "db+postgresql"
    for url in (db, backend):
        assert (url.hostname, url.username, url.password) == (
            "postgres",
            pg["POSTGRES_USER"],
            pg["POSTGRES_PASSWORD"],
        )
        assert url.path.lstrip("/") == pg["POSTGRES_DB"]
    assert broker.scheme == "redis" and broker.hostname == "redis"
    api = urlsplit(env["AIRFLOW__CORE__EXECUTION_API_SERVER_URL"])
    assert api.hostname == "airflow-apiserver" and api.path == "/execution/"
    ports = compose["services"]["airflow-apiserver"]["ports"]
    assert any(str(p).endswith(f":{api.port}") for p in ports)
    assert env["AIRFLOW__API_AUTH__JWT_SECRET"]


def test_depends_on_init_and_backends(compose) -> None:
    for name in AIRFLOW_SERVICES - {"airflow-init"}:
        deps = compose["services"][name]["depends_on"]
        assert deps["airflow-init"]["condition"] == "service_completed_successfully"
        assert deps["postgres"]["condition"] == "service_healthy"
        assert deps["redis"]["condition"] == "service_healthy"


def test_mounted_paths_exist_and_cover_the_project(compose) -> None:
    volumes = set(compose.get("volumes", {}))
    targets = set()
    for name in AIRFLOW_SERVICES:
        for spec in compose["services"][name]["volumes"]:
            src, dst = spec.split(":")[:2]
            targets.add(dst)
            if src.startswith("."):
                assert (REPO / src).exists(), f"{name} mounts missing {src}"
            else:
                assert src in volumes, f"{name} uses undeclared volume {src}"
    for sub in ("dags", "plugins", "include", "sql", "seeds", "snapshot", "data"):
        assert f"/opt/airflow/{sub}" in targets
    init = " ".join(compose["services"]["airflow-init"]["command"])
    assert "airflow db migrate" in init and "akhbar_import_settings" in init


def test_dockerfile_installs_the_pinned_files() -> None:
    text = (REPO / "Dockerfile").read_text("utf-8")
    base = re.search(r"^FROM\s+apache/airflow:(\S+)-python(\S+)", text, re.M)
    assert base, "Dockerfile must build on apache/airflow"
    pin = re.search(
        r"^apache-airflow(?:\[[^\]]*\])?==(\S+)", (REPO / "requirements.txt").read_text(), re.M
    )
    assert pin and base.group(1) == pin.group(1)
    assert base.group(2) == "3.11"
    assert re.search(r"COPY .*requirements\.txt constraints\.txt", text)
    # Airflow's constraints approach: airflow pinned to the image's version in the same install
    assert re.search(
        r'pip install "apache-airflow==\$\{AIRFLOW_VERSION\}"\s*\\\s*'
        r"-r \S*/requirements\.txt -c \S*/constraints\.txt",
        text,
    )
    assert not re.search(r"^(?:RUN|COPY)\b.*requirements-dev", text, re.M)
    for line in re.findall(r"^COPY\s+(?:--\S+\s+)*(.+)\s+\S+$", text, re.M):
        for src in line.split():
            assert (REPO / src.rstrip("/")).exists(), f"Dockerfile copies missing {src}"


def _compose_cmd() -> list[str] | None:
    if shutil.which("docker-compose"):
        return ["docker-compose"]
    if shutil.which("docker"):
        probe = subprocess.run(["docker", "compose", "version"], capture_output=True, timeout=30)
        if probe.returncode == 0:
            return ["docker", "compose"]
    return None


def test_compose_config_validates() -> None:
    cmd = _compose_cmd()
    if cmd is None:
        pytest.skip("neither docker-compose nor `docker compose` is installed")
    out = subprocess.run(
        [*cmd, "-f", str(REPO / "docker-compose.yml"), "config", "-q"],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert out.returncode == 0, out.stderr


def _pins(name: str) -> dict[str, str]:
    pins = {}
    for line in (REPO / name).read_text("utf-8").splitlines():
        m = re.match(r"^([A-Za-z0-9_.\-]+)(?:\[[^\]]*\])?==(\S+)", line)
        if m:
            pins[m.group(1).lower().replace("_", "-")] = m.group(2)
    return pins


def test_runtime_and_dev_requirements_are_split_and_constrained() -> None:
    runtime, dev, constraints = (
        _pins("requirements.txt"),
        _pins("requirements-dev.txt"),
        _pins("constraints.txt"),
    )
    tools = {"pytest", "pytest-timeout", "ruff", "pyinstrument"}
    assert not tools & set(runtime), "dev tools must not be runtime requirements"
    assert tools <= set(dev)
    assert "-r requirements.txt" in (REPO / "requirements-dev.txt").read_text("utf-8")
    for name, version in (runtime | dev).items():
        assert constraints.get(name) == version, f"{name}=={version} not in constraints.txt"


# AKHBAR_* variables read by the code that runs in the Airflow services (not test-only ones).
_TEST_ONLY = {"AKHBAR_REPO", "AKHBAR_SHARED", "AKHBAR_AIRFLOW_PORT"}


def _akhbar_vars_read_by_code() -> set[str]:
    found: set[str] = set()
    for folder in ("include", "dags", "plugins"):
        for path in (REPO / folder).rglob("*.py"):
            found |= set(re.findall(r"AKHBAR_[A-Z_]+", path.read_text("utf-8")))
    return {v for v in found if not v.startswith("AKHBAR_DIST_")} - _TEST_ONLY


def test_every_akhbar_setting_reaches_every_service(compose) -> None:
    akhbar = {k: str(v) for k, v in compose["x-akhbar-env"].items()}
    missing = _akhbar_vars_read_by_code() - set(akhbar)
    assert not missing, f"x-akhbar-env lacks {sorted(missing)}"
    for name in AIRFLOW_SERVICES:
        env = _env(compose["services"][name])
        for key, value in akhbar.items():
            assert env.get(key) == value, (name, key)


def test_compose_defaults_are_the_code_defaults(compose) -> None:
    from akhbar.config import Settings

    akhbar = {k: str(v) for k, v in compose["x-akhbar-env"].items()}

    def default(key: str) -> str:
        m = re.fullmatch(r"\$\{" + key + r":-(.*)\}", akhbar[key])
        assert m, f"{key} should be ${{{key}:-default}}"
        return m.group(1)

    assert default("AKHBAR_USER_AGENT") == Settings.user_agent
    for key in ("AKHBAR_TIMEOUT_S", "AKHBAR_MIN_DELAY_S", "AKHBAR_DEADLINE_MINUTES"):
        float(default(key))  # an empty value would crash float() in the code


def test_compose_login_is_documented_as_user_and_role(compose) -> None:
    env = _env(compose["x-airflow-common"])
    for entry in env["AIRFLOW__CORE__SIMPLE_AUTH_MANAGER_USERS"].split(","):
        _user, role = entry.split(":")[:2]
        assert role in {"viewer", "user", "op", "admin"}, entry
    pw_file = env["AIRFLOW__CORE__SIMPLE_AUTH_MANAGER_PASSWORDS_FILE"]
    assert pw_file.startswith("/opt/airflow/data/"), (
        "the password must survive re-created containers"
    )
    doc = (REPO / "docs/operations.md").read_text("utf-8")
    assert "admin / admin" not in doc and "admin/admin" not in doc
    assert "username:role" in doc and pw_file in doc
