"""Reads of rankings shared by pages, the feed and the API."""

import datetime as dt
from dataclasses import dataclass

from django.core.paginator import Paginator
from django.db.models import Count, Exists, F, OuterRef, Prefetch, Q, Subquery, Window
from django.db.models.functions import RowNumber
from django.utils import timezone

from projects.models import Authorship, Project
from stats.gains import gain_annotations
from stats.models import StatsSample

from .building import Ranked, compute_ranking
from .models import RankingEntry, RankingSnapshot
from .scoring import Parameters

# Boards (issue 16): the pages, feed and API that predate boards read the overall board.
OVERALL = RankingSnapshot.Board.OVERALL


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
    """The newest published snapshot of the overall board, or None before anything is published."""
    return RankingSnapshot.objects.published().board(OVERALL).newest_first().first()


def snapshot_published(*, pk: int) -> RankingSnapshot:
    """A published snapshot by id; raises RankingSnapshot.DoesNotExist."""
    return RankingSnapshot.objects.published().get(pk=pk)


@dataclass(frozen=True)
class SnapshotMovement:
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


def snapshot_movement(snapshot: RankingSnapshot) -> SnapshotMovement:
    """Movement against the previous published snapshot (three queries, two without one)."""
    previous = previous_published(snapshot)
    if previous is None:
        return SnapshotMovement(previous=None, entered=[], left=[], moved=[])
    current = list(snapshot.entries.select_related("project").order_by("rank"))
    before = list(previous.entries.select_related("project").order_by("rank"))
    entered, left, moved, _ = compare_entries(before, current)
    return SnapshotMovement(
        previous=previous,
        entered=entered,
        left=left,
        moved=[(entry, rank_before - entry.rank) for entry, rank_before, _ in moved],
    )


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


def projects_removed():
    """Excluded projects with the editors' reasons, for the public archive (one query)."""
    return Project.objects.filter(status=Project.Status.EXCLUDED).order_by("name", "id")


# --- Reader pages -------------------------------------------------------------------------
# Each function below runs a fixed number of queries whatever the number of entries,
# authors or samples; the page tests count them.

TOP_N = 10
SPARKLINE_SAMPLES = 60
GAIN_DAYS = 30
ARCHIVE_PAGE_SIZE = 20


def star_annotations(project_ref: str, *, today: dt.date | None = None) -> dict:
    """Subquery annotations: the latest star count and its day, and ``gained_30d`` (stats.gains' rule).

    ``project_ref`` names the project id in the outer query (``"project_id"`` on entries,
    ``"pk"`` on projects).
    """
    today = today or timezone.now().date()
    samples = StatsSample.objects.filter(project=OuterRef(project_ref)).order_by("-captured_on")
    return {
        "latest_stars": Subquery(samples.values("stars")[:1]),
        "latest_on": Subquery(samples.values("captured_on")[:1]),
        **gain_annotations(project_ref, as_of=today, days=GAIN_DAYS, name="gained_30d"),
    }


@dataclass(frozen=True)
class Movement:
    """How an entry moved since the previous published snapshot."""

    kind: str  # "up", "down", "same", "new" or "" (nothing to compare with)
    places: int = 0


def movement(*, rank: int, previous_rank: int | None, has_previous: bool) -> Movement:
    if not has_previous:
        return Movement("")
    if previous_rank is None:
        return Movement("new")
    if previous_rank > rank:
        return Movement("up", previous_rank - rank)
    if previous_rank < rank:
        return Movement("down", rank - previous_rank)
    return Movement("same")


def published_index(*, board: str = OVERALL, category_id: int | None = None) -> list[RankingSnapshot]:
    """Every published snapshot of a board, newest first, with the fields a menu needs: one query."""
    snapshots = RankingSnapshot.objects.published().filter(board=board, category_id=category_id)
    fields = ("id", "title", "taken_at", "origin", "board", "period", "category__name_en", "category__name_zh")
    return list(snapshots.newest_first().select_related("category").only(*fields))


def _neighbours(index: list[RankingSnapshot], snapshot: RankingSnapshot):
    """The published snapshots just older and just newer than ``snapshot`` in ``index``."""
    position = next(i for i, s in enumerate(index) if s.pk == snapshot.pk)
    newer = index[position - 1] if position > 0 else None
    older = index[position + 1] if position + 1 < len(index) else None
    return older, newer


def sparkline_samples(project_ids: list[int]) -> dict[int, list[tuple[dt.date, int]]]:
    """The newest samples of each project (oldest first), in one query."""
    rows = (
        StatsSample.objects.filter(project_id__in=project_ids)
        .annotate(nth=Window(RowNumber(), partition_by=[F("project_id")], order_by=F("captured_on").desc()))
        .filter(nth__lte=SPARKLINE_SAMPLES)
        .values_list("project_id", "captured_on", "stars")
    )
    series: dict[int, list[tuple[dt.date, int]]] = {pk: [] for pk in project_ids}
    for project_id, captured_on, stars in rows:
        series[project_id].append((captured_on, stars))
    for points in series.values():
        points.sort()
    return series


