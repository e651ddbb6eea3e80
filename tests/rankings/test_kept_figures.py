"""Kept figures: a build of today that reads them gives exactly what the full figures pass gives."""

import datetime as dt
import random

import pytest
import time_machine
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from projects.models import Project
from rankings import board_services
from rankings.boards import NewcomersRequest, compute_boards
from rankings.figures import NewcomerWindow, candidates_as_of
from rankings.kept_figures import (
    candidates_for_build,
    figures_update,
    kept_params,
    params_key,
    rows_not_ready,
    serves,
)
from rankings.models import ProjectFigures, RankingSnapshot
from rankings.newcomers import Month, NewcomerParameters
from rankings.scoring import Parameters
from rankings.selectors import snapshot_rederive
from rankings.services import snapshot_build
from stats.backfill import _write as backfill_write
from stats.models import StatsSample
from stats.samples import samples_upsert

pytestmark = pytest.mark.django_db


def at(day: dt.date, hour: int = 6) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour), tzinfo=dt.UTC)


def month_window(day: dt.date) -> NewcomerWindow:
    month = Month(day.year, day.month)
    since, until = month.created_window(0)
    return NewcomerWindow(
        month_start=month.first_day, month_end=month.last_day, created_since=since, created_until=until
    )


def history(rng: random.Random, project: Project, today: dt.date) -> list[StatsSample]:
    """Up to 420 days ending on or before today: gaps, a steady pace with noise, sometimes a spike."""
    length = rng.randint(1, 420)
    end = today - dt.timedelta(days=rng.choice([0, 0, 0, 1, 3, 40, 500]))
    stars, rows = rng.randint(0, 5000), []
    spike = rng.randrange(length) if rng.random() < 0.4 else -1
    for back in range(length, -1, -1):
        day = end - dt.timedelta(days=back)
        stars += rng.randint(0, 30) + (rng.randint(2_000, 9_000) if back == spike else 0)
        if rng.random() < 0.15:
            continue  # a day without a capture
        pushed = at(day - dt.timedelta(days=rng.randint(0, 400))) if rng.random() < 0.8 else None
        rows.append(
            StatsSample(
                project=project,
                captured_on=day,
                captured_at=at(day),
                stars=stars,
                forks=rng.choice([None, stars // 10]),
                watchers=rng.choice([None, stars // 50]),
                pushed_at=pushed,
            )
        )
    return rows


def world(project_factory, rng: random.Random, today: dt.date, count: int = 24) -> list[Project]:
    """Tracked, archived, kept, missing, excluded projects and the month's new candidates, with histories.

    Half the histories go through the writers that keep figures (refresh's upsert, then a
    backfill of past days written later), half straight into the table (a project whose rows
    are stale or missing: the build must compute them).
    """
    projects = []
    for n in range(count):
        kind = rng.choice(["tracked"] * 5 + ["archived", "keep", "missing", "gone", "excluded", "new", "new_fork"])
        fields = {"pushed_at": at(today - dt.timedelta(days=rng.randint(0, 700)))}
        if kind in ("new", "new_fork"):
            created = at(today.replace(day=1)) + dt.timedelta(hours=rng.randint(0, 24 * (today.day - 1) + 5))
            fields |= {"status": Project.Status.CANDIDATE, "repo_created_at": created, "fork": kind == "new_fork"}
        fields |= {
            "archived": kind == "archived",
            "ranking_keep": kind == "keep",
            "missing_since": at(today - dt.timedelta(days=3)) if kind == "missing" else None,
            "status": Project.Status.EXCLUDED if kind == "excluded" else fields.get("status", Project.Status.TRACKED),
        }
        if kind == "gone":
            fields["missing_since"] = at(today + dt.timedelta(days=1))  # missing after the as-of day: still ranked
        project = project_factory(**fields)
        rows = history(rng, project, today)
        if n % 2:
            StatsSample.objects.bulk_create(rows)
        else:
            recent, older = rows[len(rows) // 3 :], rows[: len(rows) // 3]
            samples_upsert(recent)
            backfill_write(project, [(s.captured_on, s.stars) for s in older], now=timezone.now())
        projects.append(project)
    return projects


def same_candidates(today: dt.date, params: Parameters, recorded_before: dt.datetime, window=None) -> list:
    kept = list(candidates_for_build(as_of=today, params=params, recorded_before=recorded_before, newcomers=window))
    full = list(candidates_as_of(as_of=today, params=params, recorded_before=recorded_before, newcomers=window))
    assert kept == full
    return kept


# Month edges (the first and the last day), a short February, and an ordinary day.
DAYS = [dt.date(2026, 3, 1), dt.date(2026, 3, 31), dt.date(2026, 2, 28), dt.date(2026, 11, 17)]


@pytest.mark.parametrize("seed", [1, 2, 3])
@pytest.mark.parametrize("today", DAYS)
def test_kept_figures_give_the_full_pass_exactly(project_factory, today, seed):
    rng = random.Random(seed * 1000 + today.toordinal())
    with time_machine.travel(at(today, 1), tick=False) as traveller:
        world(project_factory, rng, today)
        traveller.shift(dt.timedelta(hours=1))
        now = timezone.now()
        same_candidates(today, kept_params(), now, month_window(today))
        same_candidates(today, kept_params(), now)
        # The build stored the rows it lacked: every project it ranks has one, and the next build fills none.
        ranked = Project.objects.exclude(status=Project.Status.EXCLUDED).exclude(missing_since__lte=at(today, 23))
        kept = ProjectFigures.objects.filter(as_of=today, params_key=params_key(kept_params()))
        assert set(ranked.values_list("pk", flat=True)) <= set(kept.values_list("project_id", flat=True))
        assert rows_not_ready(
            as_of=today, params=kept_params(), recorded_before=now, newcomers=month_window(today)
        ) == (
            [],
            [],
        )
        same_candidates(today, kept_params(), now, month_window(today))


def test_a_sample_recorded_after_the_build_started_is_not_read(project_factory):
    today = dt.date(2026, 5, 20)
    rng = random.Random(7)
    with time_machine.travel(at(today, 1), tick=False) as traveller:
        projects = world(project_factory, rng, today, count=10)
        late = project_factory()
        days = [today - dt.timedelta(days=d) for d in range(30, 0, -1)]
        samples_upsert([StatsSample(project=late, captured_on=d, captured_at=at(d), stars=100 + d.day) for d in days])
        traveller.shift(dt.timedelta(hours=1))
        started = timezone.now()
        traveller.shift(dt.timedelta(minutes=5))
        # A refresh and a backfill land after the build started (and keep their rows up to date).
        samples_upsert([StatsSample(project=late, captured_on=today, captured_at=timezone.now(), stars=99_999)])
        backfill_write(
            projects[2], [(today - dt.timedelta(days=d), 7) for d in range(300, 290, -1)], now=timezone.now()
        )
        assert ProjectFigures.objects.get(project=late).recorded_through > started
        candidates = same_candidates(today, kept_params(), started, month_window(today))
        assert [c.figures.stars for c in candidates if c.project_id == late.pk] == [100 + days[-1].day]
        # A build that starts now reads it.
        later = same_candidates(today, kept_params(), timezone.now())
        assert [c.figures.stars for c in later if c.project_id == late.pk] == [99_999]


def test_a_parameters_change_recomputes_every_row(project_factory, settings):
    today = dt.date(2026, 7, 9)
    with time_machine.travel(at(today, 1), tick=False) as traveller:
        world(project_factory, random.Random(11), today, count=12)
        old_key = params_key(kept_params())
        settings.RANKING_SPIKE_FACTOR = 3
        settings.RANKING_SPIKE_BASELINE = 7
        traveller.shift(dt.timedelta(hours=1))
        same_candidates(today, kept_params(), timezone.now(), month_window(today))
        assert params_key(kept_params()) != old_key
        ranked = ProjectFigures.objects.filter(project__status=Project.Status.TRACKED, project__missing_since=None)
        assert ranked and not ranked.filter(params_key=old_key)
        # Parameters other than the settings' (an editor's build) read the samples, never the rows.
        other = Parameters(spike_floor=5)
        assert not serves(as_of=today, params=other)
        before = list(ProjectFigures.objects.values_list("project_id", "params_key", "as_of"))
        same_candidates(today, other, timezone.now())
        assert list(ProjectFigures.objects.values_list("project_id", "params_key", "as_of")) == before


def test_rows_from_another_day_or_month_do_not_serve(project_factory, settings):
    today = dt.date(2026, 8, 12)
    with time_machine.travel(at(today, 1), tick=False):
        assert serves(as_of=today, params=kept_params(), newcomers=month_window(today))
        assert not serves(as_of=today, params=kept_params(), newcomers=month_window(dt.date(2026, 7, 1)))
        assert not serves(as_of=today - dt.timedelta(days=1), params=kept_params())
        settings.RANKING_KEEP_FIGURES = False
        assert not serves(as_of=today, params=kept_params())
        settings.RANKING_KEEP_FIGURES = True
    # Yesterday's rows are stale today: the first build of the day recomputes them.
    project = project_factory()
    with time_machine.travel(at(today, 1), tick=False):
        samples_upsert(history(random.Random(3), project, today))
    assert ProjectFigures.objects.get(project=project).as_of == today
    tomorrow = today + dt.timedelta(days=1)
    with time_machine.travel(at(tomorrow, 2), tick=False):
        same_candidates(tomorrow, kept_params(), timezone.now(), month_window(tomorrow))
    assert ProjectFigures.objects.get(project=project).as_of == tomorrow


def test_every_writer_keeps_the_figures_and_a_project_without_captures_has_an_empty_row(project_factory):
    today = dt.date(2026, 4, 2)
    quiet, busy = project_factory(), project_factory()
    with time_machine.travel(at(today, 1), tick=False):
        assert figures_update(project_ids=[quiet.pk, busy.pk, 10**9]) == 2
        assert ProjectFigures.objects.get(project=quiet).stars is None
        samples_upsert([StatsSample(project=busy, captured_on=today, captured_at=timezone.now(), stars=500)])
        row = ProjectFigures.objects.get(project=busy)
        assert (row.stars, row.month_gained, row.as_of, row.params_key) == (500, 500, today, params_key(kept_params()))
        backfill_write(busy, [(today - dt.timedelta(days=1), 450)], now=timezone.now())
        row.refresh_from_db()
        assert (row.stars, row.gained_short, row.month_gained) == (500, 50, 500)
        # Deleting a sample (admin) recomputes too.
        StatsSample.objects.get(project=busy, captured_on=today).delete()
        row.refresh_from_db()
        assert (row.stars, row.gained_short) == (450, 0)


def test_the_command_fills_every_row_with_progress(project_factory, capsys):
    today = dt.date(2026, 6, 3)
    projects = project_factory.create_batch(5)
    for project in projects:
        StatsSample.objects.create(project=project, captured_on=today, captured_at=at(today), stars=10)
    with time_machine.travel(at(today, 8), tick=False):
        call_command("kept_figures", batch=2)
    out = capsys.readouterr()
    assert "5 / 5 projects" in out.err and "5 rows written" in out.out
    assert list(ProjectFigures.objects.order_by("pk").values_list("as_of", "stars")) == [(today, 10)] * 5


def test_one_pass_of_kept_figures_serves_every_board_in_five_queries(project_factory):
    today = dt.date(2026, 9, 14)
    days = [today - dt.timedelta(days=d) for d in range(60, -1, -1)]
    with time_machine.travel(at(today, 1), tick=False) as traveller:
        for n in range(6):
            project = project_factory(pushed_at=at(today))
            spike = 5_000 if n == 0 else 0
            samples_upsert(
                [
                    StatsSample(
                        project=project, captured_on=d, captured_at=at(d), stars=1000 + 20 * i + spike * (i > 50)
                    )
                    for i, d in enumerate(days)
                ]
            )
        fresh = project_factory(status=Project.Status.CANDIDATE, repo_created_at=at(today.replace(day=2)))
        StatsSample.objects.bulk_create(  # not kept yet: the build fills its row
            StatsSample(project=fresh, captured_on=d, captured_at=at(d), stars=10 * i) for i, d in enumerate(days[-12:])
        )
        traveller.shift(dt.timedelta(hours=1))
        request = NewcomersRequest(month=Month(2026, 9), params=NewcomerParameters())
        args = {"as_of": today, "params": kept_params(), "top_k": 50, "newcomers": request}
        with CaptureQueriesContext(connection) as queries:
            kept = compute_boards(**args, recorded_before=timezone.now(), keep_figures=True)
        full = compute_boards(**args, recorded_before=timezone.now())
    fills = [q for q in queries.captured_queries if q["sql"].startswith("INSERT INTO")]
    # membership, which rows are stale, the stale rows filled, the figures read, the boards' spike days
    assert (len(queries.captured_queries), len(fills)) == (5, 1)
    assert kept == full
    assert [r.project_id for r in kept.newcomers] == [fresh.pk]
    assert kept.overall[0].figures.spike_days


def test_a_snapshot_built_from_kept_figures_re_derives_exactly(project_factory, settings):
    settings.RANKING_MIN_STARS = 0
    today = dt.date(2026, 10, 31)
    with time_machine.travel(at(today, 1), tick=False) as traveller:
        world(project_factory, random.Random(9), today, count=30)
        traveller.shift(dt.timedelta(hours=1))
        built = board_services.boards_build(top_k=20)
        snapshot = snapshot_build(top_k=20)
        # Written after the builds: a backfill of a ranked project's past days, and today's figures.
        traveller.shift(dt.timedelta(hours=1))
        ranked = snapshot.entries.order_by("rank").first().project
        backfill_write(ranked, [(today - dt.timedelta(days=d), 1) for d in range(399, 380, -1)], now=timezone.now())
        newcomer = project_factory()
        samples_upsert([StatsSample(project=newcomer, captured_on=today, captured_at=at(today), stars=10**6)])
        for stored in [built.overall, snapshot]:
            entries = list(stored.entries.order_by("rank").values_list("rank", "project_id", "score", "stars"))
            again = [(r.rank, r.project_id, r.result.score, r.figures.stars) for r in snapshot_rederive(stored)]
            assert entries and again == entries
    assert RankingSnapshot.objects.filter(origin=RankingSnapshot.Origin.COMPUTED).count() >= 2
