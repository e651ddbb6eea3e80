"""Writes to rankings: publishing, unpublishing and editing snapshots."""

import logging
import time
from collections.abc import Iterable

from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from .models import RankingEntry, RankingSnapshot

logger = logging.getLogger(__name__)

RANKINGS_GENERATION_KEY = "rankings:generation"


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


def rankings_generation() -> int:
    """The cache generation of published rankings: bumped on every publish and unpublish.

    It never expires, and if the cache loses it anyway (eviction, a Redis restart) it starts
    again from the clock, so a generation is never reused and no stale page can come back.
    """
    return cache.get_or_set(RANKINGS_GENERATION_KEY, time.time_ns, timeout=None)


def _bump_rankings_generation() -> None:
    from mltop.caching import CACHE_ERRORS

    try:
        try:
            cache.incr(RANKINGS_GENERATION_KEY)
        except ValueError:
            cache.set(RANKINGS_GENERATION_KEY, time.time_ns(), timeout=None)
    except CACHE_ERRORS:
        # The publish is committed; a cache that is down holds no pages to invalidate.
        logger.error("could not bump the rankings cache generation", exc_info=True)


def previous_published(snapshot: RankingSnapshot) -> RankingSnapshot | None:
    return (
        RankingSnapshot.objects.published()
        .filter(taken_at__lt=snapshot.taken_at)
        .exclude(pk=snapshot.pk)
        .newest_first()
        .first()
    )


@transaction.atomic
def snapshot_publish(*, snapshot: RankingSnapshot) -> RankingSnapshot:
    """Freeze a draft: check its ranks, record movement against the previous published one."""
    snapshot = RankingSnapshot.objects.select_for_update().get(pk=snapshot.pk)
    if snapshot.is_published:
        raise ValidationError(_("“%(title)s” is already published.") % {"title": snapshot.title})
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
    transaction.on_commit(_bump_rankings_generation)
    return snapshot


@transaction.atomic
def snapshot_unpublish(*, snapshot: RankingSnapshot) -> RankingSnapshot:
    """Take a snapshot off the site; it becomes an editable draft again."""
    snapshot = RankingSnapshot.objects.select_for_update().get(pk=snapshot.pk)
    if not snapshot.is_published:
        raise ValidationError(_("“%(title)s” is not published.") % {"title": snapshot.title})
    snapshot.status = RankingSnapshot.Status.DRAFT
    snapshot.published_at = None
    snapshot.save(update_fields=["status", "published_at"])
    transaction.on_commit(_bump_rankings_generation)
    return snapshot


@transaction.atomic
def snapshot_set_ranks(*, snapshot: RankingSnapshot, ranks: dict[int, int]) -> None:
    """Give entries (by id) new ranks in one step, so editors can swap two places.

    The unique (snapshot, rank) constraint is checked row by row, so the entries first
    move out of the way to ranks above any in use, then to their final places.
    """
    if snapshot.is_published:
        raise ValidationError(_("A published snapshot cannot be changed; unpublish it first."))
    entries = list(snapshot.entries.filter(pk__in=ranks))
    if not entries:
        return
    offset = (max(snapshot.entries.values_list("rank", flat=True)) or 0) + max(ranks.values()) + 1
    for position, entry in enumerate(entries):
        entry.rank = offset + position
    RankingEntry.objects.bulk_update(entries, ["rank"])
    for entry in entries:
        entry.rank = ranks[entry.pk]
    RankingEntry.objects.bulk_update(entries, ["rank"])
