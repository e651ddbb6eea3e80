"""Writes to rankings: building, publishing, unpublishing and editing snapshots."""

import datetime as dt
import itertools
import logging
from collections.abc import Iterable

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from mltop import caching, locks
from projects.models import Project
from projects.services import project_set_status
from stats.models import StatsSample

from .building import compute_ranking, entry_gains, ranking_coverage
from .models import RankingEntry, RankingSnapshot
from .scoring import METHOD, Parameters
from .selectors import previous_published

# Ranks are stored in a PositiveSmallIntegerField.
MAX_TOP_K = 32767

logger = logging.getLogger(__name__)


def ranks_problem(ranks: Iterable[int]) -> str:
    """Why a list of ranks is not 1..N without gaps or repeats ('' when it is)."""
    ranks = list(ranks)
    if not ranks:
        return _("A published snapshot needs at least one entry.")
    seen, duplicates = set(), set()
    for rank in ranks:
        (duplicates if rank in seen else seen).add(rank)
    if duplicates:
        return _("Rank %(ranks)s is used more than once.") % {"ranks": ", ".join(map(str, sorted(duplicates)))}
    missing = sorted(set(range(1, len(ranks) + 1)) - seen)
    if missing:
        return _("Ranks must run from 1 to %(n)d without gaps; missing: %(missing)s.") % {
            "n": len(ranks),
            "missing": ", ".join(map(str, missing)),
        }
    return ""


@transaction.atomic
def snapshot_publish(*, snapshot: RankingSnapshot) -> RankingSnapshot:
    """Freeze a draft: check its ranks, record movement against the previous published one."""
    snapshot = RankingSnapshot.objects.select_for_update().get(pk=snapshot.pk)
    if snapshot.is_published:
        raise ValidationError(_("“%(title)s” is already published.") % {"title": snapshot})
    entries = list(snapshot.entries.all())
    problem = ranks_problem(entry.rank for entry in entries)
    if problem:
        raise ValidationError(problem)

    previous = previous_published(snapshot)
    previous_ranks = dict(previous.entries.values_list("project_id", "rank")) if previous else {}
    for entry in entries:
        entry.previous_rank = previous_ranks.get(entry.project_id)
    RankingEntry.objects.bulk_update(entries, ["previous_rank"])

    snapshot.status = RankingSnapshot.Status.PUBLISHED
    snapshot.published_at = timezone.now()
    snapshot.save(update_fields=["status", "published_at"])
    if snapshot.board == RankingSnapshot.Board.NEW:
        _track_candidates(entries)
    transaction.on_commit(caching.generation_bump)
    return snapshot


def _track_candidates(entries: list[RankingEntry]) -> None:
    """A published newcomers' edition puts discovery's candidates on it into the catalogue."""
    candidates = Project.objects.filter(pk__in=[e.project_id for e in entries], status=Project.Status.CANDIDATE)
    for project in candidates:
        project_set_status(project=project, status=Project.Status.TRACKED)


@transaction.atomic
def snapshot_create_published(
    *,
    title: str,
    taken_at: dt.datetime,
    origin: str,
    method: str,
    notes: str,
    entries: list[tuple[Project, int, int | None]],
) -> RankingSnapshot:
    """Record an edition published elsewhere (the seed's article), published when it was taken.

    ``entries`` are (project, rank, stars as printed). Ranks are checked as at any publish.
    """
    problem = ranks_problem(rank for _project, rank, _stars in entries)
    if problem:
        raise ValidationError(problem)
    snapshot = RankingSnapshot(
        title=title,
        taken_at=taken_at,
        origin=origin,
        status=RankingSnapshot.Status.PUBLISHED,
        published_at=taken_at,
        method=method,
        weights={},
        notes=notes,
    )
    snapshot.full_clean()
    snapshot.save()
    previous = previous_published(snapshot)
    previous_ranks = dict(previous.entries.values_list("project_id", "rank")) if previous else {}
    RankingEntry.objects.bulk_create(
        RankingEntry(
            snapshot=snapshot, project=project, rank=rank, stars=stars, previous_rank=previous_ranks.get(project.pk)
        )
        for project, rank, stars in entries
    )
    transaction.on_commit(caching.generation_bump)
    return snapshot


@transaction.atomic
def snapshot_unpublish(*, snapshot: RankingSnapshot) -> RankingSnapshot:
    """Take a snapshot off the site; it becomes an editable draft again."""
    snapshot = RankingSnapshot.objects.select_for_update().get(pk=snapshot.pk)
    if not snapshot.is_published:
        raise ValidationError(_("“%(title)s” is not published.") % {"title": snapshot})
    snapshot.status = RankingSnapshot.Status.DRAFT
    snapshot.published_at = None
    snapshot.save(update_fields=["status", "published_at"])
    transaction.on_commit(caching.generation_bump)
    return snapshot


