"""Reads of snapshots: which are published, which is current, which came before."""

import datetime as dt

from django.db.models import Count, Exists, OuterRef, Prefetch, Q

from ..building import Ranked, compute_ranking
from ..models import RankingEntry, RankingSnapshot
from ..scoring import Parameters

# The reader pages, the feed and the comparison page show this many entries of a snapshot.
TOP_N = 10
# The pages, feed and API that predate boards read the overall board.
OVERALL = RankingSnapshot.Board.OVERALL


# A page's menu of other rankings lists this many of its board's newest; the archive has the rest.
MENU_SIZE = 12
# What a menu, a link or a title needs of a snapshot.
MENU_FIELDS = ("id", "title", "taken_at", "origin", "board", "period", "category__name_en", "category__name_zh")


def _for_menus(snapshots):
    return snapshots.with_title_order().select_related("category").only(*MENU_FIELDS)


def published_index(*, board: str = OVERALL, category_id: int | None = None) -> list[RankingSnapshot]:
    """Every published snapshot of a board, newest first, with the fields a menu needs: one query."""
    snapshots = RankingSnapshot.objects.published().filter(board=board, category_id=category_id)
    return list(_for_menus(snapshots).newest_first())


def published_recent(*, board: str = OVERALL, category_id: int | None = None, limit: int = MENU_SIZE):
    """A board's ``limit`` newest published snapshots, newest first, as published_index(): one query."""
    snapshots = RankingSnapshot.objects.published().filter(board=board, category_id=category_id)
    return list(_for_menus(snapshots).newest_first()[:limit])


def published_neighbour(snapshot: RankingSnapshot, *, newer: bool) -> RankingSnapshot | None:
    """The published snapshot of the same board just newer (or older) than ``snapshot``, in the
    order of newest_first(), with the fields a link needs: one query, read from the board's index."""
    board = RankingSnapshot.objects.published().filter(board=snapshot.board, category_id=snapshot.category_id)
    if newer:
        after = Q(taken_at__gt=snapshot.taken_at) | Q(taken_at=snapshot.taken_at, pk__gt=snapshot.pk)
        board = board.filter(taken_at__gte=snapshot.taken_at).filter(after).order_by("taken_at", "id")
    else:
        before = Q(taken_at__lt=snapshot.taken_at) | Q(taken_at=snapshot.taken_at, pk__lt=snapshot.pk)
        board = board.filter(taken_at__lte=snapshot.taken_at).filter(before).newest_first()
    return _for_menus(board).first()


def previous_published(snapshot: RankingSnapshot) -> RankingSnapshot | None:
    """The newest published snapshot of the same board taken before this one: one query."""
    return (
        RankingSnapshot.objects.published()
        .filter(board=snapshot.board, category_id=snapshot.category_id)
        .filter(taken_at__lt=snapshot.taken_at)
        .exclude(pk=snapshot.pk)
        .newest_first()
        .first()
    )


def _with_counts(snapshots):
    # Older on the same board (and field): a category board names its category, the others none.
    older_published = (
        RankingSnapshot.objects.published()
        .filter(taken_at__lt=OuterRef("taken_at"), board=OuterRef("board"))
        .filter(Q(category=OuterRef("category")) | ~Q(board=RankingSnapshot.Board.CATEGORY))
    )
    return snapshots.with_title_order().annotate(has_previous=Exists(older_published), entry_count=Count("entries"))


def snapshots_published():
    """Published snapshots, newest first, each annotated with ``has_previous`` and ``entry_count``.

    ``has_previous`` (is there an older published snapshot?) tells "new" entries from the
    first edition's, without a query per snapshot.
    """
    return _with_counts(RankingSnapshot.objects.published()).newest_first()


def snapshots_all():
    """Every snapshot, drafts too, annotated as in snapshots_published(): for editors' writes."""
    return _with_counts(RankingSnapshot.objects.all()).newest_first()


def snapshot_current() -> RankingSnapshot | None:
    """The newest published snapshot of the overall board, annotated as in snapshots_published(): one query."""
    return snapshots_published().filter(board=OVERALL).first()


def snapshot_current_id() -> int | None:
    """The newest published overall snapshot's id: one query."""
    return RankingSnapshot.objects.published().board(OVERALL).newest_first().values_list("pk", flat=True).first()


def snapshot_rederive(snapshot: RankingSnapshot) -> list[Ranked]:
    """Recompute a computed snapshot from the samples and the weights and parameters it recorded."""
    if snapshot.origin != RankingSnapshot.Origin.COMPUTED or "as_of" not in snapshot.parameters:
        raise ValueError("Only computed snapshots record what it takes to re-derive them.")
    params = Parameters.from_record(weights=snapshot.weights, parameters=snapshot.parameters)
    # Samples recorded after the build (a backfill, say) are not read. Snapshots built before
    # builds recorded the time read what existed when the row was created.
    recorded = snapshot.parameters.get("recorded_before")
    recorded_before = dt.datetime.fromisoformat(recorded) if recorded else snapshot.created_at
    return compute_ranking(
        as_of=dt.date.fromisoformat(snapshot.parameters["as_of"]),
        params=params,
        top_k=snapshot.parameters["top_k"],
        recorded_before=recorded_before,
    )


def feed_snapshots(*, limit: int = 20) -> list[RankingSnapshot]:
    """The newest published snapshots, each with its top-10 entries and projects: two queries."""
    top = Prefetch(
        "entries",
        queryset=RankingEntry.objects.filter(rank__lte=TOP_N).select_related("project").order_by("rank"),
        to_attr="top_entries",
    )
    # The site feed: the overall board and the month's newcomers (fields have feeds of their own).
    snapshots = RankingSnapshot.objects.published().filter(board__in=[OVERALL, RankingSnapshot.Board.NEW])
    return list(snapshots.with_title_order().select_related("category").newest_first().prefetch_related(top)[:limit])
