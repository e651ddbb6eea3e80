"""Editorial editions and pins: drafts change, published snapshots never do."""

import pytest
from django.core.exceptions import ValidationError

from rankings.models import RankingSnapshot
from rankings.services import (
    snapshot_entry_pin,
    snapshot_entry_set_blurb,
    snapshot_entry_unpin,
    snapshot_publish,
    snapshot_set_ranks,
    snapshot_start_edition,
)

pytestmark = pytest.mark.django_db


def _rows(snapshot):
    return list(
        snapshot.entries.order_by("rank").values_list(
            "rank", "project_id", "score", "breakdown", "stars", "blurb", "flags", "previous_rank"
        )
    )


@pytest.fixture
def computed(ranking_snapshot_factory, ranking_entry_factory, project_factory):
    snapshot = ranking_snapshot_factory(
        title="Computed", method="mltop-score/1", weights={"popularity": 1.0}, parameters={"as_of": "2025-06-30"}
    )
    for rank, project in enumerate(project_factory.create_batch(3), start=1):
        ranking_entry_factory(
            snapshot=snapshot,
            project=project,
            rank=rank,
            score=1.0 / rank,
            breakdown={"popularity": {"value": 1.0 / rank, "weight": 1.0, "contribution": 1.0 / rank}},
            flags=["unusual star spike on 2025-06-01"] if rank == 2 else [],
        )
    return snapshot_publish(snapshot=snapshot)


def test_start_edition_copies_entries_into_an_editorial_draft(computed):
    edition = snapshot_start_edition(snapshot=computed)
    assert (edition.origin, edition.status, edition.based_on) == ("editorial", "draft", computed)
    assert (edition.method, edition.weights, edition.parameters) == (
        computed.method,
        computed.weights,
        computed.parameters,
    )
    assert [row[:7] for row in _rows(edition)] == [row[:7] for row in _rows(computed)]


def test_editing_an_edition_never_touches_the_published_snapshot(computed, project_factory):
    before = _rows(computed)
    edition = snapshot_start_edition(snapshot=computed)
    first, second, third = edition.entries.order_by("rank")
    snapshot_set_ranks(snapshot=edition, ranks={first.pk: 2, second.pk: 1})
    snapshot_entry_set_blurb(entry=third, blurb="Editors' pick.")
    snapshot_entry_unpin(snapshot=edition, project=first.project)
    snapshot_entry_pin(snapshot=edition, project=project_factory(name="Pinned"), rank=1)
    snapshot_publish(snapshot=edition)

    assert _rows(computed) == before
    edition.refresh_from_db()
    assert edition.status == RankingSnapshot.Status.PUBLISHED
    assert list(edition.entries.order_by("rank").values_list("project__name", "blurb")) == [
        ("Pinned", ""),
        (second.project.name, ""),
        (third.project.name, "Editors' pick."),
    ]


def test_pin_in_shifts_the_entries_below_and_pin_out_closes_the_gap(computed, project_factory):
    edition = snapshot_start_edition(snapshot=computed)
    names = lambda: list(edition.entries.order_by("rank").values_list("project__name", flat=True))  # noqa: E731
    original = names()
    pinned = project_factory(name="Pinned")
    snapshot_entry_pin(snapshot=edition, project=pinned, rank=2)
    assert names() == [original[0], "Pinned", *original[1:]]
    snapshot_entry_pin(snapshot=edition, project=project_factory(name="Last"))
    assert names()[-1] == "Last"
    snapshot_entry_unpin(snapshot=edition, project=pinned)
    assert names() == [*original, "Last"]
    assert list(edition.entries.order_by("rank").values_list("rank", flat=True)) == [1, 2, 3, 4]


def test_pins_refuse_duplicates_and_bad_ranks(computed, project_factory):
    edition = snapshot_start_edition(snapshot=computed)
    present = edition.entries.get(rank=1).project
    with pytest.raises(ValidationError, match="already in this snapshot"):
        snapshot_entry_pin(snapshot=edition, project=present)
    with pytest.raises(ValidationError, match="between 1 and 4"):
        snapshot_entry_pin(snapshot=edition, project=project_factory(), rank=9)
    with pytest.raises(ValidationError, match="not in this snapshot"):
        snapshot_entry_unpin(snapshot=edition, project=project_factory())


def test_published_snapshots_refuse_every_edit(computed, project_factory):
    before = _rows(computed)
    entry = computed.entries.get(rank=1)
    for attempt in (
        lambda: snapshot_entry_pin(snapshot=computed, project=project_factory()),
        lambda: snapshot_entry_unpin(snapshot=computed, project=entry.project),
        lambda: snapshot_entry_set_blurb(entry=entry, blurb="Changed"),
        lambda: snapshot_set_ranks(snapshot=computed, ranks={entry.pk: 3}),
    ):
        with pytest.raises(ValidationError, match="cannot be changed"):
            attempt()
    assert _rows(computed) == before