@transaction.atomic
def snapshot_set_ranks(*, snapshot: RankingSnapshot, ranks: dict[int, int]) -> None:
    """Give entries (by id) new ranks in one step, so editors can swap two places.

    The unique (snapshot, rank) constraint is checked row by row, so the entries first
    move out of the way to ranks no entry holds or wants, then to their final places.
    """
    if snapshot.is_published:
        raise ValidationError(_("A published snapshot cannot be changed; unpublish it first."))
    entries = list(snapshot.entries.filter(pk__in=ranks))
    if not entries:
        return
    # Out of the way: the lowest ranks neither in use nor wanted, so a rank near the column's
    # maximum cannot push them past it.
    taken = set(snapshot.entries.values_list("rank", flat=True)) | set(ranks.values())
    free = (rank for rank in itertools.count(1) if rank not in taken)
    for entry in entries:
        entry.rank = next(free)
    RankingEntry.objects.bulk_update(entries, ["rank"])
    for entry in entries:
        entry.rank = ranks[entry.pk]
    RankingEntry.objects.bulk_update(entries, ["rank"])


def _refuse_published(snapshot: RankingSnapshot) -> RankingSnapshot:
    """Lock the snapshot row and refuse to change it once published."""
    snapshot = RankingSnapshot.objects.select_for_update().get(pk=snapshot.pk)
    if snapshot.is_published:
        raise ValidationError(_("A published snapshot cannot be changed; unpublish it first."))
    return snapshot


@transaction.atomic
def snapshot_build(
    *,
    as_of: dt.date | None = None,
    top_k: int | None = None,
    publish: bool | None = None,
    params: Parameters | None = None,
    title: str = "",
) -> RankingSnapshot:
    """Build a computed snapshot of the top K from the samples captured up to ``as_of`` (today).

    ``publish`` None follows settings.RANKING_AUTO_PUBLISH. The snapshot records the method,
    weights and parameters, so ``selectors.snapshot_rederive`` can recompute it.
    """
    today = timezone.now().date()
    as_of = as_of or today
    if as_of > today:
        raise ValidationError(_("The as-of date %(date)s is in the future.") % {"date": as_of.isoformat()})
    top_k = settings.RANKING_TOP_K if top_k is None else top_k
    if not 1 <= top_k <= MAX_TOP_K:
        raise ValidationError(_("The number of entries must be between 1 and %(max)d.") % {"max": MAX_TOP_K})
    params = params or Parameters.from_settings(settings)
    # What the build reads: samples recorded up to now, so a later backfill cannot change it.
    recorded_before = timezone.now()
    left_out: dict[str, list[int]] = {}
    ranked = compute_ranking(
        as_of=as_of, params=params, top_k=top_k, recorded_before=recorded_before, left_out=left_out, keep_figures=True
    )
    if not ranked:
        raise ValidationError(
            _("No project is eligible as of %(date)s: nothing tracked has enough stars and recent figures.")
            % {"date": as_of.isoformat()}
        )
    return snapshot_store_computed(
        ranked=ranked,
        gains=entry_gains(project_ids=[item.project_id for item in ranked], as_of=as_of),
        publish=settings.RANKING_AUTO_PUBLISH if publish is None else publish,
        title=title,  # empty: generated in each reader's language (titles.py)
        taken_at=timezone.now() if as_of == today else dt.datetime.combine(as_of, dt.time.max, tzinfo=dt.UTC),
        method=METHOD,
        weights=params.weights_record(),
        parameters={
            **params.parameters_record(),
            "as_of": as_of.isoformat(),
            "top_k": top_k,
            "recorded_before": recorded_before.isoformat(),
        },
        coverage=ranking_coverage(as_of=as_of, ranked=ranked, left_out=left_out),
    )


def snapshot_store_computed(
    *, ranked: list, gains: dict[int, tuple[int | None, int | None]], publish: bool, **fields
) -> RankingSnapshot:
    """Save a computed snapshot of any board (a draft, or published) with its entries from ``ranked``.

    ``gains`` holds each project's stars gained in 30 and 365 days (``building.entry_gains``);
    ``fields`` are the snapshot's own (board, title, taken_at, method, weights, parameters…).
    """
    snapshot = RankingSnapshot(origin=RankingSnapshot.Origin.COMPUTED, status=RankingSnapshot.Status.DRAFT, **fields)
    snapshot.full_clean()
    snapshot.save()
    RankingEntry.objects.bulk_create(
        RankingEntry(
            snapshot=snapshot,
            project_id=item.project_id,
            rank=item.rank,
            score=item.result.score,
            breakdown=item.result.breakdown(),
            stars=item.figures.stars,
            stars_gained_30d=gains.get(item.project_id, (None, None))[0],
            stars_gained_365d=gains.get(item.project_id, (None, None))[1],
            flags=list(item.result.flags),
        )
        for item in ranked
    )
    return snapshot_publish(snapshot=snapshot) if publish else snapshot


BUILD_SNAPSHOT_LOCK = "rankings:build-snapshot-lock"
# Longer than any build takes (the 10,000-project benchmark builds in well under a minute),
# short enough that a crashed worker does not block the next day's build.
BUILD_SNAPSHOT_LOCK_SECONDS = 30 * 60


