"""Day-0 history: a project's past daily star totals from GitHub's star history.

GitHub gives stars per day that are still held (``github.star_history``). Their running sum,
anchored so that the day of the latest observed count equals that count, is each past day's
total: ``total(d) = anchor + C(d) - C(anchor day)`` with ``C`` the cumulative daily counts.
One sample a day is written from the repository's creation to yesterday, source backfill,
stars only (forks and watchers have no history), and only on days that have no row: an
observed or imported day is never overwritten, and a later observation replaces a
backfilled one. Everything of one project is written in one transaction, with its
``StarHistory`` (how far back it reaches, the requests it took, or why it failed).

A re-run of a complete history asks only for the newest page, and only when some day since
the history's last day has no sample; it never rewrites a day that has one.
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass
from itertools import accumulate

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from github.client import GitHubClient, RepoStats
from github.errors import GitHubError, GitHubUnavailable, RateLimited, RepoBlocked, RepoNotFound, StarHistoryNotOffered
from github.star_history import star_history_fetch
from projects.models import Project

from .models import StarHistory, StatsSample
from .signals import samples_written

logger = logging.getLogger(__name__)

# Why a history cannot be fetched, by the error GitHub's answer became (checked in order).
FAILURES = (
    (RepoBlocked, StarHistory.Status.BLOCKED),
    (RepoNotFound, StarHistory.Status.MISSING),
    (StarHistoryNotOffered, StarHistory.Status.NOT_OFFERED),
)
# These will not change by asking again; the command skips them unless forced.
SETTLED = (StarHistory.Status.BLOCKED, StarHistory.Status.MISSING, StarHistory.Status.NOT_OFFERED)


def daily_totals(
    counts: list[tuple[dt.date, int]], *, anchor_on: dt.date, anchor_stars: int, first: dt.date, last: dt.date
) -> list[tuple[dt.date, int]]:
    """Each day's star total from ``first`` to ``last``, from daily counts (oldest first).

    Anchored so the total on ``anchor_on`` is ``anchor_stars``; days missing from ``counts``
    count 0; totals never go below 0.
    """
    by_day = dict(counts)
    start = min(first, anchor_on)
    end = max(last, anchor_on)
    days = [start + dt.timedelta(days=i) for i in range((end - start).days + 1)]
    cumulative = dict(zip(days, accumulate(by_day.get(day, 0) for day in days), strict=True))
    offset = anchor_stars - cumulative[anchor_on]
    return [(day, max(0, cumulative[day] + offset)) for day in days if first <= day <= last]


@dataclass(frozen=True)
class BackfillResult:
    status: str
    days: int = 0
    requests: int = 0
    retry_at: dt.datetime | None = None
    reason: str = ""


def _created_on(project: Project) -> dt.date | None:
    return project.repo_created_at.astimezone(dt.UTC).date() if project.repo_created_at else None


def history_complete(project: Project, state: StarHistory | None) -> bool:
    created_on = _created_on(project)
    return bool(state and state.reaches_back_to and created_on and state.reaches_back_to <= created_on)


def backfill_project_ids(*, slugs: list[str] = (), force: bool = False) -> tuple[list[int], int]:
    """Ids to backfill and how many were skipped: the named projects, or every catalogued one
    whose history does not reach back to its creation (settled failures skipped unless forced)."""
    if slugs:
        return list(Project.objects.filter(slug__in=slugs).order_by("pk").values_list("pk", flat=True)), 0
    projects = Project.objects.filter(status__in=[Project.Status.TRACKED, Project.Status.CANDIDATE]).select_related(
        "star_history"
    )
    ids, skipped = [], 0
    for project in projects.order_by("pk").only("pk", "repo_created_at", "star_history"):
        state = getattr(project, "star_history", None)
        if not force and (history_complete(project, state) or (state and state.status in SETTLED)):
            skipped += 1
        else:
            ids.append(project.pk)
    return ids, skipped


def _anchor(project: Project, client: GitHubClient) -> tuple[dt.date, int, dt.date]:
    """(day, stars) of the latest observed count, and the creation day; one request when unknown."""
    observed = (
        StatsSample.objects.filter(project=project, source=StatsSample.Source.OBSERVED)
        .order_by("-captured_on")
        .values_list("captured_on", "stars")
        .first()
    )
    created_on = _created_on(project)
    if observed and created_on:
        return observed[0], observed[1], created_on
    repo = client.repo_get(project.repo_owner, project.repo_name)
    if not isinstance(repo, RepoStats) or repo.created_at is None:
        raise GitHubUnavailable(f"GitHub did not say when {project.full_name} was created")
    if observed:
        return observed[0], observed[1], repo.created_at.astimezone(dt.UTC).date()
    return timezone.now().date(), repo.stars, repo.created_at.astimezone(dt.UTC).date()


def _record(state: StarHistory, *, status: str, reason: str = "", **fields) -> None:
    state.status, state.reason = status, reason[:2000]
    for name, value in fields.items():
        setattr(state, name, value)
    state.save()


def project_backfill(*, project: Project, client: GitHubClient | None = None, force: bool = False) -> BackfillResult:
    """Fill ``project``'s days without a sample from GitHub's star history (see the module docstring).

    Rate limits are recorded and returned with the reset time (nothing written); a
    GitHubUnavailable is recorded and raised again, for the caller to retry.
    """
    client = client or GitHubClient()
    state, _ = StarHistory.objects.get_or_create(project=project)
    now = timezone.now()
    yesterday = now.date() - dt.timedelta(days=1)
    before = client.requests_made
    complete = history_complete(project, state) and not force
    if complete and state.covered_until:
        gap_from = state.covered_until + dt.timedelta(days=1)
        have = StatsSample.objects.filter(project=project, captured_on__gte=gap_from, captured_on__lte=yesterday)
        if have.count() >= (yesterday - gap_from).days + 1:
            return BackfillResult(status=state.status)  # no day missing: nothing to ask
    try:
        anchor_on, anchor_stars, created_on = _anchor(project, client)
        since = min(state.covered_until, anchor_on) if complete and state.covered_until else None
        history = star_history_fetch(client, project.repo_owner, project.repo_name, since=since)
    except RateLimited as exc:
        reason = f"Rate limited by GitHub; tried again after {exc.reset_at:%Y-%m-%d %H:%M} UTC"
        _record(state, status=StarHistory.Status.DEFERRED, reason=reason, retry_at=exc.reset_at)
        spent = client.requests_made - before
        return BackfillResult(state.status, requests=spent, retry_at=exc.reset_at, reason=reason)
    except GitHubUnavailable as exc:
        _record(state, status=StarHistory.Status.FAILED, reason=str(exc), requests=client.requests_made - before)
        raise
    except GitHubError as exc:
        status = next((s for kind, s in FAILURES if isinstance(exc, kind)), StarHistory.Status.FAILED)
        _record(state, status=status, reason=str(exc), requests=client.requests_made - before, fetched_at=now)
        return BackfillResult(status, requests=client.requests_made - before, reason=str(exc))

    oldest = history.weeks[0].starts_on if history.weeks else created_on
    first = max(created_on, oldest) if not history.complete else created_on
    if since is not None:
        first = max(first, state.covered_until + dt.timedelta(days=1))
    totals = (
        daily_totals(
            history.daily(until=max(yesterday, anchor_on)),
            anchor_on=anchor_on,
            anchor_stars=anchor_stars,
            first=first,
            last=yesterday,
        )
        if first <= yesterday
        else []
    )
    written = _write(project, totals, now=now)
    requests = client.requests_made - before
    reaches = (created_on if history.complete else first) if since is None else state.reaches_back_to
    _record(
        state,
        status=StarHistory.Status.COMPLETE if reaches and reaches <= created_on else StarHistory.Status.PENDING,
        reaches_back_to=reaches,
        covered_until=max(yesterday, state.covered_until or yesterday),
        fetched_at=now,
        requests=requests,
        days_written=written,
        retry_at=None,
    )
    return BackfillResult(state.status, days=written, requests=requests)


@transaction.atomic
def _write(project: Project, totals: list[tuple[dt.date, int]], *, now: dt.datetime) -> int:
    """Insert backfilled days that have no sample; returns how many were written."""
    if not totals:
        return 0
    taken = set(
        StatsSample.objects.filter(
            Q(project=project) & Q(captured_on__gte=totals[0][0]) & Q(captured_on__lte=totals[-1][0])
        ).values_list("captured_on", flat=True)
    )
    rows = [
        StatsSample(
            project_id=project.pk,
            captured_on=day,
            captured_at=dt.datetime.combine(day, dt.time(23, 59, 59), tzinfo=dt.UTC),
            stars=stars,
            source=StatsSample.Source.BACKFILL,
            recorded_at=now,
        )
        for day, stars in totals
        if day not in taken
    ]
    # ignore_conflicts: a refresh writing the same day meanwhile wins (observed beats backfill).
    StatsSample.objects.bulk_create(rows, ignore_conflicts=True, batch_size=2000)
    if rows:
        samples_written.send(sender=StatsSample, project_ids=[project.pk])
    return len(rows)
