"""Reads of rankings shared by pages, the feed and the API."""

from dataclasses import dataclass

from django.db.models import Count, Exists, OuterRef, Prefetch

from projects.models import Authorship

from .models import RankingEntry, RankingSnapshot


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


def _with_counts(snapshots):
    older_published = RankingSnapshot.objects.published().filter(taken_at__lt=OuterRef("taken_at"))
    return snapshots.annotate(has_previous=Exists(older_published), entry_count=Count("entries"))


def snapshots_published():
    """Published snapshots, newest first, each annotated with ``has_previous`` and ``entry_count``.

    ``has_previous`` (is there an older published snapshot?) tells "new" entries from the
    first edition's, without a query per snapshot.
    """
    return _with_counts(RankingSnapshot.objects.published()).newest_first()


def snapshots_all():
    """Every snapshot, drafts too, annotated as in snapshots_published(): for editors' writes."""
    return _with_counts(RankingSnapshot.objects.all()).newest_first()


def snapshot_current_annotated() -> RankingSnapshot | None:
    """The newest published snapshot, annotated as in snapshots_published(): one query."""
    return snapshots_published().first()


def entry_movement(*, rank: int, previous_rank: int | None, has_previous: bool) -> tuple[str | None, int | None]:
    """How an entry moved since the previous published snapshot: (movement, places gained).

    "new" when an older snapshot exists and the project was not in it; None for the first
    snapshot ever published, where movement means nothing.
    """
    if previous_rank is None:
        return ("new", None) if has_previous else (None, None)
    delta = previous_rank - rank
    return ("up" if delta > 0 else "down" if delta < 0 else "same"), delta


def project_ranks(project) -> list[RankingEntry]:
    """A project's entries in every published snapshot, oldest first: one query."""
    return list(
        RankingEntry.objects.filter(project=project, snapshot__status=RankingSnapshot.Status.PUBLISHED)
        .select_related("snapshot")
        .order_by("snapshot__taken_at", "snapshot_id")
    )


@dataclass(frozen=True)
class RankChange:
    project: object
    rank_a: int | None
    rank_b: int | None

    @property
    def delta(self) -> int | None:
        """Places gained from a to b (positive is up), None when only in one of them."""
        if self.rank_a is None or self.rank_b is None:
            return None
        return self.rank_a - self.rank_b


@dataclass(frozen=True)
class SnapshotComparison:
    a: RankingSnapshot
    b: RankingSnapshot
    entered: list[RankChange]  # in b, not in a; by rank in b
    left: list[RankChange]  # in a, not in b; by rank in a
    moved: list[RankChange]  # in both at different ranks; by rank in b
    unchanged: list[RankChange]  # in both at the same rank


def snapshots_compare(a: RankingSnapshot, b: RankingSnapshot) -> SnapshotComparison:
    """What changed from snapshot ``a`` to snapshot ``b``: two queries whatever their sizes."""
    entries = list(
        RankingEntry.objects.filter(snapshot__in=[a.pk, b.pk])
        .select_related("project")
        .prefetch_related(
            Prefetch(
                "project__authorships",
                queryset=Authorship.objects.select_related("author").order_by("position", "id"),
            )
        )
        .order_by("rank", "snapshot_id")
    )
    in_a = {e.project_id: e for e in entries if e.snapshot_id == a.pk}
    in_b = {e.project_id: e for e in entries if e.snapshot_id == b.pk}
    entered, moved, unchanged = [], [], []
    for project_id, entry in in_b.items():  # entries are in rank order, so these lists are too
        before = in_a.get(project_id)
        change = RankChange(entry.project, before.rank if before else None, entry.rank)
        if before is None:
            entered.append(change)
        elif before.rank != entry.rank:
            moved.append(change)
        else:
            unchanged.append(change)
    left = [RankChange(e.project, e.rank, None) for pid, e in in_a.items() if pid not in in_b]
    return SnapshotComparison(a=a, b=b, entered=entered, left=left, moved=moved, unchanged=unchanged)
