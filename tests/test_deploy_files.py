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

from mltop.queues import KINDS, all_queues, queue_names

ROOT = Path(__file__).resolve().parent.parent
WORKER_SERVICES = ("worker-refresh", "worker-backfill", "worker-discovery", "worker-builds")
APP_SERVICES = ("migrate", "web", *WORKER_SERVICES, "beat")


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
    assert set(services) == {"db", "redis", *APP_SERVICES}
    assert services["db"]["image"].startswith("postgres:")
    assert services["redis"]["image"].startswith("redis:")
    for name in APP_SERVICES:
        assert services[name]["build"] == "."
        assert services[name]["image"] == "mltop:latest"


def test_each_queue_has_a_worker_service_of_its_own_that_scales(services):
    """`docker compose up --scale worker-refresh=3`: one service per queue, none pinned to one container."""
    queues = queue_names("celery")
    listening = {name: option(command_of(services[name]), "-Q").split(",") for name in WORKER_SERVICES}
    for kind in KINDS:
        assert listening[f"worker-{kind}"][0] == queues[kind]
    everything = [queue for names in listening.values() for queue in names]
    assert sorted(everything) == sorted(queues.values()), "every queue has exactly one worker service"
    for name in WORKER_SERVICES:
        assert "container_name" not in services[name] and "ports" not in services[name], name
    # Paced searches: one process, as GitHub's search allows 30 a minute per token.
    assert option(command_of(services["worker-discovery"]), "--concurrency", "-c") == "1"


def test_the_embedded_worker_listens_to_every_queue_but_discovery_s():
    procfile = dict(line.split(": ", 1) for line in (ROOT / "Procfile").read_text().splitlines() if ": " in line)
    queues = queue_names("celery")
    assert set(option(shlex.split(procfile["worker"]), "-Q").split(",")) == set(queues.values()) - {queues["discovery"]}
    assert option(shlex.split(procfile["discovery"]), "-Q") == queues["discovery"]


def test_every_task_is_routed_to_the_queue_of_its_kind(settings):
    from mltop.celery import app

    app.loader.import_default_modules()  # every app's tasks.py, as a worker imports them at start
    expected = {
        "stats.refresh_all": settings.CELERY_REFRESH_QUEUE,
        "stats.refresh_batch": settings.CELERY_REFRESH_QUEUE,
        "stats.backfill_project": settings.CELERY_BACKFILL_QUEUE,
        "projects.discover": settings.CELERY_DISCOVERY_QUEUE,
        "rankings.build_boards": settings.CELERY_BUILDS_QUEUE,
        "rankings.build_snapshot": settings.CELERY_BUILDS_QUEUE,
        "rankings.build_newcomers": settings.CELERY_BUILDS_QUEUE,
    }
    ours = sorted(name for name in app.tasks if not name.startswith("celery."))
    assert ours == sorted(expected), "a new task needs a queue: add it to CELERY_TASK_ROUTES and here"
    for name, queue in expected.items():
        assert app.amqp.router.route({}, name)["queue"].name == queue, name


def test_queue_names_follow_the_default_queue_so_installations_sharing_redis_keep_apart():
    assert queue_names("celery") == {
        "default": "celery",
        "refresh": "refresh",
        "backfill": "backfill",
        "discovery": "discovery",
        "builds": "builds",
    }
    assert queue_names("staging")["refresh"] == "staging-refresh"
    assert all_queues("t1") == "t1,t1-refresh,t1-backfill,t1-discovery,t1-builds"


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
    for name in ("web", *WORKER_SERVICES, "beat"):
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
    workers = [command_of(services[name]) for name in WORKER_SERVICES]
    beat = command_of(services["beat"])
    assert all(command[0] == "celery" and "worker" in command for command in workers)
    assert beat[0] == "celery" and "beat" in beat
    for command in (*workers, beat):
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
