"""docker-compose.yml, Dockerfile and .env.example: there is no Docker engine here, so their
structure is checked, and every module their commands name is imported."""

import importlib
import os
import re
import shlex
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from celery import Celery

ROOT = Path(__file__).resolve().parent.parent
APP_SERVICES = ("migrate", "web", "worker", "discovery", "beat")


@pytest.fixture(scope="module")
def compose():
    return yaml.safe_load((ROOT / "docker-compose.yml").read_text())


@pytest.fixture(scope="module")
def services(compose):
    return compose["services"]


def command_of(service) -> list[str]:
    command = service["command"]
    return shlex.split(command) if isinstance(command, str) else list(command)


def option(command: list[str], *names: str) -> str:
    for name in names:
        if name in command:
            return command[command.index(name) + 1]
    raise AssertionError(f"none of {names} in {command}")


def test_services(services):
    assert set(services) == {"db", "redis", "migrate", "web", "worker", "discovery", "beat"}
    assert services["db"]["image"].startswith("postgres:")
    assert services["redis"]["image"].startswith("redis:")
    for name in APP_SERVICES:
        assert services[name]["build"] == "."
        assert services[name]["image"] == "mltop:latest"


def test_discovery_has_a_worker_of_its_own(services):
    assert option(services["discovery"]["command"], "-Q") == "discovery"


def test_db_and_redis_keep_their_data_in_named_volumes(compose, services):
    assert "pgdata:/var/lib/postgresql/data" in services["db"]["volumes"]
    assert "redisdata:/data" in services["redis"]["volumes"]
    assert set(compose["volumes"]) == {"pgdata", "redisdata"}


@pytest.mark.parametrize(
    ("name", "probe"),
    [("db", "pg_isready"), ("redis", "redis-cli ping"), ("web", "http://localhost:8000/healthz")],
)
def test_health_checks(services, name, probe):
    check = services[name]["healthcheck"]
    assert probe in " ".join(check["test"])
    assert check["test"][0] in ("CMD", "CMD-SHELL")
    assert check["interval"] and check["retries"] >= 3


def test_healthz_exists_and_is_exempt_from_the_https_redirect(settings):
    from django.urls import resolve

    assert resolve("/healthz").url_name == "healthz"
    assert any(re.match(pattern, "healthz") for pattern in settings.SECURE_REDIRECT_EXEMPT)


def test_migrations_run_once_before_the_app_starts(services):
    migrate = services["migrate"]
    assert "python manage.py migrate --noinput" in " ".join(command_of(migrate))
    assert migrate["restart"] == "no"
    assert migrate["depends_on"] == {"db": {"condition": "service_healthy"}}
    for name in ("web", "worker", "beat"):
        assert services[name]["depends_on"] == {
            "db": {"condition": "service_healthy"},
            "redis": {"condition": "service_healthy"},
            "migrate": {"condition": "service_completed_successfully"},
        }


def test_every_service_reads_the_env_file(services):
    for name in ("db", *APP_SERVICES):
        assert services[name]["env_file"] == ".env"
        assert "environment" not in services[name]


def test_web_command_serves_the_wsgi_application_with_the_gunicorn_config(services):
    command = command_of(services["web"])
    assert command[0] == "gunicorn"
    config = ROOT / option(command, "--config", "-c")
    assert config.is_file()
    namespace = {}
    exec(compile(config.read_text(), str(config), "exec"), namespace)  # noqa: S102 - our own config file
    assert namespace["bind"] == "0.0.0.0:8000" and namespace["workers"] >= 1
    module, _, attribute = command[-1].partition(":")
    assert callable(getattr(importlib.import_module(module), attribute))


def test_worker_and_beat_commands_name_the_celery_app_and_the_database_scheduler(services):
    worker, beat = command_of(services["worker"]), command_of(services["beat"])
    assert worker[0] == beat[0] == "celery"
    assert "worker" in worker and "beat" in beat
    for command in (worker, beat):
        app = importlib.import_module(f"{option(command, '-A', '--app')}.celery").app
        assert isinstance(app, Celery) and app.main == "mltop"
    module, _, cls = option(beat, "--scheduler", "-S").partition(":")
    assert importlib.import_module(module).__dict__[cls].__name__ == "DatabaseScheduler"


def test_dockerfile():
    lines = [line.strip() for line in (ROOT / "Dockerfile").read_text().splitlines()]
    text = "\n".join(lines)
    assert re.search(r"^FROM python:3\.11-slim", text, re.M)
    assert "RUN pip install -r requirements.txt" in text
    assert "python manage.py collectstatic --noinput" in text
    users = [line.split()[1] for line in lines if line.startswith("USER ")]
    assert users and users[-1] not in ("root", "0")
    cmd = [line for line in lines if line.startswith("CMD ")]
    assert cmd == ['CMD ["gunicorn", "--config", "mltop/gunicorn.conf.py", "mltop.wsgi:application"]']
    assert text.index("USER ") < text.index("CMD ")


def test_the_local_env_file_stays_out_of_git_and_the_image():
    for ignore_file in (".gitignore", ".dockerignore"):
        assert ".env" in (ROOT / ignore_file).read_text().splitlines(), ignore_file


def documented_variables() -> set[str]:
    """The variables in the tables of docs/configuration.md (first column)."""
    text = (ROOT / "docs" / "configuration.md").read_text()
    first_cells = re.findall(r"^\| (`[A-Z].*?) \|", text, re.M)
    return {name for cell in first_cells for name in re.findall(r"`([A-Z][A-Z0-9_]+)`", cell)}


def env_example_variables() -> set[str]:
    return set(re.findall(r"^#?\s*([A-Z][A-Z0-9_]+)=", (ROOT / ".env.example").read_text(), re.M))


def test_env_example_lists_every_documented_variable_and_back():
    assert documented_variables() == env_example_variables()


def test_every_variable_the_code_reads_is_documented():
    sources = [ROOT / "mltop" / "settings.py", ROOT / "mltop" / "gunicorn.conf.py", ROOT / "docker-compose.yml"]
    read = set()
    for source in sources:
        text = source.read_text()
        read |= set(re.findall(r"env(?:\.\w+)?\(\s*\"([A-Z][A-Z0-9_]+)\"", text))
        read |= set(re.findall(r"os\.environ\.get\(\s*\"([A-Z][A-Z0-9_]+)\"", text))
        read |= set(re.findall(r"\$\{([A-Z][A-Z0-9_]+)(?::-[^}]*)?\}", text))
    assert read - {"POSTGRES_USER", "POSTGRES_DB"}, "the patterns found nothing"
    assert read <= documented_variables(), sorted(read - documented_variables())


def test_gunicorn_workers_freeze_what_they_loaded_before_serving():
    code = (
        "import gc, runpy, sys, django; django.setup();"
        "hooks = runpy.run_path('mltop/gunicorn.conf.py'); hooks['post_worker_init'](None);"
        "print(gc.get_freeze_count(), 'rankings.api.views' in sys.modules)"
    )
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "mltop.settings", "DJANGO_DEBUG": "true"}
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120, check=True
    )
    frozen, views_loaded = out.stdout.split()
    assert int(frozen) > 50_000 and views_loaded == "True"
