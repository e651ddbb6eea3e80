"""Orchestrating refreshes: queueing batches and running them here (the run lock is in runs.py).

Tasks, commands and admin actions call these; the work itself is in refresh.py.
"""

from __future__ import annotations

from dataclasses import dataclass

from tqdm import tqdm

from github.client import GitHubClient
from github.errors import GitHubUnavailable
from projects.models import Project

from . import backfill, refresh
from .tasks import backfill_project, refresh_batch


def refresh_enqueue(*, project_ids: list[int], eta=None, on_commit: bool = True) -> int:
    """Queue a refresh of these projects, by default once the current transaction commits.

    ``on_commit=False`` sends at once, for callers whose projects are already committed and
    who want a broker failure raised here (kombu's OperationalError) to report it.
    Returns the number of batches.
    """
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
