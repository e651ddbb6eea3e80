"""Task wiring (run in this process with ``apply``); the real worker is in test_worker.py."""

import datetime as dt

import pytest

from github.client import GitHubUnavailable
from stats import refresh, runs, services, tasks

TOKEN = "ghp_testtoken0123456789abcdefghijklmnopqrstu"
pytestmark = pytest.mark.django_db


@pytest.fixture
def queued(monkeypatch):
    sent = []
    monkeypatch.setattr(
        tasks.refresh_batch, "apply_async", lambda args=None, kwargs=None, **kw: sent.append((tuple(args), kw))
    )
    return sent


def test_refresh_all_splits_tracked_projects_and_candidates_into_batches_of_100_under_one_lock(project_factory, queued):
    project_factory.create_batch(205)
    project_factory(status="candidate")  # discovery's candidates are refreshed too (issue 14)
    project_factory(status="excluded")
    result = tasks.refresh_all.apply().get()
    assert (result["projects"], result["batches"]) == (206, 3)
    assert [len(args[0]) for args, _ in queued] == [100, 100, 6]
    assert {args[1] for args, _ in queued} == {result["run_id"]}
    assert runs.refresh_run_active() == result["run_id"]


def test_a_second_run_is_skipped_while_the_first_holds_the_lock(project_factory, queued):
    project_factory()
    first = tasks.refresh_all.apply().get()
    second = tasks.refresh_all.apply().get()
    assert second == {"skipped": True, "projects": 0, "batches": 0}
    assert len(queued) == 1 and not first["skipped"]


def test_the_last_batch_of_a_run_releases_the_lock(project_factory, fake_github, queued):
    fake_github.add_repo("a/b")
    project_factory(repo_owner="a", repo_name="b")
    run_id = tasks.refresh_all.apply().get()["run_id"]
    [(args, _)] = queued
    summary = tasks.refresh_batch.apply(args=args).get()
    assert summary["refreshed"] == 1
    assert runs.refresh_run_active() is None
    assert not tasks.refresh_all.apply().get()["skipped"] and run_id


def test_a_rate_limited_batch_requeues_the_rest_for_after_the_reset(project_factory, fake_github, queued):
    ids = []
    for name in ("one", "two"):
        fake_github.add_repo(f"a/{name}")
        ids.append(project_factory(repo_owner="a", repo_name=name).pk)
    fake_github.rate_limit_after(1, reset_in=300)
    runs.refresh_run_start(run_id="run-1", batch_count=1)
    summary = tasks.refresh_batch.apply(args=[ids, "run-1"]).get()
    assert (summary["refreshed"], summary["deferred"]) == (1, 1)
    [(args, options)] = queued
    assert args == ([ids[1]], "run-1")
    assert options["eta"] > dt.datetime.now(dt.UTC) + dt.timedelta(seconds=290)
    assert runs.refresh_run_active() == "run-1"  # the run is not over until the rest is fetched


def test_an_outage_is_retried_by_celery_with_the_errors_recorded(project_factory, fake_github, settings):
    settings.GITHUB_RETRY_BACKOFF = 0
    project = project_factory(repo_owner="a", repo_name="b")
    fake_github.outage()
    summary = tasks.refresh_batch.apply(args=[[project.pk]]).get()
    # Run eagerly, Celery retries at once: the first try and max_retries more, four requests each.
    assert fake_github.count() == (tasks.refresh_batch.max_retries + 1) * 4
    assert summary["failed"] == 1
    project.refresh_from_db()
    assert "503" in project.fetch_error


def test_tasks_retry_only_named_transient_errors_and_have_time_limits():
    assert tasks.refresh_batch.autoretry_for == (GitHubUnavailable,)
    assert tasks.refresh_batch.max_retries == 5 and tasks.refresh_batch.retry_backoff
    for task in (tasks.refresh_batch, tasks.refresh_all):
        assert task.soft_time_limit < task.time_limit


def test_refresh_enqueue_waits_for_the_commit(project_factory, queued, django_capture_on_commit_callbacks):
    ids = [p.pk for p in project_factory.create_batch(150)]
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        assert services.refresh_enqueue(project_ids=ids) == 2
    assert queued == [] and len(callbacks) == 2
    for callback in callbacks:
        callback()
    assert [len(args[0]) for args, _ in queued] == [100, 50]


def test_a_batch_that_lost_its_database_connection_is_retried(project_factory, fake_github, settings, monkeypatch):
    # The real fault (PostgreSQL restarted under a worker) is in tests/faults/test_postgres_restarts.py.
    from django.db import InterfaceError, OperationalError

    settings.REFRESH_DB_RETRY_SECONDS = 0
    fake_github.add_repo("a/b", stars=7)
    project = project_factory(repo_owner="a", repo_name="b")
    real = refresh.project_refresh_batch
    failures = [OperationalError("terminating connection due to administrator command"), InterfaceError("closed")]

    def flaky(**kwargs):
        if failures:
            raise failures.pop(0)
        return real(**kwargs)

    monkeypatch.setattr(refresh, "project_refresh_batch", flaky)
    summary = tasks.refresh_batch.apply(args=[[project.pk]]).get()
    assert summary["refreshed"] == 1 and not failures
    project.refresh_from_db()
    assert project.stars == 7
