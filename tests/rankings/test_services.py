import pytest
from django.core.exceptions import ValidationError

from rankings.models import RankingSnapshot
from rankings.services import ranks_problem, snapshot_publish, snapshot_set_ranks, snapshot_unpublish

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("ranks", "problem"),
    [
        ([1, 2, 3], ""),
        ([3, 1, 2], ""),
        ([], "at least one entry"),
        ([1, 1, 2], "Rank 1 is used more than once"),
        ([1, 2, 4], "missing: 3"),
        ([2, 3], "missing: 1"),
    ],
)
def test_ranks_problem(ranks, problem):
    result = ranks_problem(ranks)
    assert (problem in result) if problem else result == ""


def test_publish_records_movement_against_the_previous_published(
    ranking_snapshot_factory, ranking_entry_factory, project_factory
):
    a, b, c = project_factory.create_batch(3)
    old = ranking_snapshot_factory(status=RankingSnapshot.Status.DRAFT, taken_at="2024-01-01T00:00Z")
    ranking_entry_factory(snapshot=old, project=a, rank=1)
    ranking_entry_factory(snapshot=old, project=b, rank=2)
    snapshot_publish(snapshot=old)

    new = ranking_snapshot_factory(taken_at="2024-02-01T00:00Z")
    ranking_entry_factory(snapshot=new, project=b, rank=1)
    ranking_entry_factory(snapshot=new, project=c, rank=2)
    snapshot_publish(snapshot=new)

    new.refresh_from_db()
    assert new.status == RankingSnapshot.Status.PUBLISHED and new.published_at is not None
    assert dict(new.entries.values_list("project_id", "previous_rank")) == {b.pk: 2, c.pk: None}


def test_publish_refuses_gaps_and_leaves_the_draft(ranking_snapshot, ranking_entry_factory):
    ranking_entry_factory(snapshot=ranking_snapshot, rank=1)
    ranking_entry_factory(snapshot=ranking_snapshot, rank=3)
    with pytest.raises(ValidationError, match="missing: 2"):
        snapshot_publish(snapshot=ranking_snapshot)
    ranking_snapshot.refresh_from_db()
    assert ranking_snapshot.status == RankingSnapshot.Status.DRAFT


def test_publish_refuses_an_empty_snapshot(ranking_snapshot):
    with pytest.raises(ValidationError, match="at least one entry"):
        snapshot_publish(snapshot=ranking_snapshot)


def test_unpublish_makes_a_draft_again(seeded):
    snapshot_unpublish(snapshot=seeded)
    seeded.refresh_from_db()
    assert seeded.status == RankingSnapshot.Status.DRAFT and seeded.published_at is None
    with pytest.raises(ValidationError, match="not published"):
        snapshot_unpublish(snapshot=seeded)


def test_set_ranks_swaps_two_places(ranking_snapshot, ranking_entry_factory):
    first = ranking_entry_factory(snapshot=ranking_snapshot, rank=1)
    second = ranking_entry_factory(snapshot=ranking_snapshot, rank=2)
    snapshot_set_ranks(snapshot=ranking_snapshot, ranks={first.pk: 2, second.pk: 1})
    assert dict(ranking_snapshot.entries.values_list("pk", "rank")) == {first.pk: 2, second.pk: 1}


def test_set_ranks_refuses_a_published_snapshot(seeded):
    entry = seeded.entries.get(rank=1)
    with pytest.raises(ValidationError, match="cannot be changed"):
        snapshot_set_ranks(snapshot=seeded, ranks={entry.pk: 2})


def test_create_published_checks_ranks_and_records_the_edition_as_published_when_taken(project_factory):
    import datetime as dt

    from rankings.services import snapshot_create_published

    a, b = project_factory.create_batch(2)
    taken_at = dt.datetime(2018, 2, 1, tzinfo=dt.UTC)
    fields = {"title": "Edition", "taken_at": taken_at, "origin": "editorial", "method": "", "notes": ""}
    with pytest.raises(ValidationError, match="without gaps"):
        snapshot_create_published(**fields, entries=[(a, 1, 10), (b, 3, 5)])
    assert not RankingSnapshot.objects.exists()
    snapshot = snapshot_create_published(**fields, entries=[(a, 1, 10), (b, 2, 5)])
    assert (snapshot.status, snapshot.published_at) == (RankingSnapshot.Status.PUBLISHED, taken_at)
    assert list(snapshot.entries.order_by("rank").values_list("project", "stars")) == [(a.pk, 10), (b.pk, 5)]