def _top_entries(snapshot: RankingSnapshot, *, with_samples: bool) -> list[RankingEntry]:
    queryset = entries_for_display(snapshot).filter(rank__lte=TOP_N)
    if with_samples:
        queryset = queryset.annotate(**star_annotations("project_id"))
    return list(queryset)


@dataclass(frozen=True)
class RankingPage:
    """What a page showing one snapshot's top-10 needs; picklable, so it can be cached."""

    snapshot: RankingSnapshot
    entries: list
    index: list
    older: RankingSnapshot | None
    newer: RankingSnapshot | None


def _ranking_page(snapshot: RankingSnapshot, index: list[RankingSnapshot], *, live: bool) -> RankingPage:
    entries = _top_entries(snapshot, with_samples=live)
    older, newer = _neighbours(index, snapshot)
    has_previous = older is not None
    sparklines = sparkline_samples([e.project_id for e in entries]) if live else {}
    for entry in entries:
        entry.movement = movement(rank=entry.rank, previous_rank=entry.previous_rank, has_previous=has_previous)
        entry.spark_points = sparklines.get(entry.project_id, [])
    return RankingPage(snapshot, entries, index, older, newer)


def ranking_current_page() -> RankingPage | None:
    """The newest published top-10 with live star figures and sparklines: five queries."""
    index = published_index()
    if not index:
        return None
    return _ranking_page(index[0], index, live=True)


def snapshot_page(*, pk: int) -> RankingPage:
    """One published snapshot's top-10 as frozen, with its entry count: five queries.

    Raises RankingSnapshot.DoesNotExist for unknown or unpublished ids.
    """
    snapshot = (
        RankingSnapshot.objects.published().select_related("category").annotate(entry_count=Count("entries")).get(pk=pk)
    )
    return _ranking_page(snapshot, published_index(board=snapshot.board, category_id=snapshot.category_id), live=False)


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
    snapshots = RankingSnapshot.objects.published().board(OVERALL).newest_first().prefetch_related(top_three)
    paginator = Paginator(snapshots, per_page, allow_empty_first_page=True)
    page_obj = paginator.page(page)
    return ArchivePage(list(page_obj.object_list), page_obj.number, paginator.num_pages, paginator.count)


@dataclass(frozen=True)
class Comparison:
    """What changed in the top-10 from snapshot ``a`` (before) to ``b`` (after)."""

    a: RankingSnapshot
    b: RankingSnapshot
    entered: list  # entries of b not in a's top-10
    left: list  # entries of a not in b's top-10
    moved: list  # (entry in b, rank in a, Movement)
    held: list  # entries of b at the same rank as in a


def compare_entries(a_entries, b_entries) -> tuple[list, list, list, list]:
    """Split two top-10s into entered, left, moved and held; a pure function over entries."""
    a_ranks = {e.project_id: e.rank for e in a_entries}
    b_ids = {e.project_id for e in b_entries}
    entered = [e for e in b_entries if e.project_id not in a_ranks]
    left = [e for e in a_entries if e.project_id not in b_ids]
    moved, held = [], []
    for entry in b_entries:
        before = a_ranks.get(entry.project_id)
        if before is None:
            continue
        if before == entry.rank:
            held.append(entry)
        else:
            moved.append((entry, before, movement(rank=entry.rank, previous_rank=before, has_previous=True)))
    return entered, left, moved, held


def snapshot_compare(*, a: int, b: int) -> Comparison:
    """Compare two published snapshots' top-10s: two queries.

    Raises RankingSnapshot.DoesNotExist if either id is not a published snapshot.
    """
    snapshots = {s.pk: s for s in RankingSnapshot.objects.published().filter(pk__in={a, b})}
    if a not in snapshots or b not in snapshots:
        raise RankingSnapshot.DoesNotExist(f"No published snapshot {a if a not in snapshots else b}.")
    entries = RankingEntry.objects.filter(snapshot_id__in={a, b}, rank__lte=TOP_N).select_related("project")
    by_snapshot: dict[int, list[RankingEntry]] = {a: [], b: []}
    for entry in entries.order_by("rank"):
        by_snapshot[entry.snapshot_id].append(entry)
    entered, left, moved, held = compare_entries(by_snapshot[a], by_snapshot[b])
    return Comparison(snapshots[a], snapshots[b], entered, left, moved, held)


