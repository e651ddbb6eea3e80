"""Repository search (``GET /search/repositories``) within the rules GitHub documents for it.

What GitHub documents, and what this module does about it:

- **At most 1,000 results per search** (``total_count`` may say more). A search is made over
  a window of creation time (``created:A..B``, both ends inclusive); when the first page says
  more than 1,000 match, the window is cut into as many equal slices as the count suggests
  and each slice is searched again, recursively, until every slice fits. Two range
  qualifiers of one kind (``created:>=A created:<B``) are not an intersection on github.com,
  so a window is always one ``A..B`` range.
- **30 searches a minute with a token, 10 without**, in a ``search`` bucket apart from
  ``core`` (``x-ratelimit-resource: search``). Every answer's ``x-ratelimit-remaining`` and
  ``-reset`` go into the ``RateBudget`` that all workers share; before each search, when the
  bucket is empty, the search waits for the reset instead of running into a 403.
- **Secondary limits** (``retry-after``): waited out when the wait is short (``max_wait``),
  at most ``max_attempts`` times; otherwise ``RateLimited`` is raised for the caller.
- **Queries of at most 256 characters and five AND/OR/NOT operators** (422 "Validation
  Failed" otherwise): ``repository_query`` builds one qualifier set per query and refuses
  anything longer before it is sent.
- **per_page at most 100**, pages followed through the ``Link`` header. Search answers have
  no ETag to revalidate: every page is a fresh request.
"""

from __future__ import annotations

import datetime as dt
import logging
import math
import re
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from django.utils.dateparse import parse_datetime

from .client import GitHubClient
from .errors import GitHubError, GitHubUnavailable, RateLimited

logger = logging.getLogger(__name__)

SEARCH_PATH = "/search/repositories"
MAX_RESULTS = 1000  # GitHub serves at most this many results of one search
PER_PAGE = 100  # GitHub's maximum page size for search
MAX_QUERY_LENGTH = 256
MAX_OPERATORS = 5
SPLIT_TARGET = 800  # slices aim below the cap, so that a slice rarely needs cutting again
OPERATOR_RE = re.compile(r"(?<![\w\"])(AND|OR|NOT)(?![\w\"])")


class SearchRejected(GitHubError):
    """GitHub refused a search as invalid (422 "Validation Failed"): the query must change."""


@dataclass(frozen=True)
class FoundRepo:
    """A repository as repository search reports it (search results carry no watcher count)."""

    github_id: int
    owner: str
    name: str
    description: str
    topics: tuple[str, ...]
    stars: int
    forks: int
    open_issues: int
    archived: bool
    fork: bool
    is_template: bool
    mirror: bool
    license: str
    language: str
    created_at: dt.datetime | None
    pushed_at: dt.datetime | None

    @property
    def full_name(self) -> str:
        return f"{self.owner}/{self.name}"


@dataclass(frozen=True)
class Window:
    """Repositories created from ``start`` to ``end``, both inclusive, to the second (UTC)."""

    start: dt.datetime
    end: dt.datetime

    @classmethod
    def days(cls, since: dt.date, until: dt.date) -> Window:
        start = dt.datetime.combine(since, dt.time(), tzinfo=dt.UTC)
        end = dt.datetime.combine(until, dt.time(23, 59, 59), tzinfo=dt.UTC)
        return cls(start, end)

    @property
    def seconds(self) -> int:
        return int((self.end - self.start).total_seconds()) + 1

    def qualifier(self) -> str:
        """``created:A..B``: whole days as dates, anything finer as documented datetimes."""
        if self.start.time() == dt.time() and self.end.time() == dt.time(23, 59, 59):
            return f"created:{self.start:%Y-%m-%d}..{self.end:%Y-%m-%d}"
        return f"created:{self.start:%Y-%m-%dT%H:%M:%S}+00:00..{self.end:%Y-%m-%dT%H:%M:%S}+00:00"

    def split(self, parts: int) -> list[Window]:
        """At most ``parts`` adjacent slices of (nearly) equal length, covering this window exactly."""
        parts = max(2, min(parts, self.seconds))
        step = self.seconds / parts
        bounds = [self.start + dt.timedelta(seconds=math.floor(i * step)) for i in range(parts)] + [
            self.end + dt.timedelta(seconds=1)
        ]
        return [Window(bounds[i], bounds[i + 1] - dt.timedelta(seconds=1)) for i in range(parts)]


