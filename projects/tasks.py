"""Celery tasks of the catalogue: thin wrappers that call one service and return a small summary."""

import datetime as dt
import logging

from celery import shared_task
from django.utils import timezone

from github.errors import GitHubUnavailable, RateLimited
from github.search import Window
from mltop.locks import held

from . import discovery

logger = logging.getLogger(__name__)

DISCOVER_TASK = "projects.discover"
DISCOVER_LOCK = "projects:discover:lock"
DISCOVER_LOCK_SECONDS = 2 * 60 * 60


# Time limits: a month of the default rules is a few hundred searches at 30 a minute (10
# without a token), so up to about an hour of pacing; two hours means something is stuck.
# Its own queue ("discovery", CELERY_TASK_ROUTES) so it never delays the refresh.
@shared_task(
    name=DISCOVER_TASK,
    autoretry_for=(GitHubUnavailable, RateLimited),
    retry_backoff=10 * 60,
    retry_backoff_max=60 * 60,
    retry_jitter=True,
    max_retries=3,
    soft_time_limit=2 * 60 * 60,
    time_limit=2 * 60 * 60 + 5 * 60,
    ignore_result=True,
)
def discover(days: int = discovery.DEFAULT_WINDOW_DAYS) -> dict:
    """The scheduled discovery over the last ``days`` days, one run at a time."""
    with held(DISCOVER_LOCK, timeout=DISCOVER_LOCK_SECONDS) as acquired:
        if not acquired:
            logger.info("A discovery run is still in progress; this one is skipped.")
            return {"skipped": True}
        today = timezone.now().date()
        summary = discovery.discovery_run(window=Window.days(today - dt.timedelta(days=days), today))
    logger.info("Discovery: %s", summary.line())
    return {"skipped": False, "found": summary.found, "new": summary.new, "searches": summary.searches}
