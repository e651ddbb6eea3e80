"""Beat killed and restarted twice in a row sends each scheduled run once.

django-celery-beat's DatabaseScheduler keeps each schedule's runs in the database. Beat
records a run right after sending it (CELERY_BEAT_SYNC_EVERY = 1), so a beat killed with
SIGKILL just after a run, then started again, finds the run done and does not send it
again. The runs here are one-off clocked schedules already due; the messages beat sends
are read straight from the queue in a Redis of the test's own (no worker consumes them).
"""

import datetime as dt
import signal
from collections import Counter

import pytest
from django.utils import timezone
from django_celery_beat.models import ClockedSchedule, PeriodicTask

from mltop.queues import queue_names

from .conftest import test_database_url, wait_for

pytestmark = [pytest.mark.faults, pytest.mark.integration, pytest.mark.django_db(transaction=True)]


def due_run(name: str) -> PeriodicTask:
    clocked = ClockedSchedule.objects.create(clocked_time=timezone.now() - dt.timedelta(seconds=1))
    return PeriodicTask.objects.create(name=name, task="stats.refresh_all", clocked=clocked, one_off=True)


def sent(redis_server, queue) -> Counter:
    return Counter(message["headers"].get("periodic_task_name") for message in redis_server.queued(queue))


def recorded(task: PeriodicTask) -> bool:
    """Beat has written the run down: counted, or (one tick later) the one-off disabled."""
    task.refresh_from_db()
    return task.total_run_count > 0 or not task.enabled


def test_beat_killed_and_restarted_twice_sends_each_run_once(redis_server, processes):
    env = processes.env(database_url=test_database_url(), redis_url=redis_server.url)
    queue = queue_names(processes.queue)["refresh"]  # where beat sends stats.refresh_all
    runs = []
    for restart in range(3):
        # Two runs per beat: celery's beat saves at its first send anyway; the second tells.
        batch = [due_run(f"fault run {restart}{part}") for part in "ab"]
        runs += batch
        beat = processes.beat(env)
        for run in batch:
            assert wait_for(lambda run=run: sent(redis_server, queue)[run.name] >= 1, timeout=30), f"{run} not sent"
            assert wait_for(lambda run=run: recorded(run), timeout=10), f"beat did not record {run}, which it sent"
        if restart < 2:
            beat.kill(signal.SIGKILL)  # no chance to save anything on the way out
    # The last beat has had every run's schedule in front of it: give it a few ticks to misbehave.
    ticks = beat.output.count("beat: Waking up")
    assert wait_for(lambda: beat.output.count("beat: Waking up") >= ticks + 2, timeout=30)
    beat.stop()

    assert sent(redis_server, queue) == Counter({run.name: 1 for run in runs})
    assert all(recorded(run) for run in runs)
