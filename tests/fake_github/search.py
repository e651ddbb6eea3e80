"""Repository search for the fake GitHub, with the rules GitHub documents for ``GET /search/repositories``.

- Qualifiers: ``topic:``, ``in:name,description,topics`` (free text searches name, description
  and topics by default), ``language:``, ``stars:`` and ``created:`` (``N``, ``>N``, ``>=N``,
  ``<N``, ``<=N``, ``A..B``, ``A..*``, ``*..B``; dates or ``YYYY-MM-DDTHH:MM:SS+00:00``),
  ``fork:true|false|only`` (forks are left out unless asked for), ``archived:``,
  ``mirror:``, ``template:``, ``is:public``; a leading ``-`` negates a qualifier; quoted
  phrases; ``OR`` between two terms; ``NOT term``.
- Two range qualifiers of one kind are not an intersection: as on github.com, the last one
  is what counts (so ``created:>=A created:<B`` means ``created:<B``).
- ``sort`` (stars, forks, updated; best match otherwise) and ``order``; ``per_page`` at most
  100; ``page``; a ``Link`` header; ``total_count`` and ``incomplete_results``.
- Only the first 1,000 results of a search are served: a page beyond them is a 422.
- A query longer than 256 characters, or with more than five AND/OR/NOT operators, is a 422
  "Validation Failed".
- The ``search`` rate limit: 30 searches a minute with a token, 10 without, counted apart
  from ``core``, with ``x-ratelimit-resource: search``; past it, a 403 with
  ``x-ratelimit-remaining: 0``. Search answers carry no ETag.

The clock is ``time.time()``, so tests move it with time-machine instead of sleeping.
"""

from __future__ import annotations

import datetime as dt
import math
import re
import shlex
import time
from dataclasses import dataclass
from urllib.parse import parse_qs, urlencode

DOCS = "https://docs.github.com/rest/search/search"
MAX_RESULTS = 1000
MAX_QUERY_LENGTH = 256
MAX_OPERATORS = 5
WINDOW = 60
WORD_RE = re.compile(r"[a-z0-9]+")


class _Invalid(Exception):
    pass


@dataclass
class _Bucket:
    limit: int
    remaining: int
    reset: int
    used: int = 0


def _words(text: str) -> list[str]:
    return WORD_RE.findall(text.lower())


def _contains_phrase(haystack: list[str], phrase: list[str]) -> bool:
    n = len(phrase)
    return bool(phrase) and any(haystack[i : i + n] == phrase for i in range(len(haystack) - n + 1))


def _parse_moment(text: str, *, end: bool) -> float:
    """Epoch seconds of a date (its first or last second) or an ISO datetime."""
    if text == "*":
        return math.inf if end else -math.inf
    try:
        if "T" in text:
            return dt.datetime.fromisoformat(text.replace("Z", "+00:00")).timestamp()
        day = dt.date.fromisoformat(text)
    except ValueError as exc:
        raise _Invalid(f"invalid date {text!r}") from exc
    start = dt.datetime.combine(day, dt.time(), tzinfo=dt.UTC).timestamp()
    return start + 86399.999 if end else start


def _range(value: str, parse) -> tuple[float, float]:
    """Inclusive bounds of ``N``, ``>N``, ``>=N``, ``<N``, ``<=N``, ``A..B``."""
    if ".." in value:
        low, high = value.split("..", 1)
        return parse(low, end=False), parse(high, end=True)
    for prefix in (">=", "<=", ">", "<"):
        if value.startswith(prefix):
            rest = value[len(prefix) :]
            if prefix == ">=":
                return parse(rest, end=False), math.inf
            if prefix == "<=":
                return -math.inf, parse(rest, end=True)
            if prefix == ">":
                return parse(rest, end=True) + 1e-3, math.inf
            return -math.inf, parse(rest, end=False) - 1e-3
    return parse(value, end=False), parse(value, end=True)


