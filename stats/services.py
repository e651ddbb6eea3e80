"""Orchestrating refreshes: queueing batches, running them here, and the run lock.

Tasks, commands and admin actions call these; the work itself is in refresh.py.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.core.cache import cache
from tqdm import tqdm

from github.client import GitHubClient
from github.errors import GitHubUnavailable
from mltop import locks
from projects.models import Project

from . import backfill, refresh

RUN_LOCK_KEY = "refresh:run-lock"
RUN_PENDING_KEY = "refresh:run-pending"
# Longer than any healthy run (10,000 repositories take minutes), shorter than the 6-hour
# schedule: a run whose worker died frees the lock before the next scheduled run.
RUN_LOCK_TIMEOUT = 5 * 60 * 60


def refresh_enqueue(*, project_ids: list[int], eta=None, on_commit: bool = True) -> int:
    """Queue a refresh of these projects, by default once the current transaction commits.

    ``on_commit=False`` sends at once, for callers whose projects are already committed and
    who want a broker failure raised here (kombu's OperationalError) to report it.
    Returns the number of batches.
    """
    from .tasks import refresh_batch

    groups = list(refresh.batches(list(project_ids)))
    for group in groups:
        if on_commit:
            refresh_batch.apply_async_on_commit(args=[group], eta=eta)
        else:
            refresh_batch.apply_async(args=[group], eta=eta)
    return len(groups)


def backfill_enqueue(*, project_ids: list[int], on_commit: bool = True) -> int:
    """Queue the star-history backfill of these projects (one task each, on the backfill queue).

    By default once the current transaction commits; ``on_commit=False`` sends at once and
    lets a broker failure surface here, as for ``refresh_enqueue``.
    """
    from .tasks import backfill_project

    for project_id in project_ids:
        if on_commit:
            backfill_project.apply_async_on_commit(args=[project_id])
        else:
            backfill_project.apply_async(args=[project_id])
    return len(project_ids)


@dataclass(frozen=True)
class BackfillSummary:
    projects: int = 0
    days: int = 0
    requests: int = 0
    skipped: int = 0
    failed: int = 0
    deferred: int = 0

    def line(self) -> str:
        text = (
            f"backfilled {self.projects} projects, {self.days} days, {self.requests} requests, skipped {self.skipped}"
        )
        if self.failed:
            text += f", failed {self.failed}"
        if self.deferred:
            text += f", deferred {self.deferred} until the rate limit resets"
        return text


def backfill_sync(
    ids: list[int], *, stream, skipped: int = 0, force: bool = False, client: GitHubClient | None = None
) -> BackfillSummary:
    """Backfill project after project here, with a progress bar.

    A rate limit stops the run: that project and the rest go to the worker for after the
    reset. Failures are recorded on each project's StarHistory and counted.
    """
    client = client or GitHubClient()
    done = days = requests = failed = deferred = 0
    with tqdm(total=len(ids), unit="project", file=stream, disable=False) as bar:
        for position, pk in enumerate(ids):
            project = Project.objects.filter(pk=pk).first()
            if project is None:
                skipped += 1
                bar.update(1)
                continue
            try:
                result = backfill.project_backfill(project=project, client=client, force=force)
            except GitHubUnavailable:
                failed += 1
                bar.update(1)
                continue
            requests += result.requests
            if result.retry_at is not None:
                from .tasks import backfill_project

                for rest in ids[position:]:
                    backfill_project.apply_async(args=[rest, force], eta=result.retry_at)
                deferred = len(ids) - position
                bar.update(deferred)
                break
            if result.status in backfill.SETTLED or result.status == "failed":
                failed += 1
            else:
                done += 1
                days += result.days
            bar.update(1)
    return BackfillSummary(
        projects=done, days=days, requests=requests, skipped=skipped, failed=failed, deferred=deferred
    )


def refresh_sync(ids: list[int], *, stream, client: GitHubClient | None = None) -> refresh.RefreshSummary:
    """Refresh batch after batch in this process, with a progress bar; deferred ones go to the worker."""
    from .tasks import refresh_batch

    summary = refresh.RefreshSummary()
    with tqdm(total=len(ids), unit="project", file=stream, disable=False) as bar:
        for group in refresh.batches(ids):
            result = refresh.project_refresh_batch(project_ids=group, client=client)
            summary += result.summary
            bar.update(len(group))
            if result.deferred_ids:
                refresh_batch.apply_async(args=[result.deferred_ids], eta=result.retry_at)
                rest = [pk for pk in ids if pk > group[-1]]
                if rest:
                    refresh_enqueue(project_ids=rest, eta=result.retry_at)
                summary += refresh.RefreshSummary(deferred=len(rest))
                bar.update(len(rest))
                break
    return summary


def refresh_run_start(*, run_id: str, batch_count: int) -> bool:
    """Take the run lock for ``run_id``; False when another run still holds it."""
    if locks.lock_acquire(RUN_LOCK_KEY, timeout=RUN_LOCK_TIMEOUT, token=run_id) is None:
        return False
    cache.set(f"{RUN_PENDING_KEY}:{run_id}", batch_count, timeout=RUN_LOCK_TIMEOUT)
    if batch_count == 0:
        refresh_run_finish(run_id=run_id)
    return True


def refresh_run_batch_done(*, run_id: str) -> None:
    """Count one batch of ``run_id`` as finished; the last one releases the run lock."""
    try:
        left = cache.decr(f"{RUN_PENDING_KEY}:{run_id}")
    except ValueError:
        left = 0
    if left <= 0:
        refresh_run_finish(run_id=run_id)


def refresh_run_finish(*, run_id: str) -> None:
    locks.lock_release(RUN_LOCK_KEY, token=run_id)
    cache.delete(f"{RUN_PENDING_KEY}:{run_id}")


def refresh_run_active() -> str | None:
    return locks.lock_holder(RUN_LOCK_KEY)
