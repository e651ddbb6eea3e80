"""A real Celery worker process refreshes projects through the fake GitHub.

The worker runs ``celery -A mltop worker`` on the same broker as this process (the embedded
file-system broker, or Redis when REDIS_URL is set) and on the test database (a file on
SQLite, ``test_<name>`` on PostgreSQL), on a queue of its own so runs never collide.
"""

import contextlib
import os
import subprocess
import sys
import threading
import time
import uuid
from pathlib import Path

import pytest
from django.conf import settings

from mltop.celery import app as celery_app
from mltop.queues import all_queues, queue_names
from projects.models import Project
from rankings.seeding import seed_load
from stats.models import StatsSample
from tests.conftest import test_database_url

ROOT = Path(__file__).resolve().parents[2]
TOKEN = "ghp_testtoken0123456789abcdefghijklmnopqrstu"
pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]


@contextlib.contextmanager
def celery_worker(*, api_url: str, token: str, queue: str):
    env = {
        **os.environ,
        "DATABASE_URL": test_database_url(),
        "GITHUB_API_URL": api_url,
        "GITHUB_TOKEN": token,
        "CELERY_TASK_DEFAULT_QUEUE": queue,
    }
    # With Redis the lock and budget are shared, so run two processes to race for them.
    pool = ["--concurrency=2"] if settings.REDIS_URL else ["--pool=solo"]
    proc = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "mltop", "worker", "--loglevel=INFO", "-Q", all_queues(queue), *pool]
        + ["--without-mingle", "--without-gossip", "--without-heartbeat", "-n", f"{queue}@%h"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    lines, ready = [], threading.Event()

    def read_output():
        for line in proc.stdout:
            lines.append(line)
            if " ready." in line:
                ready.set()

    reader = threading.Thread(target=read_output, daemon=True)
    reader.start()
    proc.output_lines = lines  # what the worker printed so far, for tests that wait on it
    try:
        assert ready.wait(timeout=60), "the worker did not start"
        yield proc
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        reader.join(timeout=5)
        with contextlib.suppress(Exception), celery_app.connection_for_write() as conn:
            # Leave nothing behind in a shared Redis: the queues and kombu's bindings of them.
            for name in all_queues(queue).split(","):
                conn.default_channel.queue_delete(name)
                if settings.REDIS_URL:
                    conn.default_channel.client.delete(f"_kombu.binding.{name}")
        print("".join(lines)[-4000:])  # shown by pytest when the test fails


def wait_for(condition, *, timeout=60.0, interval=0.2):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(interval)
    return condition()


def logged(worker, task: str, event: str) -> int:
    """How many times the worker logged ``event`` (" received", " succeeded in ") for ``task``."""
    return sum(1 for line in list(worker.output_lines) if f"Task {task}[" in line and event in line)


def finished(worker, task: str) -> list[str]:
    """What each run of ``task`` the worker finished returned, as it logged it."""
    return [
        line.split(": ", 1)[-1]
        for line in list(worker.output_lines)
        if f"Task {task}[" in line and " succeeded in " in line
    ]


def github_samples():
    return StatsSample.objects.filter(source=StatsSample.Source.OBSERVED)


def serve_seed_projects(fake):
    seed_load()
    repos = {}
    for i, project in enumerate(Project.objects.tracked().order_by("pk")):
        if project.full_name.lower() not in repos:
            repos[project.full_name.lower()] = fake.add_repo(project.full_name, stars=20_000 + i)
    return Project.objects.tracked().count()


def test_a_worker_refreshes_the_seed_projects_once_even_when_two_runs_overlap(fake_github):
    tracked = serve_seed_projects(fake_github)
    queue = f"mltop-test-{uuid.uuid4().hex[:10]}"
    with celery_worker(api_url=fake_github.url, token=TOKEN, queue=queue) as worker:
        if settings.REDIS_URL:
            # Two pool processes: hold the first run's GraphQL answer, so that the second run
            # surely starts while the first one is still fetching (and holds the run lock).
            release = fake_github.hold_next(paths=("/graphql",))
            celery_app.send_task("stats.refresh_all", queue=queue_names(queue)["refresh"])
            assert wait_for(lambda: fake_github.pending_injections() == 0), "the first run did not fetch"
            celery_app.send_task("stats.refresh_all", queue=queue_names(queue)["refresh"])
            assert wait_for(lambda: "'skipped': True" in "".join(worker.output_lines)), "the second run was not skipped"
            release.set()
        else:
            # One solo process: the second run is taken before the first run's batch, under its lock.
            celery_app.send_task("stats.refresh_all", queue=queue_names(queue)["refresh"])
            celery_app.send_task("stats.refresh_all", queue=queue_names(queue)["refresh"])
        assert wait_for(lambda: github_samples().count() == tracked), "worker did not refresh the projects"
        # Both runs have finished, and every batch queued: a second run that the lock failed to
        # stop would show here as a second run not skipped, or as batches still to come.
        assert wait_for(lambda: len(finished(worker, "stats.refresh_all")) == 2), "a run did not finish"
        assert sorted("'skipped': True" in result for result in finished(worker, "stats.refresh_all")) == [False, True]
        assert wait_for(
            lambda: len(finished(worker, "stats.refresh_batch")) == logged(worker, "stats.refresh_batch", " received")
        )
        assert worker.poll() is None
    assert github_samples().count() == tracked
    assert fake_github.count(path="/graphql") == 1
    assert set(Project.objects.tracked().values_list("stars", flat=True)) >= {20_000}
    assert not Project.objects.exclude(fetch_error="").exists()


def test_a_worker_defers_rate_limited_projects_and_finishes_after_the_reset(fake_github):
    tracked = serve_seed_projects(fake_github)
    queue = f"mltop-test-{uuid.uuid4().hex[:10]}"
    with celery_worker(api_url=fake_github.url, token="", queue=queue):
        # The window resets 3 s after the fourth request, however late a loaded machine sends it.
        fake_github.rate_limit_after(4, resource="core", reset_in=3, from_last=True)
        celery_app.send_task("stats.refresh_all", queue=queue_names(queue)["refresh"])
        assert wait_for(lambda: github_samples().count() == tracked, timeout=30), "the rest was not fetched"
    reset = fake_github._limits["core"].reset_after_last
    # Four fetched; GitHub's "0 remaining" stopped the worker before any refusal; the rest after the reset.
    fetches = [r for r in fake_github.requests if r.path.startswith("/repos/")]
    assert [r.status for r in fetches] == [200] * tracked
    assert all(r.at < reset for r in fetches[:4]) and all(r.at >= reset for r in fetches[4:])
    assert github_samples().count() == tracked
