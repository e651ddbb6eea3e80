"""The GitHub client: the only code in MLTop that talks to GitHub.

One ``requests.Session`` per client, base URL from ``settings.GITHUB_API_URL``, the token
from ``settings.GITHUB_TOKEN`` (sent as ``Authorization: Bearer``; never logged), explicit
connect and read timeouts. Two ways to read repositories:

- REST ``GET /repos/{owner}/{name}``, conditional on the stored ETag (a 304 costs no rate
  limit and means "unchanged"); a 301 is a rename, followed to the canonical repository.
- GraphQL ``POST /graphql`` with up to 100 aliased ``repository(...)`` fields per request,
  used when a token is set; a ``NOT_FOUND`` error for one alias fails only that repository.

Connection errors, timeouts and 5xx are retried with exponential backoff and full jitter;
other 4xx are not. Rate limits (primary: ``x-ratelimit-remaining: 0``; secondary:
``retry-after`` or a 403/429 saying so) raise ``RateLimited`` with the time to resume, and
are recorded in a budget shared by every worker so the others stop too.
"""

from __future__ import annotations

import datetime as dt
import logging
import random
import time
from collections.abc import Sequence
from dataclasses import dataclass

import requests
from django.conf import settings
from django.utils.dateparse import parse_datetime

from mltop import problems

from .errors import GitHubError, GitHubUnavailable, RateLimited, RepoMoved, RepoNotFound, TokenRejected
from .ratelimit import RateBudget

logger = logging.getLogger(__name__)

API_VERSION = "2022-11-28"
USER_AGENT = "MLTop/1.0 (+https://github.com/mltop/mltop; open-source ML rankings)"
GRAPHQL_BATCH_SIZE = 100  # GitHub's node limit per connection; a 100-alias query costs 1 point
SECONDARY_LIMIT_WAIT = 60  # GitHub: "wait at least one minute" when no retry-after is given
MAX_REDIRECTS = 3


@dataclass(frozen=True)
class RepoStats:
    """A repository's figures and facts, as GitHub reported them."""

    github_id: int
    owner: str
    name: str
    stars: int
    forks: int
    watchers: int
    open_issues: int
    archived: bool
    license: str
    language: str
    created_at: dt.datetime | None
    pushed_at: dt.datetime | None
    etag: str = ""
    fork: bool = False

    @property
    def full_name(self) -> str:
        return f"{self.owner}/{self.name}"


@dataclass(frozen=True)
class NotModified:
    """A conditional REST request answered 304: the stored figures are still current."""

    etag: str


@dataclass(frozen=True)
class RateLimitStatus:
    resource: str
    limit: int
    remaining: int
    reset_at: dt.datetime


def _utc_from_epoch(value) -> dt.datetime:
    return dt.datetime.fromtimestamp(int(float(value)), tz=dt.UTC)


def _split_full_name(full_name: str) -> tuple[str, str]:
    owner, _, name = full_name.partition("/")
    return owner, name


def _repo_from_rest(data: dict, etag: str) -> RepoStats:
    owner, name = _split_full_name(data["full_name"])
    license_info = data.get("license") or {}
    return RepoStats(
        github_id=int(data["id"]),
        owner=owner,
        name=name,
        stars=int(data["stargazers_count"]),
        forks=int(data["forks_count"]),
        # REST's "watchers_count" mirrors stars for historical reasons; "subscribers_count" is watchers.
        watchers=int(data.get("subscribers_count", data.get("watchers_count", 0))),
        open_issues=int(data["open_issues_count"]),
        archived=bool(data.get("archived", False)),
        license=license_info.get("spdx_id") or license_info.get("name") or "",
        language=data.get("language") or "",
        created_at=parse_datetime(data["created_at"]) if data.get("created_at") else None,
        pushed_at=parse_datetime(data["pushed_at"]) if data.get("pushed_at") else None,
        etag=etag,
        fork=bool(data.get("fork", False)),
    )


REPO_FIELDS = """
fragment repo on Repository {
  databaseId nameWithOwner stargazerCount forkCount isArchived isFork createdAt pushedAt
  watchers { totalCount }
  issues(states: OPEN) { totalCount }
  pullRequests(states: OPEN) { totalCount }
  licenseInfo { spdxId name }
  primaryLanguage { name }
}
"""


