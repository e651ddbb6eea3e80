"""Problems a part of MLTop ran into that an operator must fix (a rejected GitHub token).

Shared by every process through the cache, so that /healthz and admin show what a worker saw.
"""

import datetime as dt

from django.core.cache import cache

# The problems, by name.
GITHUB_TOKEN = "github_token"  # noqa: S105 - GitHub answered 401 to GITHUB_TOKEN (github.client records it)

KEY = "health:problem:{name}"


def report(name: str, message: str) -> None:
    cache.set(KEY.format(name=name), {"message": message, "since": dt.datetime.now(dt.UTC)}, timeout=None)


def clear(name: str) -> None:
    cache.delete(KEY.format(name=name))


def get(name: str) -> dict | None:
    return cache.get(KEY.format(name=name))
