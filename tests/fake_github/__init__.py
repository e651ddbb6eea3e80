"""A fake GitHub API on 127.0.0.1, speaking real HTTP, shaped as GitHub documents it.

Serves, from a thread (``FakeGitHub().start()``) or its own process (``python -m
tests.fake_github --repos N --port P``):

- ``GET /repos/{owner}/{name}``: the REST repository object, with ``ETag``; ``If-None-Match``
  answers 304 (which, as on GitHub, does not count against the rate limit); an old name of a
  renamed repository answers 301 with ``Location: /repositories/{id}``; unknown ones 404.
- ``GET /repositories/{id}``, ``GET /rate_limit``.
- ``POST /graphql``: aliased ``rN: repository(owner: $oN, name: $nN)`` fields resolved in one
  reply (old names resolve to the renamed repository); unknown ones come back as ``null`` plus
  an error ``{"type": "NOT_FOUND", "path": ["rN"]}``. Needs a token (401 without one).
- Rate limits per resource (``core``, ``graphql``) with ``x-ratelimit-*`` headers: an exhausted
  REST limit answers 403 with ``x-ratelimit-remaining: 0`` and GitHub's message; an exhausted
  GraphQL limit answers 200 with a ``RATE_LIMITED`` error; secondary limits answer 403 or 429
  with ``retry-after``.
- ``GET /search/repositories``: GitHub's repository search with its documented limits (see
  ``search.py``), counted in its own per-minute ``search`` bucket.
- Injected failures for the next requests: 5xx, slow answers, malformed JSON.
- ``GET /repos/{owner}/{name}/stargazers/history`` from ``star_ledger`` (see star_history.py);
  the same API under ``/api/v3`` plays a GitHub Enterprise Server that does not offer it.

Every request is recorded in ``requests`` (method, path, status, conditional, aliases).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
import socket
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from . import star_history
from .search import FakeSearch
from .star_history import StarLedger

ALIAS_RE = re.compile(r"(\w+)\s*:\s*repository\(\s*owner:\s*\$(\w+)\s*,\s*name:\s*\$(\w+)\s*\)")
DOCS = "https://docs.github.com/rest"
ENTERPRISE_PREFIX = "/api/v3"  # GitHub Enterprise Server's REST base path


@dataclass
class FakeRepo:
    id: int
    owner: str
    name: str
    stars: int = 0
    forks: int = 0
    watchers: int = 0
    open_issues: int = 0  # REST's count: issues and pull requests
    open_pull_requests: int = 0
    archived: bool = False
    license: str = "MIT"
    language: str = "Python"
    created_at: str = "2017-06-01T12:00:00Z"
    pushed_at: str = "2018-01-15T08:30:00Z"
    # What repository search matches and reports (tests/fake_github/search.py).
    description: str = ""
    topics: list[str] = field(default_factory=list)
    fork: bool = False
    is_template: bool = False
    mirror_url: str | None = None

    @property
    def full_name(self) -> str:
        return f"{self.owner}/{self.name}"

    def rest(self, base_url: str) -> dict:
        return {
            "id": self.id,
            "node_id": f"R_{self.id}",
            "name": self.name,
            "full_name": self.full_name,
            "private": False,
            "owner": {"login": self.owner, "id": 1000 + self.id, "type": "Organization"},
            "html_url": f"https://github.com/{self.full_name}",
            "url": f"{base_url}/repos/{self.full_name}",
            "created_at": self.created_at,
            "updated_at": self.pushed_at,
            "pushed_at": self.pushed_at,
            "stargazers_count": self.stars,
            "watchers_count": self.stars,
            "subscribers_count": self.watchers,
            "forks_count": self.forks,
            "open_issues_count": self.open_issues,
            "language": self.language or None,
            "archived": self.archived,
            "disabled": False,
            "license": {"key": self.license.lower(), "name": self.license, "spdx_id": self.license}
            if self.license
            else None,
            "default_branch": "main",
            "description": self.description or None,
            "topics": list(self.topics),
            "fork": self.fork,
            "is_template": self.is_template,
            "mirror_url": self.mirror_url,
        }

    def graphql(self) -> dict:
        return {
            "databaseId": self.id,
            "nameWithOwner": self.full_name,
            "stargazerCount": self.stars,
            "forkCount": self.forks,
            "isArchived": self.archived,
            "isFork": self.fork,
            "createdAt": self.created_at,
            "pushedAt": self.pushed_at,
            "watchers": {"totalCount": self.watchers},
            "issues": {"totalCount": self.open_issues - self.open_pull_requests},
            "pullRequests": {"totalCount": self.open_pull_requests},
            "licenseInfo": {"spdxId": self.license, "name": self.license} if self.license else None,
            "primaryLanguage": {"name": self.language} if self.language else None,
        }

    def etag(self, base_url: str) -> str:
        body = json.dumps(self.rest(base_url), sort_keys=True).encode()
        return f'W/"{hashlib.sha1(body, usedforsecurity=False).hexdigest()}"'


@dataclass
class RecordedRequest:
    method: str
    path: str
    status: int
    conditional: bool = False
    aliases: int = 0
    authorized: bool = False
    headers: dict = field(default_factory=dict)
    at: float = field(default_factory=time.time)


@dataclass
class _Limit:
    limit: int
    remaining: int
    reset: int
    used: int = 0
    reset_in_after_last: int | None = None  # see rate_limit_after(from_last=True)
    reset_after_last: int = 0  # the reset it set when the last allowed request came


@dataclass
class _Injection:
    kind: str  # "status", "slow", "malformed", "secondary"
    status: int = 502
    delay: float = 0.0
    retry_after: int = 60
    paths: tuple[str, ...] = ()
    release: threading.Event | None = None  # "slow": answer once this is set (or after ``delay``)


@dataclass
class FakeGitHub:
    """The fake's state; program it per test, then point GITHUB_API_URL at ``url``."""

    token: str | None = None  # when set, other tokens get 401 Bad credentials
    core_limit: int = 5000
    graphql_limit: int = 5000
    window: int = 3600
    repos: dict[int, FakeRepo] = field(default_factory=dict)
    requests: list[RecordedRequest] = field(default_factory=list)

    def __post_init__(self):
        self._lock = threading.RLock()
        self._names: dict[str, int] = {}
        self._old_names: dict[str, int] = {}
        self._next_id = 1_000_001
        self._injections: list[_Injection] = []
        now = int(time.time())
        self._limits = {
            "core": _Limit(self.core_limit, self.core_limit, now + self.window),
            "graphql": _Limit(self.graphql_limit, self.graphql_limit, now + self.window),
        }
        self._server: ThreadingHTTPServer | None = None
        self.url = ""
        self.star_ledger = StarLedger()
        self.search = FakeSearch(self)

    # -- programming the fake ----------------------------------------------------------

    def add_repo(self, full_name: str, **fields) -> FakeRepo:
        owner, name = full_name.split("/")
        with self._lock:
            repo = FakeRepo(id=fields.pop("id", self._next_id), owner=owner, name=name, **fields)
            self._next_id = max(self._next_id, repo.id) + 1
            self.repos[repo.id] = repo
            self._names[full_name.lower()] = repo.id
            return repo

    def repo(self, full_name: str) -> FakeRepo:
        with self._lock:
            return self.repos[self._names[full_name.lower()]]

    def update(self, full_name: str, **fields) -> FakeRepo:
        with self._lock:
            repo = self.repo(full_name)
            for key, value in fields.items():
                setattr(repo, key, value)
            return repo

    def rename(self, full_name: str, new_full_name: str) -> FakeRepo:
        """Rename or transfer: the old name keeps answering, with a redirect to the repository."""
        with self._lock:
            repo = self.repo(full_name)
            del self._names[full_name.lower()]
            self._old_names[full_name.lower()] = repo.id
            repo.owner, repo.name = new_full_name.split("/")
            self._names[new_full_name.lower()] = repo.id
            return repo

    def delete(self, full_name: str) -> None:
        with self._lock:
            repo_id = self._names.pop(full_name.lower())
            del self.repos[repo_id]
            self._old_names = {k: v for k, v in self._old_names.items() if v != repo_id}

    def archive(self, full_name: str) -> FakeRepo:
        return self.update(full_name, archived=True)

    def stars_on(self, full_name: str, day: dt.date, count: int) -> FakeRepo:
        """``count`` people star the repository on ``day`` (UTC); its stargazers_count follows."""
        with self._lock:
            repo = self.repo(full_name)
            days = self.star_ledger.days[repo.id]
            days[day] = days.get(day, 0) + count
            repo.stars += count
            return repo

    def unstar(self, full_name: str, starred_on: dt.date, count: int = 1) -> FakeRepo:
        """Stars given on ``starred_on`` are taken back: that old day's count drops."""
        return self.stars_on(full_name, starred_on, -count)

    def block(self, full_name: str) -> None:
        """Access blocked (a legal takedown): the star history answers 451."""
        with self._lock:
            self.star_ledger.blocked.add(self.repo(full_name).id)

    def exhaust_rate_limit(self, resource: str = "core", *, reset_in: int = 3600) -> None:
        with self._lock:
            limit = self._limits[resource]
            limit.remaining, limit.reset = 0, int(time.time()) + reset_in

    def rate_limit_after(
        self, requests: int, *, resource: str = "core", reset_in: int = 3600, from_last: bool = False
    ) -> None:
        """Allow ``requests`` more counted requests, then the limit is exhausted for ``reset_in`` s.

        ``from_last``: the window resets ``reset_in`` s after the last allowed request rather than
        after this call, so however slowly a loaded machine sends those requests, they all come
        before the reset (which ``reset_after_last`` of the resource's limit keeps).
        """
        with self._lock:
            limit = self._limits[resource]
            limit.remaining = requests
            limit.reset = int(time.time()) + (self.window if from_last else reset_in)
            limit.reset_in_after_last = reset_in if from_last else None

    def fail_next(self, times: int = 1, *, status: int = 502, paths: tuple[str, ...] = ()) -> None:
        with self._lock:
            self._injections += [_Injection("status", status=status, paths=paths) for _ in range(times)]

    # ``paths`` limits an injection to requests whose path starts with one of them (one
    # repository: ``("/repos/org/name",)``); without it, the next requests of any path take it.
    def slow_next(self, times: int = 1, *, delay: float = 1.0, paths: tuple[str, ...] = ()) -> None:
        with self._lock:
            self._injections += [_Injection("slow", delay=delay, paths=paths) for _ in range(times)]

    def malformed_next(self, times: int = 1, *, paths: tuple[str, ...] = ()) -> None:
        with self._lock:
            self._injections += [_Injection("malformed", paths=paths) for _ in range(times)]

    def secondary_limit_next(
        self, times: int = 1, *, retry_after: int = 60, status: int = 403, paths: tuple[str, ...] = ()
    ) -> None:
        with self._lock:
            self._injections += [
                _Injection("secondary", status=status, retry_after=retry_after, paths=paths) for _ in range(times)
            ]

    def hold_next(self, *, paths: tuple[str, ...] = (), timeout: float = 60.0) -> threading.Event:
        """Hold the next matching request until the returned event is set (at most ``timeout`` s)."""
        release = threading.Event()
        with self._lock:
            self._injections.append(_Injection("slow", delay=timeout, paths=paths, release=release))
        return release

    def pending_injections(self) -> int:
        """Injected failures not yet taken by a request (a slow one is taken when its request arrives)."""
        with self._lock:
            return len(self._injections)

    def outage(self, *, status: int = 503) -> None:
        """Every request fails with ``status`` until ``restore()``."""
        with self._lock:
            self._injections = [_Injection("status", status=status)] * 1_000_000

    def restore(self) -> None:
        with self._lock:
            self._injections = []

    def count(self, *, method: str | None = None, path: str | None = None, status: int | None = None) -> int:
        with self._lock:
            return sum(
                1
                for r in self.requests
                if (method is None or r.method == method)
                and (path is None or r.path.startswith(path))
                and (status is None or r.status == status)
            )

    # -- serving -------------------------------------------------------------------------

    def start(self, port: int = 0) -> FakeGitHub:
        fake = self

        class Handler(_Handler):
            github = fake

        self._server = ThreadingHTTPServer(("127.0.0.1", port), Handler)
        self._server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self._server.server_address[1]}"
        threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, name="fake-github", daemon=True
        ).start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    # -- behaviour (called from the handler) ----------------------------------------------

    def _take_injection(self, path: str) -> _Injection | None:
        with self._lock:
            for i, injection in enumerate(self._injections):
                if not injection.paths or any(path.startswith(p) for p in injection.paths):
                    return self._injections.pop(i)
        return None

    def _limit_headers(self, resource: str) -> dict:
        limit = self._limits[resource]
        return {
            "x-ratelimit-limit": str(limit.limit),
            "x-ratelimit-remaining": str(limit.remaining),
            "x-ratelimit-reset": str(limit.reset),
            "x-ratelimit-used": str(limit.used),
            "x-ratelimit-resource": resource,
        }

    def _spend(self, resource: str) -> bool:
        """Count one request against the limit; False when it is exhausted."""
        limit = self._limits[resource]
        now = int(time.time())
        if now >= limit.reset:
            limit.remaining, limit.used, limit.reset = limit.limit, 0, now + self.window
        if limit.remaining <= 0:
            return False
        limit.remaining -= 1
        limit.used += 1
        if limit.remaining == 0 and limit.reset_in_after_last is not None:
            limit.reset, limit.reset_in_after_last = now + limit.reset_in_after_last, None
            limit.reset_after_last = limit.reset
        return True

    def _lookup(self, owner: str, name: str) -> tuple[FakeRepo | None, bool]:
        key = f"{owner}/{name}".lower()
        if key in self._names:
            return self.repos[self._names[key]], False
        if key in self._old_names and self._old_names[key] in self.repos:
            return self.repos[self._old_names[key]], True
        return None, False


