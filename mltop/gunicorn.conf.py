"""Gunicorn settings for production (`gunicorn -c mltop/gunicorn.conf.py mltop.wsgi:application`).

Command-line flags win over these, so the benchmark can pin `--workers 2 --bind ...`.
"""

import os

bind = os.environ.get("GUNICORN_BIND", "0.0.0.0:8000")
# Threads let a worker overlap database and cache round trips; processes use the cores.
workers = int(os.environ.get("WEB_CONCURRENCY", "2"))
worker_class = "gthread"
threads = int(os.environ.get("GUNICORN_THREADS", "4"))
# A request that takes longer than this is stuck: the worker is replaced rather than left hanging.
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "30"))
graceful_timeout = 20
keepalive = 5
# Recycle workers now and then so a slow leak in any library cannot grow without bound.
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", "5000"))
max_requests_jitter = 500
# Heartbeat files in memory (gunicorn's advice for containers): an overlay filesystem can stall them.
SHM = "/dev/shm"  # noqa: S108 - only the workers' heartbeat files, no data
worker_tmp_dir = SHM if os.path.isdir(SHM) else None
# TLS ends at the proxy in front of us; trust its X-Forwarded-* headers only from these addresses.
forwarded_allow_ips = os.environ.get("GUNICORN_FORWARDED_ALLOW_IPS", "127.0.0.1")
accesslog = os.environ.get("GUNICORN_ACCESS_LOG", "-") or None
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "info")


def post_worker_init(worker):
    """Freeze what the worker has loaded (gc.freeze) so that Python's full collections skip it.

    A full collection pauses every thread of the process; with Django, the apps and every view
    in the permanent generation they stay short (docs/benchmarks.md, "Full collections").
    """
    import gc

    from django.urls import get_resolver

    get_resolver().url_patterns  # noqa: B018 - imports every view module now, not at the first request
    gc.collect()
    gc.freeze()
