"""Reads of rankings shared by pages, the feed and the API."""

import datetime as dt
from dataclasses import dataclass

from django.db.models import Prefetch

from projects.models import Authorship, Project

from .building import Ranked, compute_ranking
from .models import RankingEntry, RankingSnapshot
from .scoring import Parameters


def entries_for_display(snapshot: RankingSnapshot):
    """A snapshot's entries in rank order with projects, credits and topics: three queries."""
    return (
        RankingEntry.objects.filter(snapshot=snapshot)
        .select_related("project")
        .prefetch_related(
            Prefetch(
                "project__authorships",
                queryset=Authorship.objects.select_related("author").order_by("position", "id"),
            ),
            "project__topics",
        )
        .order_by("rank")
    )


def snapshot_current() -> RankingSnapshot | None:
    """The newest published snapshot, or None before anything is published."""
    return RankingSnapshot.objects.published().newest_first().first()


def snapshot_published(*, pk: int) -> RankingSnapshot:
    """A published snapshot by id; raises RankingSnapshot.DoesNotExist."""
    return RankingSnapshot.objects.published().get(pk=pk)


@dataclass(frozen=True)
class Movement:
    """How a snapshot differs from the published one before it.

    ``entered``: entries whose project was not in the previous snapshot; ``left``: entries of
    the previous snapshot whose project dropped out; ``moved``: (entry, places gained) for
    projects in both whose rank changed (positive = climbed). With no previous published
    snapshot, all three are empty.
    """

    previous: RankingSnapshot | None
    entered: list[RankingEntry]
    left: list[RankingEntry]
    moved: list[tuple[RankingEntry, int]]


def snapshot_movement(snapshot: RankingSnapshot) -> Movement:
    """Movement against the previous published snapshot (three queries, two without one)."""
    previous = (
        RankingSnapshot.objects.published()
        .filter(taken_at__lt=snapshot.taken_at)
        .exclude(pk=snapshot.pk)
        .newest_first()
        .first()
    )
    if previous is None:
        return Movement(previous=None, entered=[], left=[], moved=[])
    current = list(snapshot.entries.select_related("project").order_by("rank"))
    before = list(previous.entries.select_related("project").order_by("rank"))
    before_rank = {entry.project_id: entry.rank for entry in before}
    now_in = {entry.project_id for entry in current}
    return Movement(
        previous=previous,
        entered=[entry for entry in current if entry.project_id not in before_rank],
        left=[entry for entry in before if entry.project_id not in now_in],
        moved=[
            (entry, before_rank[entry.project_id] - entry.rank)
            for entry in current
            if entry.project_id in before_rank and before_rank[entry.project_id] != entry.rank
        ],
    )


def snapshot_rederive(snapshot: RankingSnapshot) -> list[Ranked]:
    """Recompute a computed snapshot from the samples and the weights and parameters it recorded."""
    if snapshot.origin != RankingSnapshot.Origin.COMPUTED or "as_of" not in snapshot.parameters:
        raise ValueError("Only computed snapshots record what it takes to re-derive them.")
    params = Parameters.from_record(weights=snapshot.weights, parameters=snapshot.parameters)
    return compute_ranking(
        as_of=dt.date.fromisoformat(snapshot.parameters["as_of"]), params=params, top_k=snapshot.parameters["top_k"]
    )


def projects_removed():
    """Excluded projects with the editors' reasons, for the public archive (one query)."""
    return Project.objects.filter(status=Project.Status.EXCLUDED).order_by("name", "id")
