"""Reads of entries: a snapshot's entries for display, how an entry moved, how two snapshots differ."""

from dataclasses import dataclass

from django.db.models import Prefetch

from projects.models import Authorship, Project

from ..models import RankingEntry, RankingSnapshot


def _credits() -> Prefetch:
    return Prefetch(
        "project__authorships", queryset=Authorship.objects.select_related("author").order_by("position", "id")
    )


def entries_for_display(snapshot: RankingSnapshot):
    """A snapshot's entries in rank order with projects, credits and topics: three queries."""
    return (
        RankingEntry.objects.filter(snapshot=snapshot)
        .select_related("project")
        .prefetch_related(_credits(), "project__topics")
        .order_by("rank")
    )


@dataclass(frozen=True)
class Movement:
    """How an entry moved since the previous published snapshot."""

    kind: str  # "up", "down", "same", "new" or "" (nothing to compare with)
    places: int = 0

    @property
    def delta(self) -> int | None:
        """Places gained, signed (negative: lost); None for "new" and when there is nothing to compare with."""
        if self.kind == "up":
            return self.places
        if self.kind == "down":
            return -self.places
        if self.kind == "same":
            return 0
        return None


def movement(*, rank: int, previous_rank: int | None, has_previous: bool) -> Movement:
    """How an entry at ``rank`` moved from ``previous_rank``; ``has_previous``: is there anything before?"""
    if not has_previous:
        return Movement("")
    if previous_rank is None:
        return Movement("new")
    if previous_rank > rank:
        return Movement("up", previous_rank - rank)
    if previous_rank < rank:
        return Movement("down", rank - previous_rank)
    return Movement("same")


@dataclass(frozen=True)
class RankChange:
    """A project's rank in snapshot a and in snapshot b (None: not in it)."""

    project: Project
    rank_a: int | None
    rank_b: int | None

    @property
    def delta(self) -> int | None:
        """Places gained from a to b (positive is up), None when only in one of them."""
        if self.rank_a is None or self.rank_b is None:
            return None
        return self.rank_a - self.rank_b

    @property
    def movement(self) -> Movement:
        return movement(rank=self.rank_b, previous_rank=self.rank_a, has_previous=True)


@dataclass(frozen=True)
class Comparison:
    """What changed from snapshot ``a`` (before) to ``b`` (after)."""

    a: RankingSnapshot
    b: RankingSnapshot
    entered: list[RankChange]  # in b, not in a; by rank in b
    left: list[RankChange]  # in a, not in b; by rank in a
    moved: list[RankChange]  # in both at different ranks; by rank in b
    held: list[RankChange]  # in both at the same rank; by rank


def compare_entries(a_entries, b_entries) -> tuple[list, list, list, list]:
    """Split two lists of entries (each in rank order) into entered, left, moved and held: a pure function."""
    a_ranks = {e.project_id: e.rank for e in a_entries}
    b_ids = {e.project_id for e in b_entries}
    entered = [RankChange(e.project, None, e.rank) for e in b_entries if e.project_id not in a_ranks]
    left = [RankChange(e.project, e.rank, None) for e in a_entries if e.project_id not in b_ids]
    moved, held = [], []
    for entry in b_entries:
        before = a_ranks.get(entry.project_id)
        if before is not None:
            (held if before == entry.rank else moved).append(RankChange(entry.project, before, entry.rank))
    return entered, left, moved, held


def snapshot_compare(*, a: int, b: int, top_n: int | None = None, with_credits: bool = False) -> Comparison:
    """Compare two published snapshots (their first ``top_n`` entries, or all): two queries, three
    ``with_credits`` (the projects' authors), whatever their sizes.

    Raises RankingSnapshot.DoesNotExist, naming the ids that are not published snapshots.
    """
    found = {s.pk: s for s in RankingSnapshot.objects.published().with_title_order().filter(pk__in={a, b})}
    missing = [str(pk) for pk in (a, b) if pk not in found]
    if missing:
        raise RankingSnapshot.DoesNotExist(f"No published snapshot with id {', '.join(missing)}.")
    entries = RankingEntry.objects.filter(snapshot_id__in={a, b}).select_related("project").order_by("rank")
    if top_n is not None:
        entries = entries.filter(rank__lte=top_n)
    if with_credits:
        entries = entries.prefetch_related(_credits())
    by_snapshot: dict[int, list[RankingEntry]] = {a: [], b: []}
    for entry in entries:
        by_snapshot[entry.snapshot_id].append(entry)
    return Comparison(found[a], found[b], *compare_entries(by_snapshot[a], by_snapshot[b]))
