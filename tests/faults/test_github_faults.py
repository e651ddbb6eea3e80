"""GitHub failing for some repositories of one refresh: those keep their figures and say why.

Each fault is injected for real by the fake GitHub on loopback, for one repository's path:
a read timeout, a 502, malformed JSON, a secondary rate limit; the repositories around
them must be refreshed in the same run, and no sample may be duplicated or lost.
"""

import datetime as dt

import pytest

from github.client import GitHubClient
from projects.models import Project
from stats import fetching, refresh, runs, tasks
from stats.models import StatsSample

TOKEN = "ghp_testtoken0123456789abcdefghijklmnopqrstu"
pytestmark = [pytest.mark.faults, pytest.mark.django_db]


def client_for(fake, *, token=""):
    # Two attempts per request. The read timeout is what a held answer runs into, and long
    # enough that every other answer arrives within it on a loaded machine.
    return GitHubClient(base_url=fake.url, token=token, backoff=0.01, timeout=(2, 1.0), max_retries=1)


def run(ids, fake, *, token=""):
    return refresh.project_refresh_batch(project_ids=ids, client=client_for(fake, token=token))


@pytest.fixture
def refreshed_once(project_factory, fake_github):
    """Eight projects fetched once (old figures: 100 + i stars, one sample each), then changed on GitHub."""
    projects = []
    for i in range(8):
        fake_github.add_repo(f"org/r{i}", stars=100 + i, forks=i)
        projects.append(project_factory(repo_owner="org", repo_name=f"r{i}", stars=None))
    ids = [p.pk for p in projects]
    assert run(ids, fake_github).summary.refreshed == 8
    for i in range(8):
        fake_github.update(f"org/r{i}", stars=1000 + i, forks=10 + i)
    return ids


def figures(ids):
    return {
        p.pk: (p.stars, p.forks, p.last_fetched_at)
        for p in Project.objects.filter(pk__in=ids).only("stars", "forks", "last_fetched_at")
    }


def samples(ids):
    return dict(StatsSample.objects.filter(project_id__in=ids).values_list("project_id", "stars"))


def test_timeouts_5xx_malformed_json_and_a_rate_limit_spare_the_other_repositories(
    refreshed_once, fake_github, time_machine
):
    ids = refreshed_once
    before = figures(ids)
    # Both attempts held until the client has given up on them: they time out, whatever the load.
    held = [fake_github.hold_next(paths=("/repos/org/r1",)) for _ in range(2)]
    fake_github.fail_next(2, status=502, paths=("/repos/org/r3",))  # both attempts answer 502
    fake_github.malformed_next(1, paths=("/repos/org/r5",))  # a 200 whose JSON is cut short
    fake_github.secondary_limit_next(1, retry_after=1, status=429, paths=("/repos/org/r7",))

    result = run(ids, fake_github)
    for release in held:
        release.set()

    assert result.summary.line() == (
        "refreshed 4, not modified 0, failed 3, missing 0, deferred 1 until the rate limit resets"
    )
    assert not result.outage and result.deferred_ids == [ids[7]]
    after = figures(ids)
    projects = {p.pk: p for p in Project.objects.filter(pk__in=ids)}
    for i in (0, 2, 4, 6):  # the others: refreshed in the same run
        assert after[ids[i]][:2] == (1000 + i, 10 + i) and projects[ids[i]].fetch_error == ""
    for i in (1, 3, 5, 7):  # the faulty ones: old figures kept, the reason recorded
        assert after[ids[i]] == before[ids[i]]
    assert "Timeout" in projects[ids[1]].fetch_error
    assert "502" in projects[ids[3]].fetch_error
    assert "malformed JSON" in projects[ids[5]].fetch_error
    assert "Rate limited" in projects[ids[7]].fetch_error
    # One sample per project and day: refreshed ones updated, the others' old sample untouched.
    assert samples(ids) == {pk: (1000 + i if i in (0, 2, 4, 6) else 100 + i) for i, pk in enumerate(ids)}
    assert StatsSample.objects.filter(project_id__in=ids).count() == 8

    # After GitHub's retry-after the deferred repository is fetched, and nothing else changes.
    time_machine.move_to(result.retry_at + dt.timedelta(seconds=1), tick=True)  # the fake serves in-process
    rest = run(result.deferred_ids, fake_github)
    assert rest.summary.refreshed == 1 and not rest.deferred_ids
    project = Project.objects.get(pk=ids[7])
    assert (project.stars, project.fetch_error) == (1007, "")
    assert StatsSample.objects.filter(project_id__in=ids).count() == 8


def test_a_malformed_repository_in_a_graphql_batch_fails_alone(refreshed_once, fake_github):
    ids = refreshed_once
    before = figures(ids)
    fake_github.update("org/r2", stars=None)  # GitHub's node for this one repository is unusable
    result = run(ids, fake_github, token=TOKEN)
    assert result.summary.line() == "refreshed 7, not modified 0, failed 1, missing 0"
    assert fake_github.count(path="/graphql") == 1
    assert figures([ids[2]]) == {ids[2]: before[ids[2]]}
    assert "unexpected repository object" in Project.objects.get(pk=ids[2]).fetch_error
    assert samples(ids) == {pk: (100 + i if i == 2 else 1000 + i) for i, pk in enumerate(ids)}


def test_several_repositories_failing_in_a_row_is_an_outage_and_stops_the_batch(refreshed_once, fake_github):
    ids = refreshed_once
    before = figures(ids)
    asked = fake_github.count()
    fake_github.outage(status=503)
    result = run(ids, fake_github)
    assert result.outage and result.summary.failed == 8
    # Three repositories in a row, two attempts each; the other five are not asked at all.
    assert fake_github.count() - asked == fetching.OUTAGE_STREAK * 2
    assert figures(ids) == before
    assert all("503" in p.fetch_error for p in Project.objects.filter(pk__in=ids))
    assert samples(ids) == {pk: 100 + i for i, pk in enumerate(ids)}


def test_a_batch_task_with_some_failed_repositories_finishes_its_run_without_a_retry(
    refreshed_once, fake_github, settings
):
    settings.GITHUB_RETRY_BACKOFF = 0
    ids = refreshed_once
    fake_github.fail_next(4, status=500, paths=("/repos/org/r4",))  # every attempt of the task's client
    fake_github.malformed_next(1, paths=("/repos/org/r6",))
    runs.refresh_run_start(run_id="run-faults", batch_count=1)
    summary = tasks.refresh_batch.apply(args=[ids, "run-faults"]).get()
    assert (summary["refreshed"], summary["failed"]) == (6, 2)
    assert runs.refresh_run_active() is None  # the run is over: no retry of the whole batch
    assert samples(ids) == {pk: (100 + i if i in (4, 6) else 1000 + i) for i, pk in enumerate(ids)}