def _rate_limit_body() -> dict:
    return {
        "message": "API rate limit exceeded for 127.0.0.1. (But here's the good news: Authenticated requests "
        "get a higher rate limit. Check out the documentation for more details.)",
        "documentation_url": f"{DOCS}/overview/rate-limits-for-the-rest-api",
    }


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive, as GitHub: one connection serves a whole refresh
    github: FakeGitHub

    def setup(self):
        super().setup()
        # Headers and body go out in two writes; without this, Nagle's algorithm holds the body
        # back until the client's delayed ACK (40 ms per response on Linux loopback).
        self.request.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

    def log_message(self, format, *args):  # noqa: A002 - silence the default stderr access log
        pass

    def _send(self, status: int, body=None, headers=None, raw: bytes | None = None) -> None:
        payload = raw if raw is not None else (b"" if body is None else json.dumps(body).encode())
        try:
            self.send_response(status)
            self.send_header("Content-Type", "application/json; charset=utf-8")
            self.send_header("Content-Length", str(len(payload)))
            for key, value in (headers or {}).items():
                self.send_header(key, value)
            self.end_headers()
            self.wfile.write(payload)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the client gave up (a read timeout): nothing to answer

    def _record(self, status: int, **extra) -> None:
        with self.github._lock:
            self.github.requests.append(
                RecordedRequest(
                    self.command,
                    self.path,
                    status,
                    authorized="Authorization" in self.headers,
                    headers=dict(self.headers.items()),
                    **extra,
                )
            )

    def _auth_problem(self) -> bool:
        auth = self.headers.get("Authorization", "")
        if self.github.token is not None and auth and auth != f"Bearer {self.github.token}":
            self._record(401)
            self._send(401, {"message": "Bad credentials", "documentation_url": DOCS})
            return True
        return False

    def _injected(self) -> bool:
        injection = self.github._take_injection(self.path)
        if injection is None:
            return False
        if injection.kind == "slow":
            if injection.release is not None:
                injection.release.wait(timeout=injection.delay)
            else:
                time.sleep(injection.delay)
            return False  # then answer normally (the client may have given up by now)
        if injection.kind == "malformed":
            self._record(200)
            self._send(200, raw=b'{"id": 1, "full_name": "trunc')
        elif injection.kind == "secondary":
            self._record(injection.status)
            self._send(
                injection.status,
                {
                    "message": "You have exceeded a secondary rate limit. Please wait a few minutes before you try "
                    "again. If you reach out to GitHub Support for help, please include the request ID.",
                    "documentation_url": f"{DOCS}/overview/rate-limits-for-the-rest-api#about-secondary-rate-limits",
                },
                {"retry-after": str(injection.retry_after)},
            )
        else:
            self._record(injection.status)
            self._send(injection.status, raw=b"<html><body><h1>Unicorn!</h1></body></html>")
        return True

    def _read_body(self) -> bytes:
        length = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(length) if length else b""

    def do_GET(self):  # noqa: N802 - http.server's naming
        fake = self.github
        if self._auth_problem() or self._injected():
            return
        path, _, query = self.path.partition("?")
        enterprise = path.startswith(ENTERPRISE_PREFIX)
        path = path.removeprefix(ENTERPRISE_PREFIX)
        if path == "/search/repositories" and not enterprise:
            status, body, headers = fake.search.answer(self.path, authorized="Authorization" in self.headers)
            self._record(status)
            self._send(status, body, headers)
            return
        if history := star_history.PATH_RE.fullmatch(path):
            prefix = ENTERPRISE_PREFIX if enterprise else ""
            star_history.serve(self, history, query, prefix=prefix, enterprise=enterprise)
            return
        if path == "/rate_limit":
            with fake._lock:
                resources = {
                    name: {"limit": lim.limit, "remaining": lim.remaining, "reset": lim.reset, "used": lim.used}
                    for name, lim in fake._limits.items()
                }
            self._record(200)
            self._send(200, {"resources": resources, "rate": resources["core"]})
            return
        match = re.fullmatch(r"/repos/([^/]+)/([^/]+)", path) or re.fullmatch(r"/repositories/(\d+)", path)
        if match is None:
            self._record(404)
            self._send(404, {"message": "Not Found", "documentation_url": DOCS})
            return
        with fake._lock:
            if len(match.groups()) == 1:
                repo, moved = fake.repos.get(int(match.group(1))), False
            else:
                repo, moved = fake._lookup(match.group(1), match.group(2))
            etag = repo.etag(fake.url) if repo is not None else ""
            conditional = bool(self.headers.get("If-None-Match"))
            if repo is not None and not moved and conditional and self.headers.get("If-None-Match") == etag:
                # GitHub: a 304 to a conditional request does not count against the rate limit.
                headers = {"ETag": etag, **fake._limit_headers("core")}
                status, body = 304, None
            elif not fake._spend("core"):
                status, body, headers = 403, _rate_limit_body(), fake._limit_headers("core")
            elif repo is None:
                status, headers = 404, fake._limit_headers("core")
                body = {"message": "Not Found", "documentation_url": f"{DOCS}/repos/repos#get-a-repository"}
            elif moved:
                location = f"{fake.url}/repositories/{repo.id}"
                status, headers = 301, {"Location": location, **fake._limit_headers("core")}
                body = {"message": "Moved Permanently", "url": location, "documentation_url": DOCS}
            else:
                status, body, headers = 200, repo.rest(fake.url), {"ETag": etag, **fake._limit_headers("core")}
        self._record(status, conditional=conditional)
        self._send(status, body, headers)

    def do_POST(self):  # noqa: N802 - http.server's naming
        fake = self.github
        raw = self._read_body()
        if self._auth_problem() or self._injected():
            return
        if self.path != "/graphql":
            self._record(404)
            self._send(404, {"message": "Not Found", "documentation_url": DOCS})
            return
        if "Authorization" not in self.headers:
            self._record(401)
            self._send(
                401,
                {
                    "message": "This endpoint requires you to be authenticated.",
                    "documentation_url": "https://docs.github.com/graphql/guides/forming-calls-with-graphql",
                },
            )
            return
        try:
            payload = json.loads(raw)
            query, variables = payload["query"], payload.get("variables") or {}
        except (ValueError, KeyError, TypeError):
            self._record(400)
            self._send(400, {"message": "Problems parsing JSON", "documentation_url": DOCS})
            return
        aliases = ALIAS_RE.findall(query)
        with fake._lock:
            if not fake._spend("graphql"):
                headers = fake._limit_headers("graphql")
                body = {"errors": [{"type": "RATE_LIMITED", "message": "API rate limit exceeded for user ID 1."}]}
                self._record(200, aliases=len(aliases))
                self._send(200, body, headers)
                return
            data, errors = {}, []
            limit = fake._limits["graphql"]
            if "rateLimit" in query:
                data["rateLimit"] = {
                    "cost": 1,
                    "remaining": limit.remaining,
                    "resetAt": dt.datetime.fromtimestamp(limit.reset, dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
                }
            for alias, owner_var, name_var in aliases:
                owner, name = variables.get(owner_var, ""), variables.get(name_var, "")
                repo, _ = fake._lookup(owner, name)
                if repo is None:
                    data[alias] = None
                    errors.append(
                        {
                            "type": "NOT_FOUND",
                            "path": [alias],
                            "locations": [{"line": 1, "column": 1}],
                            "message": f"Could not resolve to a Repository with the name '{owner}/{name}'.",
                        }
                    )
                else:
                    data[alias] = repo.graphql()
            headers = fake._limit_headers("graphql")
        body = {"data": data}
        if errors:
            body["errors"] = errors
        self._record(200, aliases=len(aliases))
        self._send(200, body, headers)


def synthetic_repos(fake: FakeGitHub, count: int, *, prefix: str = "synth") -> list[FakeRepo]:
    """``count`` repositories named ``{prefix}-org{i // 100}/{prefix}-{i}`` with varied figures."""
    return [
        fake.add_repo(
            f"{prefix}-org{i // 100}/{prefix}-{i}",
            stars=(i * 7919) % 50_000,
            forks=(i * 131) % 5_000,
            watchers=(i * 17) % 900,
            open_issues=(i * 13) % 300,
        )
        for i in range(count)
    ]


__all__ = ["FakeGitHub", "FakeRepo", "RecordedRequest", "synthetic_repos"]
