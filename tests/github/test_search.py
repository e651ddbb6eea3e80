"""Repository search against the fake GitHub (real HTTP on loopback), within GitHub's documented rules."""

import datetime as dt
import socket
from urllib.parse import parse_qs, urlsplit

import pytest
import requests
import time_machine

from github.client import GitHubClient
from github.errors import GitHubUnavailable, RateLimited
from github.search import RepoSearch, SearchRejected, Window, query_problem, repository_query

TOKEN = "ghp_testtoken0123456789abcdefghijklmnopqrstu"
MAY = Window.days(dt.date(2024, 5, 1), dt.date(2024, 5, 31))


def client_for(fake, *, token="", **kwargs):
    kwargs.setdefault("backoff", 0.01)
    kwargs.setdefault("timeout", (2, 5))
    return GitHubClient(base_url=fake.url, token=token, **kwargs)


def add_month(fake, count, *, topic="llm", start=dt.datetime(2024, 5, 1, tzinfo=dt.UTC), step_minutes=17, **fields):
    for i in range(count):
        created = start + dt.timedelta(minutes=step_minutes * i)
        fake.add_repo(
            f"org{i}/{topic}-{i}",
            stars=fields.get("stars", 20 + i),
            topics=[topic],
            created_at=created.strftime("%Y-%m-%dT%H:%M:%SZ"),
        )


def search_params(fake):
    return [parse_qs(urlsplit(r.path).query) for r in fake.requests if r.path.startswith("/search/")]


def test_query_carries_the_documented_qualifiers_and_one_created_range(fake_github):
    add_month(fake_github, 3)
    hits = list(RepoSearch(client_for(fake_github)).search(repository_query(topic="llm", min_stars=20), window=MAY))
    assert len(hits) == 3
    (params,) = search_params(fake_github)
    assert params["q"] == ["topic:llm stars:>=20 fork:false archived:false created:2024-05-01..2024-05-31"]
    assert params["per_page"] == ["100"] and params["sort"] == ["stars"] and params["order"] == ["desc"]
    assert hits[0].query == params["q"][0]
    assert "If-None-Match" not in fake_github.requests[-1].headers  # search has no ETag revalidation


def test_keywords_search_name_and_description_and_languages_are_one_qualifier():
    q = repository_query(keyword="large language model", language="C++", min_stars=100)
    assert q == '"large language model" in:name,description language:C++ stars:>=100 fork:false archived:false'
    with pytest.raises(ValueError, match="exactly one"):
        repository_query(topic="llm", keyword="llm")


def test_windows_are_whole_days_or_documented_datetimes_and_split_exactly():
    assert MAY.qualifier() == "created:2024-05-01..2024-05-31"
    first, second = MAY.split(2)
    assert first.start == MAY.start and second.end == MAY.end
    assert second.start - first.end == dt.timedelta(seconds=1)
    assert first.qualifier() == "created:2024-05-01T00:00:00+00:00..2024-05-16T11:59:59+00:00"
    assert sum(w.seconds for w in MAY.split(7)) == MAY.seconds


def test_a_search_over_the_1000_cap_is_split_by_creation_date_until_every_slice_fits(fake_github):
    add_month(fake_github, 2500)
    fake_github.search.set_limit(authorized=False, per_minute=1000)
    search = RepoSearch(client_for(fake_github))
    hits = list(search.search(repository_query(topic="llm", min_stars=20), window=MAY))
    assert len({h.repo.github_id for h in hits}) == len(hits) == 2500
    assert all(r.status == 200 for r in fake_github.requests)
    # Every slice whose pages were read held at most 1,000 results.
    for hit in hits:
        assert hit.query.count("created:") == 1
    assert search.searches == len(fake_github.requests) < 60


def test_pages_are_followed_through_the_link_header(fake_github):
    add_month(fake_github, 250)
    hits = list(RepoSearch(client_for(fake_github)).search(repository_query(topic="llm"), window=MAY))
    assert len(hits) == 250
    pages = [p.get("page", ["1"])[0] for p in search_params(fake_github)]
    assert pages == ["1", "2", "3"]


def test_the_per_minute_search_limit_is_paced_never_hit(fake_github):
    add_month(fake_github, 450)  # five pages
    fake_github.search.set_limit(authorized=False, per_minute=2)
    with time_machine.travel(dt.datetime(2030, 1, 1, tzinfo=dt.UTC), tick=True) as traveller:
        fake_github.search.set_limit(authorized=False, per_minute=2)  # its window starts on the moved clock
        waits = []

        def sleep(seconds):
            waits.append(seconds)
            traveller.shift(seconds)

        search = RepoSearch(client_for(fake_github), sleep=sleep)
        hits = list(search.search(repository_query(topic="llm"), window=MAY))
    assert len(hits) == 450
    assert [r.status for r in fake_github.requests] == [200] * 5
    assert len(waits) == 2 and all(0 < w <= 62 for w in waits)