def feed_snapshots(*, limit: int = 20) -> list[RankingSnapshot]:
    """The newest published snapshots, each with its top-10 entries and projects: two queries."""
    top = Prefetch(
        "entries",
        queryset=RankingEntry.objects.filter(rank__lte=TOP_N).select_related("project").order_by("rank"),
        to_attr="top_entries",
    )
    # The site feed: the overall board and the month's newcomers (fields have feeds of their own).
    snapshots = RankingSnapshot.objects.published().filter(board__in=[OVERALL, RankingSnapshot.Board.NEW])
    return list(snapshots.select_related("category").newest_first().prefetch_related(top)[:limit])


def project_current_rank(*, project_id: int) -> int | None:
    """The project's rank in the newest published snapshot, if it is in it: one query."""
    newest = RankingSnapshot.objects.published().board(OVERALL).newest_first().values("pk")[:1]
    return (
        RankingEntry.objects.filter(snapshot_id=Subquery(newest), project_id=project_id)
        .values_list("rank", flat=True)
        .first()
    )


def _with_counts(snapshots):
    # Older on the same board (and field): a category board names its category, the others none.
    older_published = (
        RankingSnapshot.objects.published()
        .filter(taken_at__lt=OuterRef("taken_at"), board=OuterRef("board"))
        .filter(Q(category=OuterRef("category")) | ~Q(board=RankingSnapshot.Board.CATEGORY))
    )
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
    """The newest published snapshot of the overall board, annotated as in snapshots_published(): one query."""
    return snapshots_published().filter(board=OVERALL).first()


def entry_movement(*, rank: int, previous_rank: int | None, has_previous: bool) -> tuple[str | None, int | None]:
    """How an entry moved, as the API spells it: (movement, places gained, signed).

    "new" when an older snapshot exists and the project was not in it; None for the first
    snapshot ever published, where movement means nothing.
    """
    moved = movement(rank=rank, previous_rank=previous_rank, has_previous=has_previous)
    if moved.kind in ("", "new"):
        return (moved.kind or None), None
    return moved.kind, previous_rank - rank


def project_rank_history(*, project_id: int) -> list[RankingEntry]:
    """The project's entries in published snapshots, oldest first, with their snapshot: one query."""
    return list(
        RankingEntry.objects.filter(
            project_id=project_id, snapshot__status=RankingSnapshot.Status.PUBLISHED, snapshot__board=OVERALL
        )
        .select_related("snapshot")
        .order_by("snapshot__taken_at", "snapshot_id")
    )


def project_star_history(*, project_id: int) -> list[tuple[dt.date, int]]:
    """Every star sample of a project, oldest first: one query."""
    return [(day, stars) for day, stars, _ in _star_samples(project_id)]


def _star_samples(project_id: int) -> list[tuple[dt.date, int, str]]:
    return list(
        StatsSample.objects.filter(project_id=project_id)
        .order_by("captured_on")
        .values_list("captured_on", "stars", "source")
    )


def backfilled_until(samples: list[tuple[dt.date, int, str]]) -> dt.date | None:
    """The last day of the leading run of backfilled samples (GitHub's star history), if any."""
    last = None
    for day, _, source in samples:
        if source != StatsSample.Source.BACKFILL:
            break
        last = day
    return last


def current_snapshot_id() -> int | None:
    return RankingSnapshot.objects.published().board(OVERALL).newest_first().values_list("pk", flat=True).first()


@dataclass(frozen=True)
class ProjectPage:
    project: object
    star_history: list
    rank_history: list
    current_entry: RankingEntry | None
    backfilled_until: dt.date | None = None  # the star history before this day is GitHub's


def project_page(*, slug: str) -> ProjectPage:
    """A project with credits, live star figures, star and rank history: six queries.

    Raises Project.DoesNotExist for an unknown slug.
    """
    project = Project.objects.with_credits().annotate(**star_annotations("pk")).get(slug=slug)
    ranks = project_rank_history(project_id=project.pk)
    newest = current_snapshot_id()
    current = next((e for e in ranks if e.snapshot_id == newest), None)
    samples = _star_samples(project.pk)
    return ProjectPage(project, [(day, stars) for day, stars, _ in samples], ranks, current, backfilled_until(samples))


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
    entered, left, moved, held = compare_entries(
        [e for e in entries if e.snapshot_id == a.pk], [e for e in entries if e.snapshot_id == b.pk]
    )
    return SnapshotComparison(
        a=a,
        b=b,
        entered=[RankChange(e.project, None, e.rank) for e in entered],
        left=[RankChange(e.project, e.rank, None) for e in left],
        moved=[RankChange(e.project, rank_a, e.rank) for e, rank_a, _ in moved],
        unchanged=[RankChange(e.project, e.rank, e.rank) for e in held],
    )