def _repo_from_graphql(data: dict) -> RepoStats:
    owner, name = _split_full_name(data["nameWithOwner"])
    license_info = data.get("licenseInfo") or {}
    return RepoStats(
        github_id=int(data["databaseId"]),
        owner=owner,
        name=name,
        stars=int(data["stargazerCount"]),
        forks=int(data["forkCount"]),
        watchers=int(data["watchers"]["totalCount"]),
        # REST's open_issues_count counts open pull requests too; add them so both paths agree.
        open_issues=int(data["issues"]["totalCount"]) + int(data["pullRequests"]["totalCount"]),
        archived=bool(data["isArchived"]),
        license=(license_info.get("spdxId") if license_info.get("spdxId") not in (None, "NOASSERTION") else None)
        or license_info.get("name")
        or "",
        language=(data.get("primaryLanguage") or {}).get("name") or "",
        created_at=parse_datetime(data["createdAt"]) if data.get("createdAt") else None,
        pushed_at=parse_datetime(data["pushedAt"]) if data.get("pushedAt") else None,
        fork=bool(data.get("isFork", False)),
    )


def graphql_batch_query(count: int) -> str:
    """A query reading ``count`` repositories, aliased r0..rN, owner/name passed as variables."""
    params = ", ".join(f"$o{i}: String!, $n{i}: String!" for i in range(count))
    fields = "\n".join(f"  r{i}: repository(owner: $o{i}, name: $n{i}) {{ ...repo }}" for i in range(count))
    return f"query({params}) {{\n  rateLimit {{ cost remaining resetAt }}\n{fields}\n}}\n{REPO_FIELDS}"


