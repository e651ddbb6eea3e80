import pytest

from rankings.selectors import previous_published, snapshot_compare
from rankings.services import snapshot_publish

pytestmark = pytest.mark.django_db


def _snapshot(factory, entry_factory, taken_at, projects):
    snapshot = factory(taken_at=taken_at)
    for rank, project in enumerate(projects, start=1):
        entry_factory(snapshot=snapshot, project=project, rank=rank)
    return snapshot


def test_movement_lists_entered_left_and_moved(
    ranking_snapshot_factory, ranking_entry_factory, project_factory, django_assert_num_queries
):
    a, b, c, d = project_factory.create_batch(4)
    old = _snapshot(ranking_snapshot_factory, ranking_entry_factory, "2025-01-01T00:00Z", [a, b, c])
    snapshot_publish(snapshot=old)
    new = _snapshot(ranking_snapshot_factory, ranking_entry_factory, "2025-02-01T00:00Z", [c, a, d])
    snapshot_publish(snapshot=new)

    with django_assert_num_queries(3):  # the previous snapshot, both snapshots, their entries with projects
        previous = previous_published(new)
        movement = snapshot_compare(a=previous.pk, b=new.pk)

    assert previous == old
    assert [e.project for e in movement.entered] == [d]
    assert [(e.project, e.rank_a) for e in movement.left] == [(b, 2)]
    assert [(e.project, e.delta) for e in movement.moved] == [(c, 2), (a, -1)]


def test_no_previous_published_snapshot_means_no_movement(ranking_snapshot, django_assert_num_queries):
    with django_assert_num_queries(1):
        assert previous_published(ranking_snapshot) is None
