"""Orchestrating refreshes: queueing batches and running them here (the run lock is in runs.py).

Tasks, commands and admin actions call these; the work itself is in refresh.py.
"""

from __future__ import annotations

from tqdm import tqdm

from github.client import GitHubClient

from . import refresh
from .tasks import refresh_batch


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
