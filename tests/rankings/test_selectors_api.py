"""Selectors behind the API: movement, comparison of two snapshots, the published list."""

import datetime as dt

import pytest

from rankings.models import RankingSnapshot
from rankings.selectors import movement, snapshot_compare, snapshots_published
from tests.api.conftest import make_published_snapshot


@pytest.mark.parametrize(
    ("rank", "previous_rank", "has_previous", "expected"),
    [
        (1, None, False, (None, None)),
        (1, None, True, ("new", None)),
        (1, 3, True, ("up", 2)),
        (4, 2, True, ("down", -2)),
        (2, 2, True, ("same", 0)),
    ],
)
def test_movement_as_the_api_spells_it(rank, previous_rank, has_previous, expected):
    moved = movement(rank=rank, previous_rank=previous_rank, has_previous=has_previous)
    assert (moved.kind or None, moved.delta) == expected


@pytest.mark.django_db
def test_snapshot_compare_with_credits_in_three_queries(project_factory, django_assert_num_queries):
    a, b, c, d = project_factory.create_batch(4)
    old = make_published_snapshot(taken_at=dt.datetime(2024, 1, 1, tzinfo=dt.UTC), projects=[a, b, c])
    new = make_published_snapshot(taken_at=dt.datetime(2024, 2, 1, tzinfo=dt.UTC), projects=[a, d, b])
    with django_assert_num_queries(3):  # both snapshots, entries of both with their projects, credits
        comparison = snapshot_compare(a=old.pk, b=new.pk, with_credits=True)
    assert (comparison.a, comparison.b) == (old, new)
    assert [(x.project, x.rank_a, x.rank_b) for x in comparison.entered] == [(d, None, 2)]
    assert [(x.project, x.rank_a, x.rank_b) for x in comparison.left] == [(c, 3, None)]
    assert [(x.project, x.delta) for x in comparison.moved] == [(b, -1)]
    assert [x.project for x in comparison.held] == [a]


@pytest.mark.django_db
def test_snapshots_published_annotates_in_one_query(
    project_factory, ranking_snapshot_factory, django_assert_num_queries
):
    project = project_factory()
    first = make_published_snapshot(taken_at=dt.datetime(2024, 1, 1, tzinfo=dt.UTC), projects=[project])
    second = make_published_snapshot(taken_at=dt.datetime(2024, 2, 1, tzinfo=dt.UTC), projects=[project])
    ranking_snapshot_factory(status=RankingSnapshot.Status.DRAFT)
    with django_assert_num_queries(1):
        rows = [(s.pk, s.has_previous, s.entry_count) for s in snapshots_published()]
    assert rows == [(second.pk, True, 1), (first.pk, False, 1)]