def test_with_a_token_the_bucket_is_the_authenticated_one(fake_github):
    add_month(fake_github, 1)
    list(RepoSearch(client_for(fake_github, token=TOKEN)).search(repository_query(topic="llm"), window=MAY))
    response = requests.get(f"{fake_github.url}/search/repositories", params={"q": "topic:llm"}, timeout=5)
    assert response.headers["x-ratelimit-resource"] == "search"
    assert response.headers["x-ratelimit-limit"] == "10"  # without a token
    authorized = requests.get(
        f"{fake_github.url}/search/repositories",
        params={"q": "topic:llm"},
        headers={"Authorization": f"Bearer {TOKEN}"},
        timeout=5,
    )
    assert authorized.headers["x-ratelimit-limit"] == "30"
    assert authorized.headers["x-ratelimit-remaining"] == "28"
    assert "ETag" not in authorized.headers


def test_a_secondary_limit_is_waited_out_and_the_search_retried(fake_github):
    add_month(fake_github, 5)
    fake_github.secondary_limit_next(retry_after=30, paths=("/search/",))
    waits = []
    with time_machine.travel(dt.datetime(2030, 1, 1, tzinfo=dt.UTC), tick=True) as traveller:
        search = RepoSearch(client_for(fake_github), sleep=lambda s: (waits.append(s), traveller.shift(s)))
        hits = list(search.search(repository_query(topic="llm"), window=MAY))
    assert len(hits) == 5
    assert [r.status for r in fake_github.requests] == [403, 200]
    assert len(waits) == 1 and 29 <= waits[0] <= 32


def test_a_secondary_limit_longer_than_allowed_raises_rate_limited(fake_github):
    add_month(fake_github, 5)
    fake_github.secondary_limit_next(retry_after=3600, status=429, paths=("/search/",))
    search = RepoSearch(client_for(fake_github), sleep=lambda s: pytest.fail("must not wait an hour"))
    with pytest.raises(RateLimited):
        list(search.search(repository_query(topic="llm"), window=MAY))


def test_queries_github_would_refuse_are_refused_before_sending(fake_github):
    long_keyword = "word " * 60
    search = RepoSearch(client_for(fake_github))
    with pytest.raises(SearchRejected):
        list(search.search(repository_query(keyword=long_keyword), window=MAY))
    assert fake_github.requests == []
    assert query_problem("a OR b OR c OR d OR e NOT f AND g") == "more than 5 AND/OR/NOT operators"


@pytest.mark.parametrize("q", ["x " * 130, "a OR b OR c OR d OR e OR f OR g"])
def test_the_fake_answers_422_to_queries_over_githubs_limits(fake_github, q):
    response = requests.get(f"{fake_github.url}/search/repositories", params={"q": q}, timeout=5)
    assert response.status_code == 422 and response.json()["message"] == "Validation Failed"


def test_the_fake_serves_only_the_first_1000_results(fake_github):
    add_month(fake_github, 1100, step_minutes=1)
    url = f"{fake_github.url}/search/repositories"
    body = requests.get(url, params={"q": "topic:llm", "per_page": 100, "page": 10}, timeout=5).json()
    assert body["total_count"] == 1100 and len(body["items"]) == 100 and body["incomplete_results"] is False
    assert requests.get(url, params={"q": "topic:llm", "per_page": 100, "page": 11}, timeout=5).status_code == 422
    assert len(requests.get(url, params={"q": "topic:llm", "per_page": 500}, timeout=5).json()["items"]) == 100


def test_the_fake_takes_the_last_of_two_ranges_of_one_kind_as_github_does(fake_github):
    fake_github.add_repo("a/old", topics=["llm"], created_at="2024-01-10T00:00:00Z")
    fake_github.add_repo("a/new", topics=["llm"], created_at="2024-05-10T00:00:00Z")
    url = f"{fake_github.url}/search/repositories"
    two = requests.get(url, params={"q": "topic:llm created:>=2024-05-01 created:<2024-06-01"}, timeout=5).json()
    assert {i["full_name"] for i in two["items"]} == {"a/old", "a/new"}  # not an intersection
    one = requests.get(url, params={"q": "topic:llm created:2024-05-01..2024-05-31"}, timeout=5).json()
    assert [i["full_name"] for i in one["items"]] == ["a/new"]


def test_forks_and_archived_repositories_are_left_out_by_the_query(fake_github):
    fake_github.add_repo("a/real", topics=["llm"], stars=50, created_at="2024-05-02T00:00:00Z")
    fake_github.add_repo("b/fork", topics=["llm"], stars=50, fork=True, created_at="2024-05-02T00:00:00Z")
    fake_github.add_repo("c/old", topics=["llm"], stars=50, archived=True, created_at="2024-05-02T00:00:00Z")
    hits = list(RepoSearch(client_for(fake_github)).search(repository_query(topic="llm"), window=MAY))
    assert [h.repo.full_name for h in hits] == ["a/real"]


def test_github_unreachable_raises_github_unavailable(db):
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    client = GitHubClient(base_url=f"http://127.0.0.1:{port}", token="", backoff=0.01, timeout=(0.5, 0.5))
    with pytest.raises(GitHubUnavailable):
        list(RepoSearch(client).search(repository_query(topic="llm"), window=MAY))