@dataclass(frozen=True)
class Hit:
    """One search result and the exact query (window included) that found it."""

    repo: FoundRepo
    query: str


def _quote(term: str) -> str:
    term = term.strip().replace('"', "")
    return f'"{term}"' if re.search(r"\s|:", term) else term


def repository_query(
    *,
    topic: str = "",
    keyword: str = "",
    language: str = "",
    min_stars: int = 0,
    include_forks: bool = False,
    include_archived: bool = False,
) -> str:
    """The qualifiers of one search, without its window: one topic or one keyword (phrase)."""
    if bool(topic) == bool(keyword):
        raise ValueError("a search has exactly one topic or one keyword")
    parts = [f"topic:{topic.strip().lower()}"] if topic else [_quote(keyword), "in:name,description"]
    if language:
        parts.append(f"language:{_quote(language)}")
    if min_stars:
        parts.append(f"stars:>={int(min_stars)}")
    if not include_forks:
        parts.append("fork:false")
    if not include_archived:
        parts.append("archived:false")
    return " ".join(parts)


def query_problem(query: str) -> str:
    """Why GitHub would refuse ``query`` (422), or ''."""
    if len(query) > MAX_QUERY_LENGTH:
        return f"longer than {MAX_QUERY_LENGTH} characters ({len(query)})"
    if len(OPERATOR_RE.findall(query)) > MAX_OPERATORS:
        return f"more than {MAX_OPERATORS} AND/OR/NOT operators"
    return ""


def _found_repo(data: dict) -> FoundRepo:
    owner, _, name = data["full_name"].partition("/")
    license_info = data.get("license") or {}
    return FoundRepo(
        github_id=int(data["id"]),
        owner=owner,
        name=name,
        description=(data.get("description") or "")[:2000],
        topics=tuple(str(t) for t in data.get("topics") or ()),
        stars=int(data["stargazers_count"]),
        forks=int(data.get("forks_count") or 0),
        open_issues=int(data.get("open_issues_count") or 0),
        archived=bool(data.get("archived", False)),
        fork=bool(data.get("fork", False)),
        is_template=bool(data.get("is_template", False)),
        mirror=bool(data.get("mirror_url")),
        license=(license_info.get("spdx_id") if license_info.get("spdx_id") not in (None, "NOASSERTION") else "")
        or license_info.get("name")
        or "",
        language=data.get("language") or "",
        created_at=parse_datetime(data["created_at"]) if data.get("created_at") else None,
        pushed_at=parse_datetime(data["pushed_at"]) if data.get("pushed_at") else None,
    )