def _number(text: str, *, end: bool) -> float:
    if text == "*":
        return math.inf if end else -math.inf
    try:
        return float(int(text))
    except ValueError as exc:
        raise _Invalid(f"invalid number {text!r}") from exc


def _tokens(q: str) -> list[str]:
    try:
        lexer = shlex.shlex(q, posix=True)
        lexer.whitespace_split = True
        lexer.quotes = '"'
        lexer.escape = ""
        return [t if " " not in t else f'"{t}"' for t in lexer]
    except ValueError as exc:
        raise _Invalid("unbalanced quotes") from exc


class _Query:
    """A parsed ``q``: a list of clauses, each a list of alternatives (OR), all of which must hold."""

    def __init__(self, q: str):
        if len(q) > MAX_QUERY_LENGTH:
            raise _Invalid("The search is longer than 256 characters.")
        tokens = _tokens(q)
        if sum(1 for t in tokens if t in ("AND", "OR", "NOT")) > MAX_OPERATORS:
            raise _Invalid("The search contains more than 5 AND / OR / NOT operators.")
        self.ranges: dict[str, tuple[float, float]] = {}  # stars / created: the last one counts
        self.flags: dict[str, str] = {"fork": "false"}
        self.scopes = {"name", "description", "topics"}
        self.clauses: list[list[tuple[bool, str, str]]] = []  # (negated, kind, value)
        negate_next, join_next = False, False
        for token in tokens:
            if token == "AND":
                continue
            if token == "NOT":
                negate_next = True
                continue
            if token == "OR":
                join_next = True
                continue
            term = self._term(token, negate_next)
            negate_next = False
            if term is None:
                continue
            if join_next and self.clauses:
                self.clauses[-1].append(term)
            else:
                self.clauses.append([term])
            join_next = False

    def _term(self, token: str, negated: bool):
        if token.startswith("-") and ":" in token:
            negated, token = True, token[1:]
        key, sep, value = token.partition(":")
        key = key.lower()
        if sep and key in ("stars", "created"):
            parse = _number if key == "stars" else _parse_moment
            self.ranges[key] = _range(value, parse)
            return None
        if sep and key in ("fork", "archived", "mirror", "template"):
            self.flags[key] = value.lower()
            return None
        if sep and key == "in":
            self.scopes = {s for s in value.lower().split(",") if s}
            return None
        if sep and key == "is":
            return None  # is:public: every repository of the fake is public
        if sep and key in ("topic", "language", "user", "org"):
            return (negated, key, value.lower())
        return (negated, "text", token.strip('"').lower())

    def matches(self, repo) -> bool:
        if "stars" in self.ranges:
            low, high = self.ranges["stars"]
            if not low <= repo.stars <= high:
                return False
        if "created" in self.ranges:
            low, high = self.ranges["created"]
            created = _parse_moment(repo.created_at, end=False)
            if not low <= created <= high:
                return False
        fork = self.flags.get("fork", "false")
        if (fork == "false" and repo.fork) or (fork == "only" and not repo.fork):
            return False
        for flag, actual in (
            ("archived", repo.archived),
            ("mirror", bool(repo.mirror_url)),
            ("template", repo.is_template),
        ):
            wanted = self.flags.get(flag)
            if wanted in ("true", "false") and actual != (wanted == "true"):
                return False
        return all(any(self._holds(repo, term) for term in clause) for clause in self.clauses)

    def _holds(self, repo, term) -> bool:
        negated, kind, value = term
        if kind == "topic":
            result = value in (t.lower() for t in repo.topics)
        elif kind == "language":
            result = (repo.language or "").lower() == value
        elif kind in ("user", "org"):
            result = repo.owner.lower() == value
        else:
            phrase = _words(value)
            fields = []
            if "name" in self.scopes:
                fields.append(_words(repo.name))
            if "description" in self.scopes:
                fields.append(_words(repo.description or ""))
            if "topics" in self.scopes:
                fields.extend(_words(t) for t in repo.topics)
            result = any(_contains_phrase(words, phrase) for words in fields)
        return result != negated


