"""End to end: discovery finds November's repositories, backfill gives their day-0 history, and
``build_snapshot --board new --month 2026-11 --publish`` ranks ten of them; the page shows it."""

import datetime as dt
import io

import pytest
import time_machine
from django.core.management import call_command
from django.utils import translation

from github.client import GitHubClient
from github.search import Window
from projects import discovery
from projects.models import DiscoveryRule, ExclusionPattern, Project
from rankings.models import RankingSnapshot
from stats import backfill

pytestmark = pytest.mark.django_db

NOW = dt.datetime(2026, 12, 2, 12, 0, tzinfo=dt.UTC)
NOV = [dt.date(2026, 11, 1) + dt.timedelta(days=n) for n in range(30)]


def _repo(fake, full_name, *, created: str, daily: int, first_day: dt.date, pushed="2026-11-29T10:00:00Z", **fields):
    fake.add_repo(
        full_name, created_at=created, pushed_at=pushed, topics=["machine-learning"], description="ML", **fields
    )
    for day in [d for d in NOV if d >= first_day]:
        fake.stars_on(full_name, day, daily)
    fake.stars_on(full_name, dt.date(2026, 12, 1), daily)


@pytest.fixture
def world(fake_github):
    fake = fake_github
    fake.search.set_limit(authorized=False, per_minute=10_000)
    # Three breakouts and seven steady newcomers (two of them on the month's edges).
    for n, daily in enumerate((400, 300, 250)):
        _repo(fake, f"lab{n}/breakout{n}", created=f"2026-11-0{n + 3}T09:00:00Z", daily=daily, first_day=NOV[n + 2])
    for n in range(5):
        _repo(fake, f"dev{n}/steady{n}", created="2026-11-10T09:00:00Z", daily=5 + n, first_day=NOV[9], forks=3 * n)
    _repo(fake, "edge/first-second", created="2026-11-01T00:00:00Z", daily=4, first_day=NOV[0])
    fake.add_repo(
        "edge/last-second", created_at="2026-11-30T23:59:59Z", pushed_at="2026-11-30T23:59:59Z",
        topics=["machine-learning"], description="ML",
    )  # fmt: skip
    fake.stars_on("edge/last-second", NOV[29], 60)
    # Not newcomers of November, whatever their stars: a list, a fork, an archived one,
    # one created a second before the month and one at its end.
    _repo(fake, "people/awesome-ml-2026", created="2026-11-05T09:00:00Z", daily=900, first_day=NOV[4])
    _repo(fake, "copycat/breakout0", created="2026-11-06T09:00:00Z", daily=900, first_day=NOV[5], fork=True)
    _repo(fake, "old/archived", created="2026-11-07T09:00:00Z", daily=900, first_day=NOV[6], archived=True)
    _repo(fake, "edge/october", created="2026-10-31T23:59:59Z", daily=900, first_day=NOV[0])
    fake.add_repo("edge/december", created_at="2026-12-01T00:00:00Z", topics=["machine-learning"], description="ML")
    fake.stars_on("edge/december", dt.date(2026, 12, 1), 900)
    for pattern, field, reason in discovery.DEFAULT_EXCLUSIONS:
        ExclusionPattern.objects.create(pattern=pattern, field=field, reason=reason)
    DiscoveryRule.objects.create(name="ML", topics=["machine-learning"], min_stars=1)
    client = GitHubClient(base_url=fake.url, token="", backoff=0.01, timeout=(2, 2), max_retries=1)
    with time_machine.travel(NOW, tick=False):
        discovery.discovery_run(window=Window.days(dt.date(2026, 10, 1), dt.date(2026, 12, 2)))
        for project in Project.objects.all():
            backfill.project_backfill(project=project, client=client)
        yield fake


def test_the_newcomers_of_november_are_ten_projects_created_in_november_breakouts_first(world, client):
    out = io.StringIO()
    # The language a Chinese request activates in this thread must not outlive the test.
    with time_machine.travel(NOW, tick=False), translation.override("en"):
        call_command(
            "build_snapshot", "--board", "new", "--month", "2026-11", "--publish", stdout=out, stderr=io.StringIO()
        )
        snapshot = RankingSnapshot.objects.get(pk=int(out.getvalue().strip()))
        entries = list(snapshot.entries.select_related("project").order_by("rank"))
        english = client.get("/rankings/new/2026-11/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
        chinese = client.get("/rankings/new/2026-11/", HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()

    assert (snapshot.board, snapshot.period, snapshot.status, snapshot.method) == (
        "new",
        "2026-11",
        "published",
        "newcomers-v1",
    )
    assert len(entries) == 10
    names = [e.project.full_name for e in entries]
    assert names[:3] == ["lab0/breakout0", "lab1/breakout1", "lab2/breakout2"]
    assert {"edge/first-second", "edge/last-second"} <= set(names)
    for entry in entries:
        created = entry.project.repo_created_at
        assert dt.datetime(2026, 11, 1, tzinfo=dt.UTC) <= created < dt.datetime(2026, 12, 1, tzinfo=dt.UTC)
        assert not entry.project.fork and not entry.project.archived and "awesome" not in entry.project.repo_name
        assert set(entry.breakdown) == {"month_stars", "forks", "recency"}
        assert entry.project.status == Project.Status.TRACKED  # publishing put discovery's candidates in
    assert "The ten newest ML projects · November 2026" in english
    assert "十大最新机器学习开源项目 · 2026年11月" in chinese
    assert "lab0/breakout0" in english or "breakout0" in english