class RepoSearch:
    """Searches through one ``GitHubClient`` (its session, headers, retries and shared budget).

    ``sleep`` is how it waits for the search bucket to reset (tests pass one that moves a
    frozen clock); ``max_wait`` is the longest single wait it accepts before raising
    ``RateLimited``; ``searches`` counts the search requests sent to GitHub.
    """

    def __init__(
        self,
        client: GitHubClient | None = None,
        *,
        sleep: Callable[[float], None] = time.sleep,
        max_wait: float = 120.0,
        max_attempts: int = 4,
        on_search: Callable[[str], None] | None = None,
    ):
        self.client = client or GitHubClient()
        self.sleep = sleep
        self.max_wait = max_wait
        self.max_attempts = max_attempts
        self.on_search = on_search
        self.searches = 0
        self.incomplete = 0  # answers with incomplete_results (GitHub's time limit)
        self.truncated = 0  # one-second slices that still held more than 1,000 results

    # -- requests ----------------------------------------------------------------------

    def _pace(self) -> None:
        """Wait for the reset when the shared search bucket is empty, rather than be refused."""
        left, reset = self.client.budget.status("search")
        now = time.time()
        if left is None or reset is None or left > 0 or reset <= now:
            return
        wait = reset - now + 1  # GitHub's reset is a whole second; one more avoids arriving early
        if wait > self.max_wait:
            raise RateLimited(
                f"search rate limit used up until {dt.datetime.fromtimestamp(reset, tz=dt.UTC):%H:%M:%S} UTC",
                reset_at=dt.datetime.fromtimestamp(reset, tz=dt.UTC),
            )
        logger.info("Search bucket empty; waiting %.0f s for GitHub's reset", wait)
        self.sleep(wait)

    def _get(self, url: str, params: dict | None) -> dict:
        for attempt in range(self.max_attempts):
            self._pace()
            before = self.client.requests_made
            try:
                response = self.client.request("GET", url, resource="search", params=params)
            except RateLimited as exc:
                wait = (exc.reset_at - dt.datetime.now(dt.UTC)).total_seconds() + 1
                if wait > self.max_wait or attempt == self.max_attempts - 1:
                    raise
                logger.warning("Search rate-limited (%s); waiting %.0f s", exc, wait)
                self.sleep(max(1.0, wait))
                continue
            finally:
                self.searches += self.client.requests_made - before
            if self.on_search is not None:
                self.on_search((params or {}).get("q", url))
            body = self.client._json(response)
            if response.status_code == 422:
                messages = "; ".join(e.get("message", "") for e in body.get("errors") or [] if isinstance(e, dict))
                raise SearchRejected(f"GitHub refused the search: {body.get('message', '')} {messages}".strip())
            if response.status_code != 200:
                raise GitHubError(f"GitHub answered {response.status_code} to a search: {body.get('message', '')}")
            if not isinstance(body, dict) or not isinstance(body.get("items"), list):
                raise GitHubUnavailable("GitHub sent an unexpected search answer")
            if body.get("incomplete_results"):
                self.incomplete += 1
            body["_next"] = response.links.get("next", {}).get("url", "")
            return body
        raise RateLimited("search rate limit", reset_at=dt.datetime.now(dt.UTC))  # pragma: no cover - loop returns

    # -- searching ---------------------------------------------------------------------

    def search(self, query: str, *, window: Window) -> Iterator[Hit]:
        """Every repository matching ``query`` created in ``window``, slicing the window under the cap."""
        problem = query_problem(f"{query} {window.qualifier()}")
        if problem:
            raise SearchRejected(f"query {query!r} is {problem}")
        pending = [window]
        while pending:
            slice_ = pending.pop(0)
            q = f"{query} {slice_.qualifier()}"
            body = self._get(SEARCH_PATH, {"q": q, "sort": "stars", "order": "desc", "per_page": PER_PAGE})
            total = int(body.get("total_count") or 0)
            if total > MAX_RESULTS:
                if slice_.seconds > 1:
                    pending[:0] = slice_.split(math.ceil(total / SPLIT_TARGET))
                    continue
                self.truncated += 1
                logger.warning("%s: %d results in one second; only the first 1,000 are served", q, total)
            seen = 0
            while True:
                for item in body["items"]:
                    try:
                        repo = _found_repo(item)
                    except (KeyError, TypeError, ValueError):
                        logger.warning("Skipping a malformed search result for %s", q)
                        continue
                    seen += 1
                    yield Hit(repo=repo, query=q)
                next_url = body["_next"]
                if not next_url or seen >= MAX_RESULTS:
                    break
                if "://" in next_url and not next_url.startswith(f"{self.client.base_url}/"):
                    raise GitHubError(f"GitHub's next page points to another host: {next_url}")
                body = self._get(next_url, None)