class GitHubClient:
    """REST and GraphQL reads of repositories, with retries and shared rate-limit accounting."""

    def __init__(
        self,
        *,
        base_url: str | None = None,
        token: str | None = None,
        timeout: tuple[float, float] = (5.0, 30.0),
        max_retries: int = 3,
        backoff: float | None = None,
        budget: RateBudget | None = None,
        session: requests.Session | None = None,
    ):
        self.base_url = (base_url if base_url is not None else settings.GITHUB_API_URL).rstrip("/")
        self.token = token if token is not None else settings.GITHUB_TOKEN
        self.timeout = timeout
        self.max_retries = max_retries
        self.backoff = backoff if backoff is not None else settings.GITHUB_RETRY_BACKOFF
        self.budget = budget or RateBudget.for_api(self.base_url, self.token)
        self.session = session or requests.Session()
        self.session.headers.update(
            {
                "User-Agent": USER_AGENT,
                "Accept": "application/vnd.github+json",
                "X-GitHub-Api-Version": API_VERSION,
            }
        )
        if self.token:
            self.session.headers["Authorization"] = f"Bearer {self.token}"
        self.requests_made = 0
        self._token_accepted = False

    @property
    def uses_graphql(self) -> bool:
        """GraphQL needs a token; without one every repository costs a REST request."""
        return bool(self.token)

    # -- transport -----------------------------------------------------------------------

    def _url(self, path_or_url: str) -> str:
        return path_or_url if "://" in path_or_url else f"{self.base_url}{path_or_url}"

    def _sleep_before_retry(self, attempt: int) -> None:
        # Exponential backoff with full jitter, so many workers retrying do not stampede.
        time.sleep(random.uniform(0, self.backoff * 2**attempt))

    def _rate_limited(self, response: requests.Response, resource: str) -> RateLimited | None:
        """The RateLimited this 403/429 means, or None when it is an ordinary refusal."""
        if response.status_code not in (403, 429):
            return None
        now = dt.datetime.now(dt.UTC)
        retry_after = response.headers.get("retry-after")
        if retry_after is not None:
            try:
                seconds = max(0, int(float(retry_after)))
            except ValueError:
                seconds = SECONDARY_LIMIT_WAIT
            reset_at = now + dt.timedelta(seconds=seconds)
            return RateLimited(f"secondary rate limit; retry after {seconds} s", reset_at=reset_at)
        if response.headers.get("x-ratelimit-remaining") == "0" and response.headers.get("x-ratelimit-reset"):
            reset_at = _utc_from_epoch(response.headers["x-ratelimit-reset"])
            return RateLimited(f"{resource} rate limit exhausted until {reset_at:%H:%M:%S} UTC", reset_at=reset_at)
        message = ""
        try:
            message = str(response.json().get("message", ""))
        except ValueError:
            pass
        if response.status_code == 429 or "rate limit" in message.lower():
            return RateLimited("secondary rate limit", reset_at=now + dt.timedelta(seconds=SECONDARY_LIMIT_WAIT))
        return None

    def _observe(self, response: requests.Response, resource: str) -> None:
        headers = response.headers
        if "x-ratelimit-remaining" in headers and "x-ratelimit-reset" in headers:
            try:
                remaining = int(headers["x-ratelimit-remaining"])
                reset = int(float(headers["x-ratelimit-reset"]))
            except ValueError:
                return
            self.budget.observe(headers.get("x-ratelimit-resource", resource), remaining=remaining, reset=reset)

    def request(
        self, method: str, path_or_url: str, *, resource: str = "core", headers=None, json=None, params=None
    ) -> requests.Response:
        """One call with retries on transient failures; raises RateLimited or GitHubUnavailable."""
        url = self._url(path_or_url)
        last_problem = ""
        for attempt in range(self.max_retries + 1):
            if attempt:
                self._sleep_before_retry(attempt - 1)
            self.budget.acquire(resource)
            self.requests_made += 1
            try:
                response = self.session.request(
                    method,
                    url,
                    headers=headers,
                    json=json,
                    params=params,
                    timeout=self.timeout,
                    allow_redirects=False,
                )
            except (requests.ConnectionError, requests.Timeout) as exc:
                last_problem = f"{type(exc).__name__} talking to GitHub"
                logger.warning("GitHub %s %s: %s (attempt %d)", method, url, last_problem, attempt + 1)
                continue
            self._observe(response, resource)
            if response.status_code >= 500:
                last_problem = f"GitHub answered {response.status_code}"
                logger.warning("GitHub %s %s: %s (attempt %d)", method, url, last_problem, attempt + 1)
                continue
            if response.status_code == 401:
                raise self._token_rejected(response)
            if self.token and not self._token_accepted:
                # Once per client: clears a rejection recorded earlier, after the token was fixed.
                self._token_accepted = True
                problems.clear(problems.GITHUB_TOKEN)
            limited = self._rate_limited(response, resource)
            if limited is not None:
                self.budget.block(resource, reset_at=limited.reset_at)
                logger.warning("GitHub %s %s: %s", method, url, limited)
                raise limited
            return response
        raise GitHubUnavailable(f"{last_problem} (after {self.max_retries + 1} attempts)")

    def _token_rejected(self, response: requests.Response) -> TokenRejected:
        message = ""
        try:
            message = str(response.json().get("message", ""))
        except (ValueError, AttributeError):
            pass
        what = "GITHUB_TOKEN" if self.token else "the request without GITHUB_TOKEN"
        error = TokenRejected(f"GitHub rejected {what} (401 {message or 'Unauthorized'})")
        logger.error("%s", error)
        problems.report(problems.GITHUB_TOKEN, str(error))
        return error

    @staticmethod
    def _json(response: requests.Response):
        try:
            return response.json()
        except ValueError as exc:
            raise GitHubUnavailable(f"GitHub sent malformed JSON (status {response.status_code})") from exc

    # -- REST ------------------------------------------------------------------------------

    def repo_get(
        self, owner: str, name: str, *, etag: str = "", follow_renames: bool = True
    ) -> RepoStats | NotModified:
        """One repository by owner/name; NotModified when ``etag`` still matches."""
        return self._repo(f"/repos/{owner}/{name}", f"{owner}/{name}", etag=etag, follow_renames=follow_renames)

    def repo_get_by_id(self, github_id: int) -> RepoStats:
        """One repository by GitHub's numeric id, which survives renames and transfers."""
        return self._repo(f"/repositories/{github_id}", f"repository {github_id}")

    def _repo(self, url: str, label: str, *, etag: str = "", follow_renames: bool = True) -> RepoStats | NotModified:
        for _ in range(MAX_REDIRECTS + 1):
            response = self.request("GET", url, headers={"If-None-Match": etag} if etag else None)
            if response.status_code == 304:
                return NotModified(etag=response.headers.get("ETag", etag))
            if response.status_code in (301, 302, 307, 308):
                location = response.headers.get("Location") or self._json(response).get("url", "")
                if not follow_renames or not location:
                    raise RepoMoved(f"{label} moved", location=location)
                if "://" in location and not location.startswith(f"{self.base_url}/"):
                    # Never send the token to another host.
                    raise RepoMoved(f"{label} moved outside {self.base_url}", location=location)
                # The canonical repository answers at /repositories/{id}; its ETag differs, so ask plainly.
                url, etag = location, ""
                continue
            if response.status_code == 404:
                raise RepoNotFound(f"{label} was not found on GitHub (404)")
            if response.status_code != 200:
                message = ""
                if response.headers.get("content-type", "").startswith("application/json"):
                    message = str(self._json(response).get("message", ""))
                raise GitHubError(f"GitHub answered {response.status_code} for {label}: {message}".strip())
            data = self._json(response)
            try:
                return _repo_from_rest(data, response.headers.get("ETag", ""))
            except (KeyError, TypeError, ValueError) as exc:
                raise GitHubUnavailable(f"GitHub sent an unexpected repository object for {label}") from exc
        raise RepoMoved(f"{label} redirected more than {MAX_REDIRECTS} times", location=url)

    def rate_limit(self) -> dict[str, RateLimitStatus]:
        """GitHub's own account of every rate-limit resource (this call itself is free)."""
        data = self._json(self.request("GET", "/rate_limit"))
        return {
            name: RateLimitStatus(
                resource=name, limit=v["limit"], remaining=v["remaining"], reset_at=_utc_from_epoch(v["reset"])
            )
            for name, v in data.get("resources", {}).items()
        }

    # -- GraphQL ---------------------------------------------------------------------------

    def repos_get_many(self, refs: Sequence[tuple[str, str]]) -> list[RepoStats | GitHubError]:
        """Up to 100 repositories in one GraphQL request; one result per ref, in order.

        A repository GitHub cannot resolve comes back as a RepoNotFound (or GitHubError) in
        its place; the others are unaffected.
        """
        if not self.token:
            raise GitHubError("GitHub's GraphQL API needs a token (set GITHUB_TOKEN).")
        if len(refs) > GRAPHQL_BATCH_SIZE:
            raise ValueError(f"at most {GRAPHQL_BATCH_SIZE} repositories per GraphQL request")
        if not refs:
            return []
        variables = {}
        for i, (owner, name) in enumerate(refs):
            variables[f"o{i}"], variables[f"n{i}"] = owner, name
        payload = {"query": graphql_batch_query(len(refs)), "variables": variables}
        response = self.request("POST", "/graphql", resource="graphql", json=payload)
        if response.status_code != 200:
            message = ""
            try:
                message = str(self._json(response).get("message", ""))
            except GitHubUnavailable:
                pass
            raise GitHubError(f"GitHub GraphQL answered {response.status_code}: {message}".strip())
        body = self._json(response)
        errors_by_alias: dict[str, dict] = {}
        for error in body.get("errors") or []:
            if error.get("type") == "RATE_LIMITED":
                reset_at = _utc_from_epoch(response.headers.get("x-ratelimit-reset", time.time() + 60))
                self.budget.block("graphql", reset_at=reset_at)
                raise RateLimited(error.get("message", "GraphQL rate limit"), reset_at=reset_at)
            path = error.get("path") or []
            if path:
                errors_by_alias[str(path[0])] = error
        data = body.get("data")
        if not isinstance(data, dict):
            messages = "; ".join(e.get("message", "") for e in body.get("errors") or [])
            raise GitHubUnavailable(f"GitHub GraphQL returned no data: {messages or 'empty reply'}")
        results: list[RepoStats | GitHubError] = []
        for i, (owner, name) in enumerate(refs):
            alias = f"r{i}"
            node = data.get(alias)
            if node is not None:
                try:
                    results.append(_repo_from_graphql(node))
                except (KeyError, TypeError, ValueError):
                    results.append(GitHubError(f"GitHub sent an unexpected repository object for {owner}/{name}"))
                continue
            error = errors_by_alias.get(alias, {})
            if error.get("type") == "NOT_FOUND" or not error:
                results.append(RepoNotFound(error.get("message") or f"{owner}/{name} was not found on GitHub"))
            else:
                results.append(GitHubError(f"{owner}/{name}: {error.get('type', '')} {error.get('message', '')}"))
        return results
