"""Computed snapshots built in the database: figures, eligibility, no look-ahead, re-derivation."""

import datetime as dt
import random

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from projects.models import Project
from rankings.building import compute_ranking, entry_gains
from rankings.figures import candidates_as_of, spike_days_as_of
from rankings.models import RankingEntry, RankingSnapshot
from rankings.scoring import COMPONENTS, METHOD, Parameters, Sample, figures_from_samples, ordered_breakdown
from rankings.selectors import snapshot_rederive
from rankings.services import snapshot_build
from stats.models import StatsSample

pytestmark = pytest.mark.django_db

AS_OF = dt.date(2025, 6, 30)
PARAMS = Parameters()


def record(project, gains, *, start_stars=1000, end=AS_OF, forks=10, watchers=5, pushed=None, head=True):
    """Daily samples ending on ``end``: ``start_stars`` first (unless not ``head``), then one gain a day."""
    first = end - dt.timedelta(days=len(gains))
    stars, rows = start_stars, []
    for i in range(0 if head else 1, len(gains) + 1):
        if i:
            stars += gains[i - 1]
        day = first + dt.timedelta(days=i)
        rows.append(
            StatsSample(
                project=project,
                captured_on=day,
                captured_at=dt.datetime.combine(day, dt.time(12), tzinfo=dt.UTC),
                stars=stars,
                forks=forks,
                watchers=watchers,
                pushed_at=dt.datetime.combine(pushed or day, dt.time(9), tzinfo=dt.UTC),
            )
        )
    StatsSample.objects.bulk_create(rows)
    return rows


def test_database_figures_match_the_python_reference(project_factory):
    rng = random.Random(4)
    projects = project_factory.create_batch(8)
    expected = {}
    for n, project in enumerate(projects):
        days = sorted(rng.sample(range(0, 420), rng.randint(2, 150)))
        stars, samples = rng.randint(0, 5000), []
        for day in days:
            stars = max(0, stars + rng.choice([0, 1, 5, 20, -3, 400, 3000 if n % 2 else 30]))
            samples.append(Sample(AS_OF - dt.timedelta(days=419 - day) + dt.timedelta(days=n), stars))
        StatsSample.objects.bulk_create(
            StatsSample(
                project=project,
                captured_on=s.day,
                captured_at=dt.datetime.combine(s.day, dt.time(1), tzinfo=dt.UTC),
                stars=s.stars,
            )
            for s in samples
        )
        expected[project.pk] = figures_from_samples(samples, as_of=AS_OF, params=PARAMS)

    got = {c.project_id: c for c in candidates_as_of(as_of=AS_OF, params=PARAMS)}
    spikes = spike_days_as_of(project_ids=list(got), as_of=AS_OF, params=PARAMS)
    assert set(got) == {pk for pk, figures in expected.items() if figures is not None}
    assert any(figures.spike_days for figures in expected.values() if figures)
    for pk, candidate in got.items():
        want = expected[pk]
        assert candidate.figures.__class__(**{**candidate.figures.__dict__, "spike_days": spikes.get(pk, ())}) == want
        assert candidate.spike_count == len(want.spike_days)


def test_build_stores_scores_breakdowns_figures_and_the_method(project_factory, settings):
    settings.RANKING_WEIGHTS = {"popularity": 0.25, "momentum": 0.45, "engagement": 0.15, "recency": 0.15}
    fast, slow = project_factory(name="Fast"), project_factory(name="Slow")
    record(fast, [100] * 40)
    record(slow, [1] * 40)

    snapshot = snapshot_build(as_of=AS_OF, top_k=10, publish=False)

    assert (snapshot.origin, snapshot.status, snapshot.method) == ("computed", "draft", METHOD)
    assert snapshot.weights == settings.RANKING_WEIGHTS
    assert snapshot.parameters["as_of"] == "2025-06-30" and snapshot.parameters["top_k"] == 10
    assert snapshot.parameters["short_days"] == 30 and snapshot.parameters["spike_factor"] == 10
    assert snapshot.taken_at == dt.datetime(2025, 6, 30, 23, 59, 59, 999999, tzinfo=dt.UTC)
    first, second = snapshot.entries.order_by("rank")
    assert (first.project, second.project) == (fast, slow)
    # 40 days of history: a 30-day gain, and no capture near a year ago, so no 365-day gain.
    assert (first.stars, first.stars_gained_30d, first.stars_gained_365d) == (5000, 3000, None)
    assert [name for name, _ in ordered_breakdown(first.breakdown)] == list(COMPONENTS)
    assert first.breakdown["momentum"]["weight"] == 0.45
    assert first.score == sum(part["contribution"] for part in first.breakdown.values())
    assert first.flags == [] and first.previous_rank is None


