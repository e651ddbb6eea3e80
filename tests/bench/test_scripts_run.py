"""Every script in bench/ runs at a tiny size, so none rots unrun (issue 17, target 8).

Each script is run as CI would run it (``python bench/<name>.py ARGS`` from the repository
root) with the arguments registered in ``TINY``: seconds of work, figures printed and ignored,
only the exit status checked. A script found in bench/ without tiny arguments fails the run,
so a new benchmark must say how to run it small. The scripts run on the suite's database
engine: SQLite by default; on PostgreSQL, beside a database of their own named after the
suite's test database (never the test database itself, which the suite is using), with the
suite's Redis.
"""

import os
import signal
import subprocess
import sys
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import pytest
from django.conf import settings

from tests.bench.test_harness import load

ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.integration

# The arguments that make each script small. A new script in bench/ goes here (seconds of work
# on a busy 2-core machine: a few dozen projects and days, one request per URL, one-second loads).
TINY = {
    "api": ["--requests", "1"],
    "backfill": ["--repos", "20"],
    "bench_pages": ["--repeat", "1"],
    # The same world as web's tiny run below, so that either reuses what the other built.
    "boards": ["--projects", "20", "--days", "5", "--snapshots", "3"],
    "discovery": ["--repos", "300", "--per-minute", "100000"],
    "load": ["--projects", "20", "--days", "5", "--snapshots", "3"]
    + ["--connections", "2", "--duration", "2", "--requests", "100", "--workers", "1"],
    "ranking": ["--projects", "40", "--days", "10", "--top", "10"],
    "nocache": ["--projects", "20", "--days", "5", "--snapshots", "3", "--repeat", "2", "--depth", "2"],
    "refresh": ["--repos", "150"],
    "storage": ["--projects", "20", "--days", "30"],
    # Two rows of its table (a page and the API) besides the ceiling: every mode and the size
    # comparison still run, in a fraction of the time of all eight.
    "web": ["--projects", "20", "--days", "5", "--snapshots", "3", "--small-projects", "5"]
    + ["--duration", "1", "--connections", "2", "--workers", "1", "--only", "home,api_current"],
}
TIMEOUT = 900  # seconds per script: far beyond a tiny run even on a busy machine, so only a hang reaches it


def own_postgres_url() -> str:
    """A database URL beside the suite's test database, for the scripts to create theirs next to."""
    database = settings.DATABASES["default"]
    parts = urlsplit(os.environ["DATABASE_URL"])
    return urlunsplit(parts._replace(path=f"/{database['NAME']}_bench"))


def script_env() -> dict:
    env = {**os.environ, "MLTOP_READ_DOTENV": "false"}
    for name in ("DJANGO_CACHE_DIR", "CELERY_TASK_DEFAULT_QUEUE"):
        env.pop(name, None)  # each script chooses its own (a folder, a queue of its run)
    if settings.DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
        env.pop("DATABASE_URL", None)
        env.pop("REDIS_URL", None)
    else:
        env["DATABASE_URL"] = own_postgres_url()
    return env


@pytest.fixture(scope="module")
def postgres_scratch():
    """On PostgreSQL, the database bench_pages.py fills (the others make theirs beside it), dropped at the end."""
    if settings.DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
        yield
        return
    web = load("web")
    url = own_postgres_url()
    web.create_postgres_database(url, fresh=True)
    yield
    web.drop_postgres_database(url)


def test_every_script_has_tiny_arguments():
    scripts = load("run_all").scripts()
    missing = sorted(set(scripts) - set(TINY))
    assert not missing, f"register tiny-size arguments for {missing} in TINY ({__file__})"
    assert not set(TINY) - set(scripts), "TINY names a script that is gone"


@pytest.mark.parametrize("name", load("run_all").scripts())
def test_the_script_runs_at_a_tiny_size(name, postgres_scratch):
    if name not in TINY:
        pytest.fail(f"bench/{name}.py has no tiny-size arguments: register them in TINY ({__file__})")
    # A session of its own, so that a hung script is killed with the servers it started
    # (gunicorn, a Celery worker, the fake GitHub), which would otherwise hold its output open.
    process = subprocess.Popen(
        [sys.executable, str(ROOT / "bench" / f"{name}.py"), *TINY[name]],
        cwd=ROOT,
        env=script_env(),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )
    try:
        stdout, stderr = process.communicate(timeout=TIMEOUT)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        stdout, stderr = process.communicate()
        pytest.fail(f"bench/{name}.py still ran after {TIMEOUT} s:\n{stderr[-4000:]}")
    assert process.returncode == 0, f"bench/{name}.py exited {process.returncode}:\n{stderr[-4000:]}"
    assert stdout.strip(), f"bench/{name}.py printed no figures"
