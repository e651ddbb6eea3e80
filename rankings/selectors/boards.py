"""Reads of the boards' pages, feeds and API: the month's newcomers and the fields.

Each function runs a fixed number of queries whatever the number of entries or months; the
page tests count them.
"""

from dataclasses import dataclass

from django.db.models import OuterRef, Prefetch, Subquery

from projects.models import Category

from ..models import RankingEntry, RankingSnapshot
from .entries import compare_entries, entries_for_display, movement
from .snapshots import TOP_N, previous_published

NEW = RankingSnapshot.Board.NEW
CATEGORY = RankingSnapshot.Board.CATEGORY


def newcomers_editions() -> list[RankingSnapshot]:
    """The latest published newcomers' edition of each month, newest month first: one query."""
    rows = (
        RankingSnapshot.objects.published()
        .board(NEW)
        .order_by("-period", "-taken_at", "-id")
        .only("id", "title", "taken_at", "origin", "board", "period")
    )
    latest: dict[str, RankingSnapshot] = {}
    for snapshot in rows:
        latest.setdefault(snapshot.period, snapshot)
    return list(latest.values())


def newcomers_latest_period() -> str | None:
    """The newest month with a published newcomers' edition: one query."""
    return RankingSnapshot.objects.published().board(NEW).order_by("-period").values_list("period", flat=True).first()


@dataclass(frozen=True)
class NewcomersPage:
    snapshot: RankingSnapshot
    entries: list
    editions: list  # every month's edition, newest first
    older: RankingSnapshot | None  # the previous month's edition
    newer: RankingSnapshot | None

    @property
    def short(self) -> bool:
        """Fewer than ten eligible projects that month."""
        return len(self.entries) < TOP_N


def newcomers_page(*, period: str) -> NewcomersPage:
    """The latest published edition of a month with its entries: five queries.

    Raises RankingSnapshot.DoesNotExist when the month has none.
    """
    editions = newcomers_editions()
    snapshot = next((s for s in editions if s.period == period), None)
    if snapshot is None:
        raise RankingSnapshot.DoesNotExist(f"No published newcomers' edition for {period}.")
    snapshot = RankingSnapshot.objects.get(pk=snapshot.pk)
    entries = list(entries_for_display(snapshot).filter(rank__lte=TOP_N))
    position = next(i for i, s in enumerate(editions) if s.pk == snapshot.pk)
    newer = editions[position - 1] if position > 0 else None
    older = editions[position + 1] if position + 1 < len(editions) else None
    for entry in entries:
        # A month's newcomers are new by definition: no movement to show.
        entry.movement = movement(rank=entry.rank, previous_rank=None, has_previous=False)
        entry.spark_points = []
    return NewcomersPage(snapshot, entries, editions, older, newer)


def _latest_board_snapshot(category_ref):
    return (
        RankingSnapshot.objects.published()
        .filter(board=CATEGORY, category=category_ref)
        .order_by("-taken_at", "-id")
        .values("pk")[:1]
    )


def categories_index() -> list[Category]:
    """Active categories in list order, each with ``current_id`` (its newest published board, or None): one query."""
    return list(
        Category.objects.filter(active=True).annotate(current_id=Subquery(_latest_board_snapshot(OuterRef("pk"))))
    )


@dataclass(frozen=True)
class CategoryPage:
    category: Category
    snapshot: RankingSnapshot | None
    entries: list
    previous: RankingSnapshot | None
    movers: list  # (entry, places gained) of projects in both boards whose rank changed
    newcomers: list  # entries that were not on the previous board
    left: list  # entries of the previous board that dropped out


def category_page(*, slug: str) -> CategoryPage:
    """A field's current top 10 with movers and newcomers against its previous board: eight queries.

    Raises Category.DoesNotExist for an unknown or inactive slug.
    """
    category = Category.objects.filter(active=True).prefetch_related("topics").get(slug=slug)
    snapshot = RankingSnapshot.objects.published().filter(board=CATEGORY, category=category).newest_first().first()
    if snapshot is None:
        return CategoryPage(category, None, [], None, [], [], [])
    snapshot.category = category
    entries = list(entries_for_display(snapshot).filter(rank__lte=TOP_N))
    previous = previous_published(snapshot)
    movers, entered, left = [], [], []
    if previous is not None:
        before = list(previous.entries.filter(rank__lte=TOP_N).select_related("project").order_by("rank"))
        entered, left, moved, _ = compare_entries(before, entries)
        movers = [(entry, rank_before - entry.rank) for entry, rank_before, _ in moved]
    for entry in entries:
        entry.movement = movement(rank=entry.rank, previous_rank=entry.previous_rank, has_previous=previous is not None)
        entry.spark_points = []
    return CategoryPage(category, snapshot, entries, previous, movers, entered, left)


def category_feed_snapshots(*, slug: str, limit: int = 20) -> tuple[Category, list[RankingSnapshot]]:
    """A field and its newest published boards, each with its top-10 entries: three queries.

    Raises Category.DoesNotExist for an unknown or inactive slug.
    """
    category = Category.objects.filter(active=True).get(slug=slug)
    top = Prefetch(
        "entries",
        queryset=RankingEntry.objects.filter(rank__lte=TOP_N).select_related("project").order_by("rank"),
        to_attr="top_entries",
    )
    snapshots = list(
        RankingSnapshot.objects.published()
        .filter(board=CATEGORY, category=category)
        .newest_first()
        .prefetch_related(top)[:limit]
    )
    for snapshot in snapshots:
        snapshot.category = category
    return category, snapshots


def category_current_snapshot(category: Category) -> RankingSnapshot | None:
    """A field's newest published board: one query."""
    return RankingSnapshot.objects.published().filter(board=CATEGORY, category=category).newest_first().first()