def test_a_spike_is_flagged_on_the_entry(project_factory):
    spiky = project_factory()
    record(spiky, [10] * 36 + [5000] + [10] * 3)
    snapshot = snapshot_build(as_of=AS_OF, top_k=5)
    entry = snapshot.entries.get()
    spike_day = AS_OF - dt.timedelta(days=3)
    assert entry.flags == [f"unusual star spike on {spike_day.isoformat()}"]
    assert entry.stars_gained_30d == 260 + 5000 + 30  # the raw gain since 30 days ago is what readers see


def test_an_entry_without_a_capture_near_30_days_ago_shows_no_gain(project_factory):
    """Readers saw "+15,063 in 30 days" from a 2018 capture, and "+0" from one capture: now unknown."""
    seeded = project_factory()
    StatsSample.objects.create(
        project=seeded, captured_on=dt.date(2018, 2, 1), captured_at=dt.datetime(2018, 2, 1, tzinfo=dt.UTC), stars=11248
    )
    record(seeded, [5] * 3, start_stars=26000)
    snapshot = snapshot_build(as_of=AS_OF, top_k=5)
    entry = snapshot.entries.get()
    assert (entry.stars, entry.stars_gained_30d, entry.stars_gained_365d) == (26015, None, None)


def test_only_eligible_projects_are_ranked(project_factory):
    ok = project_factory(name="Ok")
    excluded = project_factory(status=Project.Status.EXCLUDED, status_reason="Spam.")
    candidate = project_factory(status=Project.Status.CANDIDATE)
    missing = project_factory(missing_since=dt.datetime(2025, 1, 1, tzinfo=dt.UTC))
    missing_later = project_factory(name="Gone later", missing_since=dt.datetime(2025, 12, 1, tzinfo=dt.UTC))
    small = project_factory()
    archived = project_factory(archived=True)
    archived_kept = project_factory(name="Kept", archived=True, ranking_keep=True)
    stale = project_factory()
    for project in (ok, excluded, candidate, missing, missing_later, archived, archived_kept):
        record(project, [5] * 10)
    record(small, [1] * 10, start_stars=50)
    record(stale, [5] * 10, pushed=AS_OF - dt.timedelta(days=400))

    snapshot = snapshot_build(as_of=AS_OF, top_k=50)

    assert set(snapshot.entries.values_list("project__name", flat=True)) == {"Ok", "Gone later", "Kept"}


def test_min_stars_setting_is_honoured(project_factory, settings):
    settings.RANKING_MIN_STARS = 2000
    record(project_factory(name="Big"), [5] * 5, start_stars=2500)
    record(project_factory(name="Small"), [5] * 5, start_stars=1500)
    snapshot = snapshot_build(as_of=AS_OF)
    assert list(snapshot.entries.values_list("project__name", flat=True)) == ["Big"]


def test_top_k_and_deterministic_ties(project_factory):
    # Same history for all: same score; stars decide, then the name.
    for name, start in [("delta", 1000), ("Alpha", 1000), ("charlie", 1000), ("bravo", 2000)]:
        record(project_factory(name=name), [0] * 3, start_stars=start, forks=0, watchers=0)
    snapshot = snapshot_build(as_of=AS_OF, top_k=3)
    assert list(snapshot.entries.order_by("rank").values_list("project__name", flat=True)) == [
        "bravo",
        "Alpha",
        "charlie",
    ]


def test_as_of_uses_no_later_data(project_factory):
    steady, later_star = project_factory(name="Steady"), project_factory(name="Later star")
    record(steady, [50] * 60)
    record(later_star, [1] * 60)
    before = compute_ranking(as_of=AS_OF, params=PARAMS, top_k=10)
    # After the as-of date, the second project explodes and a new one appears.
    record(later_star, [200_000] * 10, start_stars=1060, end=AS_OF + dt.timedelta(days=10), head=False)
    record(project_factory(name="Newcomer"), [9_000] * 5, end=AS_OF + dt.timedelta(days=6))
    after = compute_ranking(as_of=AS_OF, params=PARAMS, top_k=10)
    assert [(r.name, r.result.score, r.figures) for r in after] == [(r.name, r.result.score, r.figures) for r in before]
    assert [r.name for r in after] == ["Steady", "Later star"]
    later = compute_ranking(as_of=AS_OF + dt.timedelta(days=10), params=PARAMS, top_k=10)
    assert later[0].name == "Later star"


