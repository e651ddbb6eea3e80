"""A repository's star history: ``GET /repos/{owner}/{repo}/stargazers/history``.

GitHub's privacy-safe aggregate (changelog 2026-09-04; the stargazer list with ``starred_at``
is limited to admins and collaborators since July 2026). What we rely on:

- one row per calendar week, newest first, ``{"week": <unix time of the week's Sunday,
  00:00 UTC>, "total": N, "days": [7 daily counts, Sunday first]}``, back to the week the
  repository was created; weeks without stars are rows of zeros;
- counts are stars still held, bucketed by the day they were given (an unstar lowers the old
  day), so their running sum ends at ``stargazers_count``, give or take a few;
- paginated with ``Link`` headers; ``per_page`` is capped at 30 weeks, so a ten-year-old
  repository (522 weeks) takes 18 requests; each counts against the core rate limit.

The client's session, retries and shared rate budget are used as for every REST call.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from .client import MAX_REDIRECTS, GitHubClient
from .errors import GitHubError, GitHubUnavailable, RepoBlocked, RepoNotFound, StarHistoryNotOffered

PER_PAGE = 30  # the largest page GitHub serves (weeks)


@dataclass(frozen=True)
class StarWeek:
    """Stars given on each day of one week (Sunday first) that are still held."""

    starts_on: dt.date
    days: tuple[int, ...]


@dataclass(frozen=True)
class StarHistory:
    """Weeks oldest first; ``complete`` when they reach back to the repository's creation week."""

    weeks: tuple[StarWeek, ...]
    complete: bool
    requests: int

    def daily(self, *, until: dt.date) -> list[tuple[dt.date, int]]:
        """(day, stars given that day) from the oldest week's Sunday to ``until``, oldest first."""
        return [
            (week.starts_on + dt.timedelta(days=i), count)
            for week in self.weeks
            for i, count in enumerate(week.days)
            if week.starts_on + dt.timedelta(days=i) <= until
        ]


def _week(row) -> StarWeek:
    try:
        days = tuple(int(count) for count in row["days"])
        starts_on = dt.datetime.fromtimestamp(int(row["week"]), tz=dt.UTC).date()
    except (KeyError, TypeError, ValueError) as exc:
        raise GitHubUnavailable("GitHub sent an unexpected star-history row") from exc
    if len(days) != 7:
        raise GitHubUnavailable("GitHub sent a star-history week without seven days")
    return StarWeek(starts_on=starts_on, days=days)


def star_history_fetch(client: GitHubClient, owner: str, name: str, *, since: dt.date | None = None) -> StarHistory:
    """The repository's weekly star history, every page, or back to the week holding ``since``.

    Raises RepoNotFound (404 and the repository is gone), RepoBlocked (451),
    StarHistoryNotOffered (404/403 while the repository answers: an API without the
    endpoint, such as GitHub Enterprise Server), RateLimited or GitHubUnavailable.
    """
    before = client.requests_made
    label = f"{owner}/{name}"
    url = f"/repos/{owner}/{name}/stargazers/history"
    params: dict | None = {"per_page": PER_PAGE}
    weeks: list[StarWeek] = []
    redirects = 0
    complete = True
    while url:
        response = client.request("GET", url, params=params)
        if response.status_code in (301, 302, 307, 308) and redirects < MAX_REDIRECTS:
            location = response.headers.get("Location", "")
            if not location or ("://" in location and not location.startswith(f"{client.base_url}/")):
                raise RepoNotFound(f"{label} moved to {location or 'an unknown place'}")
            url, redirects = location, redirects + 1
            continue
        if response.status_code == 451:
            raise RepoBlocked(f"access to {label} is blocked on GitHub (451)")
        if response.status_code in (403, 404):
            # Rate-limit 403s were raised by the client already. Is the repository there?
            client.repo_get(owner, name)  # raises RepoNotFound when it is not
            raise StarHistoryNotOffered(
                f"{client.base_url} does not serve star history ({response.status_code}) for {label}"
            )
        if response.status_code != 200:
            raise GitHubError(f"GitHub answered {response.status_code} for the star history of {label}")
        rows = client._json(response)
        if not isinstance(rows, list):
            raise GitHubUnavailable(f"GitHub sent an unexpected star history for {label}")
        weeks.extend(_week(row) for row in rows)
        url = response.links.get("next", {}).get("url", "")
        params = None  # the next link carries them
        if url and since is not None and weeks and weeks[-1].starts_on <= since:
            complete = False  # reached the days we asked for; older weeks are not needed
            break
    weeks.sort(key=lambda week: week.starts_on)
    return StarHistory(weeks=tuple(weeks), complete=complete, requests=client.requests_made - before)
