"""Celery queues: one per kind of work, so that each kind has workers of its own and scales on its own.

A refresh of 100,000 repositories, a burst of backfills after discovery, an hour of paced
searches and the daily builds never wait behind each other, and `docker compose up --scale
worker-refresh=3` adds workers to one kind alone. One worker may still listen to several
queues (the embedded default's Procfile does): the split costs nothing on one machine.

Queue names derive from the default queue, so that several installations (or test runs)
sharing one Redis keep apart: with the default queue "celery" they are plain "refresh",
"backfill"..., with any other default queue "<default>-refresh" and so on.
"""

KINDS = ("refresh", "backfill", "discovery", "builds")


def queue_names(default: str) -> dict[str, str]:
    """The queue of each kind of work (and "default", for anything not routed), named after ``default``."""
    prefix = "" if default == "celery" else f"{default}-"
    return {"default": default, **{kind: f"{prefix}{kind}" for kind in KINDS}}


def all_queues(default: str) -> str:
    """Every queue, as ``celery worker -Q`` takes them: for one worker that does all the work."""
    return ",".join(queue_names(default).values())
