"""The fake's ``GET /repos/{owner}/{repo}/stargazers/history``, as GitHub documents it.

Per repository, stars given per UTC day (``stars_on``); an unstar lowers the day the star was
given (``unstar``), so the running sum always equals the repository's ``stargazers_count``.
Rows are calendar weeks, Sunday 00:00 UTC, from the creation week to this week, newest first;
``per_page`` is capped at 30; ``Link`` carries next/last/first/prev; a page past the last is
``[]``. Each request costs one core request. Under the Enterprise prefix (``/api/v3``) the
endpoint is not offered (404) while repositories still answer.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import defaultdict
from urllib.parse import parse_qs

PATH_RE = re.compile(r"/repos/([^/]+)/([^/]+)/stargazers/history")
MAX_PER_PAGE = 30
DOCS = "https://docs.github.com/rest/activity/starring"


class StarLedger:
    """Stars given per repository id and UTC day; ``today`` can be pinned for tests."""

    def __init__(self):
        self.days: dict[int, dict[dt.date, int]] = defaultdict(dict)
        self.blocked: set[int] = set()
        self.today: dt.date | None = None

    def current_day(self) -> dt.date:
        return self.today or dt.datetime.now(dt.UTC).date()


def _sunday(day: dt.date) -> dt.date:
    return day - dt.timedelta(days=(day.weekday() + 1) % 7)


def _epoch(day: dt.date) -> int:
    return int(dt.datetime.combine(day, dt.time(), tzinfo=dt.UTC).timestamp())


def weekly_rows(ledger: StarLedger, repo) -> list[dict]:
    """Every week from the creation week to this one, newest first."""
    created = dt.datetime.fromisoformat(repo.created_at.replace("Z", "+00:00")).date()
    counts = ledger.days.get(repo.id, {})
    rows = []
    week = _sunday(ledger.current_day())
    while week >= _sunday(created):
        days = [counts.get(week + dt.timedelta(days=i), 0) for i in range(7)]
        rows.append({"week": _epoch(week), "total": sum(days), "days": days})
        week -= dt.timedelta(days=7)
    return rows


def serve(handler, match, query: str, *, prefix: str = "", enterprise: bool = False) -> None:
    """Answer one star-history request on ``handler`` (the fake's request handler)."""
    fake = handler.github
    with fake._lock:
        if enterprise:
            # GitHub Enterprise Server without the endpoint: 404, as for any unknown route.
            handler._record(404)
            handler._send(404, {"message": "Not Found", "documentation_url": DOCS})
            return
        repo, _moved = fake._lookup(match.group(1), match.group(2))
        headers = fake._limit_headers("core")
        if not fake._spend("core"):
            from . import _rate_limit_body

            handler._record(403)
            handler._send(403, _rate_limit_body(), fake._limit_headers("core"))
            return
        headers = fake._limit_headers("core")
        if repo is None:
            handler._record(404)
            handler._send(404, {"message": "Not Found", "documentation_url": DOCS}, headers)
            return
        if repo.id in fake.star_ledger.blocked:
            handler._record(451)
            handler._send(451, {"message": "Repository access blocked", "block": {"reason": "dmca"}}, headers)
            return
        rows = weekly_rows(fake.star_ledger, repo)
    params = parse_qs(query)
    try:
        per_page = max(1, min(MAX_PER_PAGE, int(params.get("per_page", [MAX_PER_PAGE])[0])))
        page = max(1, int(params.get("page", ["1"])[0]))
    except ValueError:
        per_page, page = MAX_PER_PAGE, 1
    last = max(1, -(-len(rows) // per_page))
    base = f"{fake.url}{prefix}/repos/{repo.full_name}/stargazers/history?per_page={per_page}&page="
    links = []
    if page < last:
        links += [f'<{base}{page + 1}>; rel="next"', f'<{base}{last}>; rel="last"']
    if page > 1:
        links += [f'<{base}{page - 1}>; rel="prev"', f'<{base}1>; rel="first"']
    if links:
        headers["Link"] = ", ".join(links)
    handler._record(200)
    handler._send(200, rows[(page - 1) * per_page : page * per_page], headers)
