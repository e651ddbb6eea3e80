"""Celery tasks of the rankings: thin wrappers that call one service and return a small summary."""

import datetime as dt

from celery import shared_task

from . import services

BUILD_SNAPSHOT_TASK = "rankings.build_snapshot"


# Time limits: a build is one SQL statement plus one insert; ten minutes means it is stuck.
@shared_task(name=BUILD_SNAPSHOT_TASK, soft_time_limit=10 * 60, time_limit=11 * 60)
def build_snapshot(as_of: str | None = None, top_k: int | None = None) -> dict:
    """Build today's computed snapshot (published or draft per RANKING_AUTO_PUBLISH)."""
    snapshot = services.snapshot_build_scheduled(as_of=dt.date.fromisoformat(as_of) if as_of else None, top_k=top_k)
    if snapshot is None:
        return {"skipped": "another build is running"}
    return {"snapshot_id": snapshot.pk, "status": snapshot.status, "entries": snapshot.entries.count()}
