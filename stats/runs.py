"""The refresh run lock: one scheduled run at a time, released when its last batch is done."""

from __future__ import annotations

from django.core.cache import cache

from mltop import locks

RUN_LOCK_KEY = "refresh:run-lock"
RUN_PENDING_KEY = "refresh:run-pending"
# Longer than any healthy run (10,000 repositories take minutes), shorter than the 6-hour
# schedule: a run whose worker died frees the lock before the next scheduled run.
RUN_LOCK_TIMEOUT = 5 * 60 * 60


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