def snapshot_build_scheduled(*, as_of: dt.date | None = None, top_k: int | None = None) -> RankingSnapshot | None:
    """``snapshot_build`` under the build lock: None when another build is running."""
    with locks.held(BUILD_SNAPSHOT_LOCK, timeout=BUILD_SNAPSHOT_LOCK_SECONDS) as acquired:
        return snapshot_build(as_of=as_of, top_k=top_k) if acquired else None


@transaction.atomic
def snapshot_start_edition(*, snapshot: RankingSnapshot, title: str = "") -> RankingSnapshot:
    """A new editorial draft with the entries of ``snapshot`` (left untouched), for editors to edit."""
    edition = RankingSnapshot(
        title=title,  # empty: generated in each reader's language (titles.py)
        taken_at=timezone.now(),
        origin=RankingSnapshot.Origin.EDITORIAL,
        status=RankingSnapshot.Status.DRAFT,
        method=snapshot.method,
        weights=snapshot.weights,
        parameters=snapshot.parameters,
        based_on=snapshot,
        board=snapshot.board,
        period=snapshot.period,
        category=snapshot.category,
    )
    edition.full_clean()
    edition.save()
    RankingEntry.objects.bulk_create(
        RankingEntry(
            snapshot=edition,
            project_id=entry.project_id,
            rank=entry.rank,
            score=entry.score,
            breakdown=entry.breakdown,
            stars=entry.stars,
            stars_gained_30d=entry.stars_gained_30d,
            stars_gained_365d=entry.stars_gained_365d,
            blurb=entry.blurb,
            flags=entry.flags,
        )
        for entry in snapshot.entries.order_by("rank")
    )
    return edition


def entry_fill_figures(*, entry: RankingEntry, snapshot: RankingSnapshot) -> RankingEntry:
    """Give an entry added by hand the figures of the snapshot's day (not saved here).

    Stars from the latest capture on or before the day the snapshot was taken; the gains by
    stats.gains' rule, as a build records them. Stars an editor typed are kept.
    """
    as_of = snapshot.taken_at.date()
    if entry.stars is None:
        entry.stars = (
            StatsSample.objects.filter(project_id=entry.project_id, captured_on__lte=as_of)
            .order_by("-captured_on")
            .values_list("stars", flat=True)
            .first()
        )
    entry.stars_gained_30d, entry.stars_gained_365d = entry_gains(project_ids=[entry.project_id], as_of=as_of)[
        entry.project_id
    ]
    return entry


@transaction.atomic
def snapshot_entry_pin(*, snapshot: RankingSnapshot, project: Project, rank: int | None = None, blurb: str = ""):
    """Pin a project into a draft at ``rank`` (default: last); the entries from there move down one."""
    snapshot = _refuse_published(snapshot)
    if snapshot.entries.filter(project=project).exists():
        raise ValidationError(_("“%(project)s” is already in this snapshot.") % {"project": project})
    last = snapshot.entries.aggregate(last=Max("rank"))["last"] or 0
    rank = last + 1 if rank is None else rank
    if not 1 <= rank <= last + 1:
        raise ValidationError(_("The rank must be between 1 and %(n)d.") % {"n": last + 1})
    below = dict(snapshot.entries.filter(rank__gte=rank).values_list("pk", "rank"))
    if below:
        snapshot_set_ranks(snapshot=snapshot, ranks={pk: old + 1 for pk, old in below.items()})
    entry = RankingEntry(snapshot=snapshot, project=project, rank=rank, blurb=blurb)
    entry_fill_figures(entry=entry, snapshot=snapshot)
    entry.full_clean()
    entry.save()
    return entry


@transaction.atomic
def snapshot_entry_unpin(*, snapshot: RankingSnapshot, project: Project) -> None:
    """Take a project out of a draft; the entries below it move up one."""
    snapshot = _refuse_published(snapshot)
    entry = snapshot.entries.filter(project=project).first()
    if entry is None:
        raise ValidationError(_("“%(project)s” is not in this snapshot.") % {"project": project})
    entry.delete()
    below = dict(snapshot.entries.filter(rank__gt=entry.rank).values_list("pk", "rank"))
    if below:
        snapshot_set_ranks(snapshot=snapshot, ranks={pk: old - 1 for pk, old in below.items()})


@transaction.atomic
def snapshot_entry_set_blurb(*, entry: RankingEntry, blurb: str) -> RankingEntry:
    _refuse_published(entry.snapshot)
    entry.blurb = blurb
    entry.full_clean()
    entry.save(update_fields=["blurb"])
    return entry


@transaction.atomic
def snapshot_entry_set_stars(*, entry: RankingEntry, stars: int | None) -> RankingEntry:
    """Set the star count an entry shows (editorial editions print the figures of their source)."""
    _refuse_published(entry.snapshot)
    entry.stars = stars
    entry.full_clean()
    entry.save(update_fields=["stars"])
    return entry