class FakeSearch:
    """The fake's search state: per-minute buckets (with and without a token) and the counts asked."""

    def __init__(self, fake):
        self.fake = fake
        self.limits = {True: 30, False: 10}
        self._buckets: dict[bool, _Bucket] = {}
        self.queries: list[str] = []

    def set_limit(self, *, authorized: bool, per_minute: int) -> None:
        with self.fake._lock:
            self.limits[authorized] = per_minute
            self._buckets.pop(authorized, None)

    def _bucket(self, authorized: bool) -> _Bucket:
        now = int(time.time())
        bucket = self._buckets.get(authorized)
        if bucket is None or now >= bucket.reset:
            limit = self.limits[authorized]
            bucket = self._buckets[authorized] = _Bucket(limit, limit, now + WINDOW)
        return bucket

    @staticmethod
    def _headers(bucket: _Bucket) -> dict:
        return {
            "x-ratelimit-limit": str(bucket.limit),
            "x-ratelimit-remaining": str(bucket.remaining),
            "x-ratelimit-reset": str(bucket.reset),
            "x-ratelimit-used": str(bucket.used),
            "x-ratelimit-resource": "search",
        }

    def answer(self, raw_path: str, *, authorized: bool) -> tuple[int, dict, dict]:
        params = {k: v[-1] for k, v in parse_qs(raw_path.partition("?")[2], keep_blank_values=True).items()}
        with self.fake._lock:
            bucket = self._bucket(authorized)
            if bucket.remaining <= 0:
                body = {
                    "message": "API rate limit exceeded for 127.0.0.1.",
                    "documentation_url": "https://docs.github.com/rest/overview/rate-limits-for-the-rest-api",
                }
                return 403, body, self._headers(bucket)
            bucket.remaining -= 1
            bucket.used += 1
            headers = self._headers(bucket)
            q = params.get("q", "")
            self.queries.append(q)
            try:
                if not q.strip():
                    raise _Invalid("q is missing")
                query = _Query(q)
            except _Invalid as exc:
                return 422, _validation_failed(str(exc)), headers
            try:
                per_page = min(100, max(1, int(params.get("per_page", 30))))
                page = max(1, int(params.get("page", 1)))
            except ValueError:
                return 422, _validation_failed("per_page and page must be numbers"), headers
            found = [r for r in self.fake.repos.values() if query.matches(r)]
            found.sort(key=_sort_key(params.get("sort", ""), params.get("order", "desc")))
            served = found[:MAX_RESULTS]
            start = (page - 1) * per_page
            if start >= MAX_RESULTS:
                return 422, _validation_failed("Only the first 1000 search results are available"), headers
            items = [dict(repo.rest(self.fake.url), score=1.0) for repo in served[start : start + per_page]]
            last_page = max(1, math.ceil(len(served) / per_page))
            link = self._link(params, page=page, last=last_page)
            if link:
                headers["Link"] = link
        return 200, {"total_count": len(found), "incomplete_results": False, "items": items}, headers

    def _link(self, params: dict, *, page: int, last: int) -> str:
        def url(number):
            return f"{self.fake.url}/search/repositories?{urlencode({**params, 'page': number})}"

        links = []
        if page < last:
            links += [f'<{url(page + 1)}>; rel="next"', f'<{url(last)}>; rel="last"']
        if page > 1:
            links += [f'<{url(page - 1)}>; rel="prev"', f'<{url(1)}>; rel="first"']
        return ", ".join(links)


def _sort_key(sort: str, order: str):
    sign = 1 if order == "asc" else -1
    if sort == "forks":
        return lambda r: (sign * r.forks, r.id)
    if sort == "updated":
        return lambda r: (sign * _parse_moment(r.pushed_at, end=False), r.id)
    return lambda r: (sign * r.stars, r.id)  # stars, and best match (which the fake ranks by stars)


def _validation_failed(message: str) -> dict:
    return {
        "message": "Validation Failed",
        "errors": [{"message": message, "resource": "Search", "field": "q", "code": "invalid"}],
        "documentation_url": DOCS,
    }
