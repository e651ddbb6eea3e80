"""Read-only selectors behind the reader pages."""

import datetime as dt

import pytest
from django.utils import timezone

from projects.models import Project
from rankings import selectors
from rankings.models import RankingEntry
from tests import factories
from tests.builders import build_projects, build_rankings


@pytest.mark.parametrize(
    ("rank", "previous", "has_previous", "expected"),
    [
        (3, 5, True, selectors.Movement("up", 2)),
        (5, 3, True, selectors.Movement("down", 2)),
        (4, 4, True, selectors.Movement("same")),
        (4, None, True, selectors.Movement("new")),
        (4, None, False, selectors.Movement("")),
    ],
)
def test_movement(rank, previous, has_previous, expected):
    assert selectors.movement(rank=rank, previous_rank=previous, has_previous=has_previous) == expected


def entry(project_id, rank):
    return RankingEntry(project=Project(pk=project_id, name=f"p{project_id}"), rank=rank)


def test_compare_entries_splits_entered_left_moved_and_held():
    a = [entry(1, 1), entry(2, 2), entry(3, 3)]
    b = [entry(2, 1), entry(1, 2), entry(3, 3), entry(4, 4)]
    entered, left, moved, held = selectors.compare_entries(a, b)
    assert [(c.project.pk, c.rank_a, c.rank_b) for c in entered] == [(4, None, 4)]
    assert left == []
    assert [(c.project.pk, c.rank_a, c.movement) for c in moved] == [
        (2, 2, selectors.Movement("up", 1)),
        (1, 1, selectors.Movement("down", 1)),
    ]
    assert [(c.project.pk, c.rank_a, c.rank_b) for c in held] == [(3, 3, 3)]
    entered, left, _, _ = selectors.compare_entries(b, a)
    assert [(c.project.pk, c.rank_a, c.rank_b) for c in left] == [(4, 4, None)] and entered == []


@pytest.mark.django_db
def test_star_gain_needs_a_sample_in_the_window_and_one_before(django_assert_num_queries):
    today = timezone.now().date()
    fresh, stale, young = build_projects(3)
    for project, days_and_stars in [
        (fresh, [(45, 100), (31, 150), (2, 400), (0, 420)]),
        (stale, [(400, 10), (200, 90)]),
        (young, [(5, 10), (0, 30)]),
    ]:
        for days, stars in days_and_stars:
            factories.StatsSampleFactory(project=project, captured_on=today - dt.timedelta(days=days), stars=stars)
    with django_assert_num_queries(1):
        rows = {p.pk: (p.latest_stars, p.gained_30d) for p in selectors.with_star_figures(Project.objects.all(), "pk")}
    assert rows[fresh.pk] == (420, 270)
    assert rows[stale.pk] == (90, None)
    assert rows[young.pk] == (30, None)


@pytest.mark.django_db
@pytest.mark.parametrize("samples", [3, 90])
def test_sparkline_samples_caps_points_per_project_in_one_query(django_assert_num_queries, samples):
    projects = build_projects(4, samples=samples)
    with django_assert_num_queries(1):
        series = selectors.sparkline_samples([p.pk for p in projects])
    expected = min(samples, selectors.SPARKLINE_SAMPLES)
    assert all(len(points) == expected for points in series.values())
    first = series[projects[0].pk]
    assert first == sorted(first) and first[-1][0] == timezone.now().date()


@pytest.mark.django_db
def test_snapshot_current_page_is_none_before_anything_is_published(django_assert_num_queries):
    with django_assert_num_queries(1):
        assert selectors.snapshot_current_page() is None


@pytest.mark.django_db
def test_project_current_rank_only_counts_the_newest_published_snapshot(django_assert_num_queries):
    projects, _ = build_rankings(snapshots=2, entries=10)
    with django_assert_num_queries(1):
        assert selectors.project_current_rank(project_id=projects[0].pk) is None  # left in month two
    assert selectors.project_current_rank(project_id=projects[1].pk) == 1
