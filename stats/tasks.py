"""Celery tasks of the figures: thin wrappers that take ids, call one service and return a small summary."""

import dataclasses
import logging
import uuid

from celery import shared_task
from django.conf import settings
from django.db import InterfaceError, OperationalError

from github.errors import GitHubUnavailable, TokenRejected
from projects.models import Project

from . import backfill, refresh, runs

logger = logging.getLogger(__name__)

# What Django raises when the database goes away under a task: transient, worth a retry.
DATABASE_LOST = (OperationalError, InterfaceError)

REFRESH_ALL_TASK = "stats.refresh_all"
REFRESH_BATCH_TASK = "stats.refresh_batch"


# Time limits: a batch is one GraphQL request, or at most 100 REST requests of a few hundred
# milliseconds each (each retried at most three times with a timeout of 30 s); ten minutes
# is far beyond a healthy batch, so hitting it means a hung connection, not a slow GitHub.
@shared_task(
    name=REFRESH_BATCH_TASK,
    bind=True,
    autoretry_for=(GitHubUnavailable,),
    retry_backoff=60,
    retry_backoff_max=30 * 60,
    retry_jitter=True,
    max_retries=5,
    soft_time_limit=10 * 60,
    time_limit=11 * 60,
    acks_late=True,
    ignore_result=True,  # the figures land in the database; nobody reads the return value from a backend
)
def refresh_batch(self, project_ids: list[int], run_id: str = "") -> dict:
    """Refresh up to 100 projects; rate-limited ones are re-queued for after the reset."""
    try:
        result = refresh.project_refresh_batch(project_ids=project_ids)
    except TokenRejected as exc:
        # Every batch fails the same way until an operator fixes GITHUB_TOKEN: no retry, no
        # project touched; /healthz and admin show the problem (recorded by the client).
        if run_id:
            runs.refresh_run_batch_done(run_id=run_id)
        return {"token_rejected": str(exc)}
    except DATABASE_LOST as exc:
        # PostgreSQL restarted or the connection dropped: nothing of the batch was written (one
        # transaction), and Celery's Django fixup closes the broken connection after this try,
        # so the retry reconnects. Upserted samples make the retry safe.
        logger.warning("Refresh batch lost its database connection (%s); retrying", exc)
        countdown = settings.REFRESH_DB_RETRY_SECONDS * 2**self.request.retries
        raise self.retry(exc=exc, countdown=countdown) from exc
    if result.deferred_ids:
        # The rest of the batch waits for GitHub's reset; the run stays open until it is done.
        refresh_batch.apply_async(args=[result.deferred_ids, run_id], eta=result.retry_at)
    elif result.outage and self.request.retries < self.max_retries:
        raise GitHubUnavailable(result.outage)  # errors are recorded; autoretry tries the batch again later
    elif run_id:
        runs.refresh_run_batch_done(run_id=run_id)
    return dataclasses.asdict(result.summary)


# Time limits: this only reads ids and enqueues batches (10,000 projects is 100 messages).
@shared_task(name=REFRESH_ALL_TASK, soft_time_limit=60, time_limit=90, ignore_result=True)
def refresh_all() -> dict:
    """The scheduled refresh: every tracked project, in batches, under one run lock."""
    ids = refresh.refresh_project_ids()
    groups = list(refresh.batches(ids))
    run_id = uuid.uuid4().hex
    if not runs.refresh_run_start(run_id=run_id, batch_count=len(groups)):
        logger.info("A refresh run is still in progress (%s); this one is skipped.", runs.refresh_run_active())
        return {"skipped": True, "projects": 0, "batches": 0}
    for group in groups:
        refresh_batch.delay(group, run_id)
    return {"skipped": False, "projects": len(ids), "batches": len(groups), "run_id": run_id}


BACKFILL_PROJECT_TASK = "stats.backfill_project"


# Time limits: a ten-year-old repository is 18 pages of star history (30 weeks each), each a
# request of well under a second retried at most three times with a 30 s timeout; ten minutes
# means a hung connection. Routed to the backfill queue at low priority (settings), so a burst
# of new projects never delays the scheduled refresh.
@shared_task(
    name=BACKFILL_PROJECT_TASK,
    autoretry_for=(GitHubUnavailable, *DATABASE_LOST),
    retry_backoff=60,
    retry_backoff_max=30 * 60,
    retry_jitter=True,
    max_retries=5,
    soft_time_limit=10 * 60,
    time_limit=11 * 60,
    acks_late=True,
    ignore_result=True,
)
def backfill_project(project_id: int, force: bool = False) -> dict:
    """Fill one project's past daily star totals; a rate limit defers it until GitHub's reset."""
    project = Project.objects.filter(pk=project_id).first()
    if project is None:
        return {"status": "gone"}
    result = backfill.project_backfill(project=project, force=force)
    if result.retry_at is not None:
        backfill_project.apply_async(args=[project_id, force], eta=result.retry_at)
    return {"status": result.status, "days": result.days, "requests": result.requests}
