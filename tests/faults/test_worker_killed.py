"""A Celery worker killed with SIGKILL in the middle of a refresh batch loses nothing.

The batch is held by GitHub (the fake answers one repository slowly) after some of its
repositories were fetched; then the worker is killed. Late acknowledgement keeps the
message: a killed pool process makes its parent requeue it at once
(task_reject_on_worker_lost); a whole worker killed leaves it unacknowledged in Redis,
which hands it to the next worker after the visibility timeout (shortened here). Either
way the batch then runs to the end once: one sample per project, none duplicated.
"""

import os
import signal
import time

import pytest
from django.db.models import Count

from mltop.queues import queue_names
from projects.models import Project
from stats.models import StatsSample
from tests.stats.test_worker import serve_seed_projects

from .conftest import test_database_url, wait_for

pytestmark = [pytest.mark.faults, pytest.mark.integration, pytest.mark.django_db(transaction=True)]

VISIBILITY_TIMEOUT = 2  # seconds; production keeps the two-hour default (settings.py)


@pytest.fixture
def held_batch(fake_github):
    """The seed's projects on the fake GitHub; the fourth one's answer is held back for 30 s."""
    tracked = serve_seed_projects(fake_github)
    projects = list(Project.objects.tracked().order_by("pk"))
    first, held = projects[0].full_name, projects[3].full_name
    fake_github.slow_next(1, delay=30, paths=(f"/repos/{held}",))
    return tracked, first


def assert_refreshed_once(tracked, fake_github):
    samples = StatsSample.objects.filter(source=StatsSample.Source.OBSERVED)
    assert samples.count() == tracked
    assert not samples.values("project").annotate(n=Count("pk")).filter(n__gt=1).exists()
    for project in Project.objects.tracked():
        assert project.fetch_error == "" and project.stars == fake_github.repo(project.full_name).stars
        assert samples.get(project=project).stars == project.stars


def github_samples_count():
    return StatsSample.objects.filter(source=StatsSample.Source.OBSERVED).count()


def test_a_killed_pool_process_gives_its_batch_back_and_the_worker_completes_it_once(
    held_batch, fake_github, redis_server, processes, broker
):
    tracked, first = held_batch
    env = processes.env(database_url=test_database_url(), redis_url=redis_server.url, GITHUB_API_URL=fake_github.url)
    worker = processes.worker(env, pool="prefork")
    broker.send_task("stats.refresh_all")

    assert wait_for(lambda: fake_github.pending_injections() == 0, timeout=60), "the batch never reached GitHub"
    assert github_samples_count() == 0  # three repositories fetched, nothing written yet
    [child] = worker.children()
    os.kill(child, signal.SIGKILL)

    assert wait_for(lambda: github_samples_count() == tracked, timeout=60), "the batch was not run again"
    assert worker.proc.poll() is None  # the same worker, with a new pool process
    assert "WorkerLostError" in worker.output or "SIGKILL" in worker.output
    assert fake_github.count(path=f"/repos/{first}") == 2  # fetched before the kill and again after
    assert wait_for(lambda: not redis_server.client().hlen("unacked"), timeout=10)  # acknowledged
    assert all(redis_server.queued(queue) == [] for queue in queue_names(processes.queue).values())
    assert_refreshed_once(tracked, fake_github)


def test_a_killed_worker_s_batch_is_redelivered_to_the_next_worker_and_completed_once(
    held_batch, fake_github, redis_server, processes, broker
):
    tracked, first = held_batch
    env = processes.env(
        database_url=test_database_url(),
        redis_url=redis_server.url,
        GITHUB_API_URL=fake_github.url,
        CELERY_VISIBILITY_TIMEOUT=VISIBILITY_TIMEOUT,
    )
    worker = processes.worker(env, name="first")
    broker.send_task("stats.refresh_all")

    assert wait_for(lambda: fake_github.pending_injections() == 0, timeout=60), "the batch never reached GitHub"
    worker.kill(signal.SIGKILL)
    assert worker.proc.returncode == -signal.SIGKILL
    assert github_samples_count() == 0
    assert redis_server.client().hlen("unacked") == 1  # the batch: delivered, never acknowledged

    # A worker restores, when it starts, messages unacknowledged for longer than the timeout.
    client = redis_server.client()
    assert wait_for(lambda: client.zrangebyscore("unacked_index", 0, time.time() - VISIBILITY_TIMEOUT), timeout=10)
    processes.worker(env, name="second")
    assert wait_for(lambda: github_samples_count() == tracked, timeout=60), "the batch was not redelivered"
    assert fake_github.count(path=f"/repos/{first}") == 2
    assert wait_for(lambda: not redis_server.client().hlen("unacked"), timeout=10)
    assert all(redis_server.queued(queue) == [] for queue in queue_names(processes.queue).values())
    assert_refreshed_once(tracked, fake_github)
