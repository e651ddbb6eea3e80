"""Celery tasks of the rankings app: thin wrappers that call one service."""

import datetime as dt

from celery import shared_task
from django.core.cache import cache

from . import services

BUILD_SNAPSHOT_TASK = "rankings.build_snapshot"
BUILD_SNAPSHOT_LOCK = "rankings:build-snapshot-lock"
# Longer than any build takes (the 10,000-project benchmark builds in well under a minute),
# short enough that a crashed worker does not block the next day's build.
BUILD_SNAPSHOT_LOCK_SECONDS = 30 * 60

# The default beat entry for the daily build, created once and editable in admin
# (appended to the default schedules of rankings/schedules.py).
BUILD_SNAPSHOT_SCHEDULE = {
    "name": "Build the computed ranking snapshot (daily)",
    "task": BUILD_SNAPSHOT_TASK,
    "crontab": {"minute": "30", "hour": "3", "day_of_week": "*", "day_of_month": "*", "month_of_year": "*"},
}


# Time limits: a build is one SQL statement plus one insert; ten minutes means it is stuck.
@shared_task(name=BUILD_SNAPSHOT_TASK, soft_time_limit=10 * 60, time_limit=11 * 60)
def build_snapshot(as_of: str | None = None, top_k: int | None = None) -> dict:
    """Build today's computed snapshot (published or draft per RANKING_AUTO_PUBLISH)."""
    return build_snapshot_body(as_of=as_of, top_k=top_k)


def build_snapshot_body(*, as_of: str | None = None, top_k: int | None = None) -> dict:
    if not cache.add(BUILD_SNAPSHOT_LOCK, 1, timeout=BUILD_SNAPSHOT_LOCK_SECONDS):
        return {"skipped": "another build is running"}
    try:
        snapshot = services.snapshot_build(as_of=dt.date.fromisoformat(as_of) if as_of else None, top_k=top_k)
    finally:
        cache.delete(BUILD_SNAPSHOT_LOCK)
    return {"snapshot_id": snapshot.pk, "status": snapshot.status, "entries": snapshot.entries.count()}
