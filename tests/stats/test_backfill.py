"""Backfilling past daily stars from GitHub's star history, through the fake GitHub."""

import datetime as dt
import io
import math

import pytest
from django.core.management import call_command
from django.utils import timezone

from github.client import GitHubClient
from rankings.selectors import snapshot_rederive
from rankings.services import snapshot_build
from stats import backfill
from stats.models import StarHistory, StatsSample

pytestmark = pytest.mark.django_db
TODAY = dt.datetime.now(dt.UTC).date()
YESTERDAY = TODAY - dt.timedelta(days=1)


def client_for(fake):
    return GitHubClient(base_url=fake.url, token="", backoff=0.01, timeout=(2, 2), max_retries=1)


def listed(fake, project_factory, full_name, *, created, daily=(), observed=True, **fields):
    """A repository on the fake with stars per day, its project, and today's observed sample."""
    owner, name = full_name.split("/")
    fake.add_repo(full_name, created_at=f"{created.isoformat()}T10:00:00Z")
    for day, count in daily:
        fake.stars_on(full_name, day, count)
    stars = fake.repo(full_name).stars
    created_at = dt.datetime.combine(created, dt.time(10), tzinfo=dt.UTC)
    project = project_factory(
        repo_owner=owner, repo_name=name, stars=stars, repo_created_at=created_at, pushed_at=timezone.now(), **fields
    )
    if observed:
        StatsSample.objects.create(
            project=project, captured_on=TODAY, captured_at=timezone.now(), stars=stars, forks=10, watchers=5
        )
    return project


def series(project):
    return list(StatsSample.objects.filter(project=project).order_by("captured_on").values_list("captured_on", "stars"))


def test_daily_totals_are_anchored_on_the_observed_count():
    day = dt.date(2026, 1, 1)
    counts = [(day + dt.timedelta(days=i), n) for i, n in enumerate([5, 0, 3, 2])]
    totals = backfill.daily_totals(counts, anchor_on=day + dt.timedelta(days=3), anchor_stars=12, first=day, last=day)
    assert totals == [(day, 7)]  # 12 - (0 + 3 + 2)
    assert backfill.daily_totals(
        counts, anchor_on=day, anchor_stars=1, first=day + dt.timedelta(days=3), last=day + dt.timedelta(days=3)
    ) == [(day + dt.timedelta(days=3), 6)]


def test_a_backfill_writes_one_sample_a_day_from_creation_to_yesterday(fake_github, project_factory):
    created = TODAY - dt.timedelta(days=45)
    daily = [(created + dt.timedelta(days=d), 10 + d) for d in range(46)]
    project = listed(fake_github, project_factory, "org/young", created=created, daily=daily)
    result = backfill.project_backfill(project=project, client=client_for(fake_github))
    rows = series(project)
    assert (result.status, result.days, result.requests) == ("complete", 45, 1)
    assert rows[0][0] == created and rows[-1] == (TODAY, project.stars)
    assert len(rows) == 46 and [d for d, _ in rows] == [created + dt.timedelta(days=d) for d in range(46)]
    # Each day's total is the stars given up to its end: the running sum of GitHub's counts.
    assert rows[-2][1] == project.stars - daily[-1][1]
    assert rows[0][1] == daily[0][1]
    backfilled = StatsSample.objects.filter(project=project, source=StatsSample.Source.BACKFILL)
    assert backfilled.count() == 45 and set(backfilled.values_list("forks", "watchers")) == {(None, None)}
    state = StarHistory.objects.get(project=project)
    assert (state.reaches_back_to, state.covered_until, state.requests) == (created, YESTERDAY, 1)


def test_observed_and_imported_days_are_kept(fake_github, project_factory):
    created = TODAY - dt.timedelta(days=10)
    project = listed(fake_github, project_factory, "org/kept", created=created, daily=[(created, 500)])
    observed_day, imported_day = TODAY - dt.timedelta(days=3), TODAY - dt.timedelta(days=6)
    for day, source in ((observed_day, StatsSample.Source.OBSERVED), (imported_day, StatsSample.Source.IMPORT)):
        StatsSample.objects.create(
            project=project, captured_on=day, captured_at=timezone.now(), stars=1, source=source, forks=2
        )
    backfill.project_backfill(project=project, client=client_for(fake_github))
    kept = dict(StatsSample.objects.filter(project=project).values_list("captured_on", "source"))
    assert kept[observed_day] == "observed" and kept[imported_day] == "import"
    assert StatsSample.objects.get(project=project, captured_on=observed_day).stars == 1
    assert list(kept.values()).count("backfill") == 8