def test_a_published_computed_snapshot_is_rederived_bit_for_bit(project_factory, settings):
    rng = random.Random(7)
    for _ in range(12):
        record(project_factory(), [rng.randint(0, 300) for _ in range(60)], start_stars=rng.randint(100, 50_000))
    snapshot = snapshot_build(as_of=AS_OF, top_k=8, publish=True)
    assert snapshot.status == RankingSnapshot.Status.PUBLISHED
    entries = list(RankingEntry.objects.filter(snapshot=snapshot).order_by("rank"))
    stored = [(e.rank, e.project_id, e.score, e.breakdown, e.stars, e.flags) for e in entries]
    shown_gains = {e.project_id: (e.stars_gained_30d, e.stars_gained_365d) for e in entries}

    # Later captures and new weights in settings change nothing about the recorded snapshot.
    record(project_factory(), [5_000] * 5, end=AS_OF + dt.timedelta(days=5))
    settings.RANKING_WEIGHTS = {"popularity": 1.0, "momentum": 0.0, "engagement": 0.0, "recency": 0.0}

    rederived = snapshot_rederive(snapshot)
    assert [
        (
            r.rank,
            r.project_id,
            r.result.score,
            r.result.breakdown(),
            r.figures.stars,
            list(r.result.flags),
        )
        for r in rederived
    ] == stored
    assert entry_gains(project_ids=list(shown_gains), as_of=AS_OF) == shown_gains

    rebuilt = snapshot_build(
        as_of=AS_OF,
        top_k=8,
        params=Parameters.from_record(weights=snapshot.weights, parameters=snapshot.parameters),
    )
    again = list(rebuilt.entries.order_by("rank"))
    assert [(e.rank, e.project_id, e.score, e.breakdown, e.stars, e.flags) for e in again] == stored
    assert {e.project_id: (e.stars_gained_30d, e.stars_gained_365d) for e in again} == shown_gains


def test_auto_publish_setting(project_factory, settings):
    record(project_factory(), [5] * 5)
    settings.RANKING_AUTO_PUBLISH = True
    assert snapshot_build(as_of=AS_OF).status == RankingSnapshot.Status.PUBLISHED
    settings.RANKING_AUTO_PUBLISH = False
    assert snapshot_build(as_of=AS_OF).status == RankingSnapshot.Status.DRAFT


def test_published_computed_snapshot_records_movement(project_factory):
    a, b = project_factory(name="A"), project_factory(name="B")
    record(a, [100] * 40, end=AS_OF - dt.timedelta(days=40))
    record(b, [10] * 40, end=AS_OF - dt.timedelta(days=40))
    record(b, [500] * 40, start_stars=1400, head=False)
    record(a, [0] * 39, start_stars=5000, end=AS_OF)  # continues A's history flat
    first = snapshot_build(as_of=AS_OF - dt.timedelta(days=40), publish=True)
    second = snapshot_build(as_of=AS_OF, publish=True)
    assert list(first.entries.order_by("rank").values_list("project__name", flat=True)) == ["A", "B"]
    assert list(second.entries.order_by("rank").values_list("project__name", "previous_rank")) == [
        ("B", 2),
        ("A", 1),
    ]


def test_bad_builds_are_refused_with_a_reason(project_factory):
    with pytest.raises(ValidationError, match="in the future"):
        snapshot_build(as_of=timezone.now().date() + dt.timedelta(days=1))
    with pytest.raises(ValidationError, match="No project is eligible"):
        snapshot_build(as_of=AS_OF)
    record(project_factory(), [1] * 3)
    with pytest.raises(ValidationError, match="between 1 and"):
        snapshot_build(as_of=AS_OF, top_k=0)
    assert not RankingSnapshot.objects.exists()


def test_building_and_publishing_leaves_the_seed_as_the_article_printed_it(seeded, project_factory):
    before = list(seeded.entries.order_by("rank").values_list("rank", "project__slug", "stars", "score", "breakdown"))
    record(project_factory(), [20] * 30, end=timezone.now().date())
    snapshot_build(publish=True)
    seeded.refresh_from_db()
    after = list(seeded.entries.order_by("rank").values_list("rank", "project__slug", "stars", "score", "breakdown"))
    assert after == before
    assert [stars for _, _, stars, _, _ in after] == [11248, 3629, 1107, 3148, 882, 4774, 313, 235, 392, 68]
    assert seeded.status == RankingSnapshot.Status.PUBLISHED and seeded.weights == {}


@pytest.mark.parametrize("projects", [3, 12])
def test_build_runs_a_fixed_number_of_queries(project_factory, projects, django_assert_num_queries):
    for project in project_factory.create_batch(projects):
        record(project, [5] * 40)
    spiky = project_factory()
    record(spiky, [5] * 20 + [4_000] + [5] * 5)
    # savepoint, figures, spike days of the top K, the catalogue's coverage, snapshot, the entries' gains,
    # entries, release savepoint
    with django_assert_num_queries(8):
        snapshot = snapshot_build(as_of=AS_OF, top_k=50, publish=False)
    assert snapshot.entries.count() == projects + 1


def test_compute_ranking_reads_figures_in_one_query_without_spikes(project_factory, django_assert_num_queries):
    for project in project_factory.create_batch(5):
        record(project, [5] * 40)
    with django_assert_num_queries(1):
        ranked = compute_ranking(as_of=AS_OF, params=PARAMS, top_k=3)
    assert [r.rank for r in ranked] == [1, 2, 3]
