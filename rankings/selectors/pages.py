"""What each reader page shows, in a fixed number of queries whatever the number of entries,
authors or samples (the page tests count them). Each result is picklable, so it can be cached."""

import datetime as dt
from dataclasses import dataclass

from django.core.paginator import Paginator
from django.db.models import Count, Prefetch

from projects.models import Project

from ..models import RankingEntry, RankingSnapshot
from .entries import Movement, entries_for_display, movement
from .projects import (
    backfilled_until,
    project_rank_history,
    project_star_samples,
    sparkline_samples,
    with_star_figures,
)
from .snapshots import OVERALL, TOP_N, published_neighbour, published_recent, snapshot_current_id

ARCHIVE_PAGE_SIZE = 20


@dataclass(frozen=True)
class RankingPage:
    """What a page showing one snapshot's top-10 needs."""

    snapshot: RankingSnapshot
    entries: list
    menu: list  # the board's newest published snapshots (and this one): a bounded menu
    older: RankingSnapshot | None
    newer: RankingSnapshot | None


def _menu(recent: list[RankingSnapshot], snapshot: RankingSnapshot) -> list[RankingSnapshot]:
    """The newest few, and the page's own snapshot when it is older than all of them."""
    if snapshot.pk is None or any(s.pk == snapshot.pk for s in recent):
        return recent
    return [*recent, snapshot]


def _ranking_page(snapshot, menu, older, newer, *, live: bool) -> RankingPage:
    queryset = entries_for_display(snapshot).filter(rank__lte=TOP_N)
    entries = list(with_star_figures(queryset, "project_id") if live else queryset)
    has_previous = older is not None
    sparklines = sparkline_samples([e.project_id for e in entries]) if live else {}
    for entry in entries:
        entry.movement = movement(rank=entry.rank, previous_rank=entry.previous_rank, has_previous=has_previous)
        entry.spark_points = sparklines.get(entry.project_id, [])
    return RankingPage(snapshot, entries, menu, older, newer)


def snapshot_current_page() -> RankingPage | None:
    """The newest published top-10 with live star figures and sparklines: five queries,
    whatever the number of snapshots."""
    recent = published_recent()
    if not recent:
        return None
    return _ranking_page(recent[0], recent, recent[1] if len(recent) > 1 else None, None, live=True)


def snapshot_page(*, pk: int) -> RankingPage:
    """One published snapshot's top-10 as frozen, with its entry count: seven queries, whatever
    the number of snapshots.

    Raises RankingSnapshot.DoesNotExist for unknown or unpublished ids.
    """
    snapshot = (
        RankingSnapshot.objects.published()
        .with_title_order()
        .select_related("category")
        .annotate(entry_count=Count("entries"))
        .get(pk=pk)
    )
    recent = published_recent(board=snapshot.board, category_id=snapshot.category_id)
    older = published_neighbour(snapshot, newer=False)
    newer = published_neighbour(snapshot, newer=True)
    return _ranking_page(snapshot, _menu(recent, snapshot), older, newer, live=False)


def snapshot_draft_page(*, pk: int) -> RankingPage:
    """An unpublished snapshot's top-10 as it would be published, for staff to preview: six queries.

    No movement (a draft records it when published); "older" is the newest published snapshot
    taken before it. Raises RankingSnapshot.DoesNotExist for unknown or published ids.
    """
    snapshot = (
        RankingSnapshot.objects.exclude(status=RankingSnapshot.Status.PUBLISHED)
        .with_title_order()
        .annotate(entry_count=Count("entries"))
        .get(pk=pk)
    )
    recent = published_recent(board=snapshot.board, category_id=snapshot.category_id)
    older = published_neighbour(snapshot, newer=False)
    entries = list(entries_for_display(snapshot).filter(rank__lte=TOP_N))
    for entry in entries:
        entry.movement, entry.spark_points = Movement(""), []
    return RankingPage(snapshot, entries, recent, older, None)


@dataclass(frozen=True)
class ArchivePage:
    snapshots: list
    number: int
    num_pages: int
    count: int

    @property
    def has_previous(self) -> bool:
        return self.number > 1

    @property
    def has_next(self) -> bool:
        return self.number < self.num_pages


def snapshot_archive_page(*, page: int, per_page: int = ARCHIVE_PAGE_SIZE) -> ArchivePage:
    """A page of published snapshots, newest first, each with its top three: three queries.

    Raises django.core.paginator.EmptyPage for a page out of range (page 1 always exists).
    """
    top_three = Prefetch(
        "entries",
        queryset=RankingEntry.objects.filter(rank__lte=3).select_related("project").order_by("rank"),
        to_attr="top_three",
    )
    snapshots = (
        RankingSnapshot.objects.published().board(OVERALL).with_title_order().newest_first().prefetch_related(top_three)
    )
    paginator = Paginator(snapshots, per_page, allow_empty_first_page=True)
    page_obj = paginator.page(page)
    return ArchivePage(list(page_obj.object_list), page_obj.number, paginator.num_pages, paginator.count)


# A project page charts and lists its latest rankings, this many at most (the API has them all).
RANK_HISTORY_SIZE = 100


@dataclass(frozen=True)
class ProjectPage:
    project: object
    star_history: list
    rank_history: list  # its latest RANK_HISTORY_SIZE published rankings at most, oldest first
    current_entry: RankingEntry | None
    backfilled_until: dt.date | None = None  # the star history before this day is GitHub's
    rank_history_cut: bool = False  # older rankings are left out

    @property
    def rank_history_size(self) -> int:
        return RANK_HISTORY_SIZE


def project_page(*, slug: str) -> ProjectPage:
    """A project with credits, live star figures, star and rank history: six queries.

    Raises Project.DoesNotExist for an unknown slug.
    """
    project = with_star_figures(Project.objects.with_credits(), "pk").get(slug=slug)
    ranks = project_rank_history(project_id=project.pk, newest=RANK_HISTORY_SIZE + 1)
    cut = len(ranks) > RANK_HISTORY_SIZE
    ranks = ranks[1:] if cut else ranks
    newest = snapshot_current_id()
    current = next((e for e in ranks if e.snapshot_id == newest), None)
    samples = project_star_samples(project_id=project.pk)
    history = [(day, stars) for day, stars, _ in samples]
    return ProjectPage(project, history, ranks, current, backfilled_until(samples), cut)