def test_a_later_observation_replaces_a_backfilled_day(fake_github, project_factory):
    from stats.samples import samples_upsert

    created = TODAY - dt.timedelta(days=5)
    project = listed(fake_github, project_factory, "org/seen", created=created, daily=[(created, 300)])
    backfill.project_backfill(project=project, client=client_for(fake_github))
    sample = StatsSample(project=project, captured_on=YESTERDAY, captured_at=timezone.now(), stars=301, forks=3)
    samples_upsert([sample])
    row = StatsSample.objects.get(project=project, captured_on=YESTERDAY)
    assert (row.source, row.stars, row.forks) == ("observed", 301, 3)


def test_a_rerun_asks_at_most_the_newest_page_and_changes_nothing(fake_github, project_factory):
    created = TODAY - dt.timedelta(days=3650)
    project = listed(fake_github, project_factory, "org/decade", created=created, daily=[(created, 40_000)])
    first = backfill.project_backfill(project=project, client=client_for(fake_github))
    weeks = (TODAY - created).days // 7 + 2
    assert first.requests <= math.ceil(weeks / 30) + 1
    before = list(StatsSample.objects.filter(project=project).values_list("captured_on", "stars", "recorded_at"))
    fake_github.requests.clear()
    again = backfill.project_backfill(project=project, client=client_for(fake_github))
    assert (again.requests, again.days, len(fake_github.requests)) == (0, 0, 0)
    # A day since the last run without a sample: one request, for the newest page only.
    StatsSample.objects.filter(project=project, captured_on=YESTERDAY).delete()
    StarHistory.objects.filter(project=project).update(covered_until=YESTERDAY - dt.timedelta(days=1))
    gap = backfill.project_backfill(project=project, client=client_for(fake_github))
    assert (gap.requests, gap.days) == (1, 1)
    after = list(StatsSample.objects.filter(project=project).values_list("captured_on", "stars", "recorded_at"))
    assert after[:-2] == before[:-2] and after[-2][:2] == before[-2][:2]


def test_not_found_blocked_and_not_offered_are_recorded_with_a_reason(fake_github, project_factory, settings):
    created = TODAY - dt.timedelta(days=30)
    gone = listed(fake_github, project_factory, "org/gone", created=created)
    fake_github.delete("org/gone")
    blocked = listed(fake_github, project_factory, "org/dmca", created=created)
    fake_github.block("org/dmca")
    onprem = listed(fake_github, project_factory, "org/onprem", created=created)
    enterprise = GitHubClient(base_url=f"{fake_github.url}/api/v3", token="", backoff=0.01, max_retries=1)
    outcomes = [
        backfill.project_backfill(project=gone, client=client_for(fake_github)).status,
        backfill.project_backfill(project=blocked, client=client_for(fake_github)).status,
        backfill.project_backfill(project=onprem, client=enterprise).status,
    ]
    assert outcomes == ["missing", "blocked", "not_offered"]
    assert all(StarHistory.objects.get(project=p).reason for p in (gone, blocked, onprem))
    assert not StatsSample.objects.filter(source=StatsSample.Source.BACKFILL).exists()


def test_a_rate_limit_defers_until_the_reset_and_writes_nothing(fake_github, project_factory):
    created = TODAY - dt.timedelta(days=3650)
    project = listed(fake_github, project_factory, "org/busy", created=created, daily=[(created, 100)])
    fake_github.rate_limit_after(3, reset_in=600)
    result = backfill.project_backfill(project=project, client=client_for(fake_github))
    state = StarHistory.objects.get(project=project)
    assert result.retry_at is not None and state.status == "deferred" and state.retry_at == result.retry_at
    assert "Rate limited" in state.reason
    assert not StatsSample.objects.filter(project=project, source=StatsSample.Source.BACKFILL).exists()


def test_the_task_defers_itself_to_the_reset(fake_github, project_factory, monkeypatch, settings):
    from stats import tasks

    settings.GITHUB_RETRY_BACKOFF = 0.01
    project = listed(fake_github, project_factory, "org/later", created=TODAY - dt.timedelta(days=3650))
    fake_github.exhaust_rate_limit(reset_in=600)
    sent = []
    monkeypatch.setattr(tasks.backfill_project, "apply_async", lambda **kw: sent.append(kw))
    tasks.backfill_project.run(project.pk)
    assert sent[0]["args"] == [project.pk, False] and sent[0]["eta"] > timezone.now()


