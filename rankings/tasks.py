"""Celery tasks of the rankings: thin wrappers that call one service and return a small summary."""

import datetime as dt

from celery import shared_task

from . import board_services
from .newcomers import Month

BUILD_SNAPSHOT_TASK = "rankings.build_snapshot"
BUILD_BOARDS_TASK = "rankings.build_boards"
BUILD_NEWCOMERS_TASK = "rankings.build_newcomers"


def _boards(as_of: str | None, top_k: int | None) -> dict:
    built = board_services.boards_build_scheduled(as_of=dt.date.fromisoformat(as_of) if as_of else None, top_k=top_k)
    if built is None:
        return {"skipped": "another build is running"}
    summary = {"categories": len(built.categories)}
    if built.overall is not None:
        overall = built.overall
        summary.update(snapshot_id=overall.pk, status=overall.status, entries=overall.entries.count())
    return summary


# Time limits: a build is one SQL statement plus a few inserts; ten minutes means it is stuck.
@shared_task(name=BUILD_BOARDS_TASK, soft_time_limit=10 * 60, time_limit=11 * 60)
def build_boards(as_of: str | None = None, top_k: int | None = None) -> dict:
    """Build today's overall snapshot and every field's top 10 from one figures pass."""
    return _boards(as_of, top_k)


# The name the daily schedule has used since before boards: it builds every board now, so
# schedules that editors already have keep working and gain the field boards.
@shared_task(name=BUILD_SNAPSHOT_TASK, soft_time_limit=10 * 60, time_limit=11 * 60)
def build_snapshot(as_of: str | None = None, top_k: int | None = None) -> dict:
    """Build today's computed snapshot (published or draft per RANKING_AUTO_PUBLISH) and the field boards."""
    return _boards(as_of, top_k)


# Same limits as the daily build: the same single pass, over one month's newcomers.
@shared_task(name=BUILD_NEWCOMERS_TASK, soft_time_limit=10 * 60, time_limit=11 * 60)
def build_newcomers(month: str | None = None) -> dict:
    """Build last month's (or ``month``'s) newcomers' edition as a draft for editors to curate and publish."""
    snapshot = board_services.newcomers_build_scheduled(month=Month.parse(month) if month else None)
    if snapshot is None:
        return {"skipped": "another build is running"}
    return {"snapshot_id": snapshot.pk, "status": snapshot.status, "entries": snapshot.entries.count()}