def test_a_snapshot_built_before_a_backfill_rederives_exactly(fake_github, project_factory):
    created = TODAY - dt.timedelta(days=200)
    steady = listed(fake_github, project_factory, "org/steady", created=created, daily=[(created, 5000)])
    for day in range(1, 60):
        StatsSample.objects.create(
            project=steady,
            captured_on=TODAY - dt.timedelta(days=day),
            captured_at=timezone.now(),
            stars=5000,
            forks=10,
            watchers=5,
        )
    daily = [(created + dt.timedelta(days=d), 300) for d in range(200)]
    young = listed(fake_github, project_factory, "org/grower", created=created, daily=daily)
    snapshot = snapshot_build(top_k=5)
    before = [(r.project_id, r.result.score) for r in snapshot_rederive(snapshot)]
    backfill.project_backfill(project=young, client=client_for(fake_github))
    after = [(r.project_id, r.result.score) for r in snapshot_rederive(snapshot)]
    assert after == before == [(e.project_id, e.score) for e in snapshot.entries.order_by("rank")]
    rebuilt = snapshot_build(top_k=5)
    assert rebuilt.entries.get(project=young).breakdown != snapshot.entries.get(project=young).breakdown


def test_a_week_old_breakout_ranks_on_its_momentum_the_day_it_is_added(fake_github, project_factory):
    created = TODAY - dt.timedelta(days=6)
    daily = [(created + dt.timedelta(days=d), 8000) for d in range(7)]
    project = listed(fake_github, project_factory, "org/breakout", created=created, daily=daily)
    backfill.project_backfill(project=project, client=client_for(fake_github))
    entry = snapshot_build(top_k=5).entries.get(project=project)
    assert entry.breakdown["momentum"]["value"] > 0.5
    # Created six days ago, it had no stars 30 days ago: every one of its 56,000 was gained since.
    assert entry.stars_gained_30d == 56_000


def test_a_bought_burst_in_the_history_is_capped_like_an_observed_one(fake_github, project_factory):
    created = TODAY - dt.timedelta(days=90)
    daily = [(created + dt.timedelta(days=d), 20) for d in range(91)]
    burst = TODAY - dt.timedelta(days=10)
    daily.append((burst, 30_000))
    project = listed(fake_github, project_factory, "org/bought", created=created, daily=daily)
    backfill.project_backfill(project=project, client=client_for(fake_github))
    entry = snapshot_build(top_k=5).entries.get(project=project)
    assert f"unusual star spike on {burst.isoformat()}" in entry.flags
    assert entry.stars_gained_30d > 30_000  # the raw gain is shown; the score counts the cap
    assert entry.breakdown["momentum"]["value"] < 0.3  # uncapped, 30,600 stars in 30 days would score 1.0


def test_the_command_reports_and_a_second_run_skips(fake_github, project_factory):
    created = TODAY - dt.timedelta(days=3650)
    listed(fake_github, project_factory, "org/decade", created=created, daily=[(created, 1000)])
    out, err = io.StringIO(), io.StringIO()
    call_command("backfill_stats", stdout=out, stderr=err)
    weeks = (TODAY - created).days // 7 + 2
    assert out.getvalue().strip() == f"backfilled 1 projects, 3650 days, {math.ceil(weeks / 30)} requests, skipped 0"
    out = io.StringIO()
    call_command("backfill_stats", stdout=out, stderr=err)
    assert out.getvalue().strip() == "backfilled 0 projects, 0 days, 0 requests, skipped 1"


def test_the_weekly_stats_series_of_a_ten_year_old_repository(fake_github, project_factory, client):
    created = TODAY - dt.timedelta(days=3650)
    daily = [(created + dt.timedelta(days=d), 3) for d in range(0, 3651, 2)]
    project = listed(fake_github, project_factory, "org/decade", created=created, daily=daily)
    backfill.project_backfill(project=project, client=client_for(fake_github))
    points = client.get(f"/api/projects/{project.slug}/stats/", {"interval": "week"}).json()["points"]
    first_week = created - dt.timedelta(days=created.weekday())
    assert points[0]["period"] == first_week.isoformat() and points[0]["source"] == "backfill"
    assert points[-1]["stars"] == project.stars and points[-1]["source"] == "observed"


def test_the_project_page_draws_the_backfilled_part_lighter_with_a_note(
    fake_github, project_factory, client, django_assert_num_queries
):
    created = TODAY - dt.timedelta(days=20)
    project = listed(fake_github, project_factory, "org/charted", created=created, daily=[(created, 900)])
    backfill.project_backfill(project=project, client=client_for(fake_github))
    client.get(f"/projects/{project.slug}/")  # warm what the page caches
    html = client.get(f"/projects/{project.slug}/").content.decode()
    assert html.count('class="series faded"') == 1 and html.count('class="series"') == 1
    assert f"up to {YESTERDAY.isoformat()}: GitHub's star history" in html
