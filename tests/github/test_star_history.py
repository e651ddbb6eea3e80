"""The star-history fetch against the fake GitHub: rows, pages, and what each failure becomes."""

import datetime as dt
import math

import pytest

from github.client import GitHubClient
from github.errors import RateLimited, RepoBlocked, RepoNotFound, StarHistoryNotOffered
from github.star_history import PER_PAGE, star_history_fetch

TODAY = dt.datetime.now(dt.UTC).date()


def client_for(url):
    return GitHubClient(base_url=url, token="", backoff=0.01, timeout=(2, 2), max_retries=1)


def repo_created(fake, full_name, created_on, daily=()):
    fake.add_repo(full_name, created_at=f"{created_on.isoformat()}T15:00:00Z")
    for day, count in daily:
        fake.stars_on(full_name, day, count)
    return fake.repo(full_name)


def test_daily_counts_sum_to_the_stars_and_every_page_is_fetched_at_the_largest_size(fake_github):
    created = TODAY - dt.timedelta(days=700)
    daily = [(created + dt.timedelta(days=d), 1 + d % 5) for d in range(0, 700, 3)]
    repo = repo_created(fake_github, "org/old", created, daily)
    history = star_history_fetch(client_for(fake_github.url), "org", "old")
    weeks = (TODAY - created).days // 7 + 2
    assert history.complete
    assert sum(count for _, count in history.daily(until=TODAY)) == repo.stars
    assert history.requests == math.ceil(len(history.weeks) / PER_PAGE) == fake_github.count(path="/repos/org/old")
    assert len(history.weeks) in (weeks - 1, weeks)
    assert all("per_page=30" in r.path for r in fake_github.requests)


def test_a_repository_created_mid_week_starts_on_that_weeks_sunday(fake_github):
    created = TODAY - dt.timedelta(days=40)
    while created.weekday() != 2:  # a Wednesday
        created -= dt.timedelta(days=1)
    repo_created(fake_github, "org/mid", created, [(created, 7)])
    history = star_history_fetch(client_for(fake_github.url), "org", "mid")
    first = history.weeks[0]
    assert first.starts_on == created - dt.timedelta(days=3) and first.starts_on.weekday() == 6
    assert first.days == (0, 0, 0, 7, 0, 0, 0)


def test_an_unstar_lowers_the_day_the_star_was_given(fake_github):
    given = TODAY - dt.timedelta(days=20)
    repo_created(fake_github, "org/fickle", TODAY - dt.timedelta(days=30), [(given, 5)])
    fake_github.unstar("org/fickle", given, 2)
    daily = dict(star_history_fetch(client_for(fake_github.url), "org", "fickle").daily(until=TODAY))
    assert daily[given] == 3 and fake_github.repo("org/fickle").stars == 3


def test_since_stops_after_the_page_that_reaches_it(fake_github):
    repo_created(fake_github, "org/ten", TODAY - dt.timedelta(days=3650))
    history = star_history_fetch(client_for(fake_github.url), "org", "ten", since=TODAY - dt.timedelta(days=10))
    assert (history.requests, history.complete) == (1, False)


def test_a_missing_repository_is_not_found(fake_github):
    with pytest.raises(RepoNotFound):
        star_history_fetch(client_for(fake_github.url), "org", "gone")


def test_a_blocked_repository_answers_451(fake_github):
    repo_created(fake_github, "org/dmca", TODAY - dt.timedelta(days=30))
    fake_github.block("org/dmca")
    with pytest.raises(RepoBlocked):
        star_history_fetch(client_for(fake_github.url), "org", "dmca")


def test_an_enterprise_server_without_the_endpoint_is_not_a_missing_repository(fake_github):
    repo_created(fake_github, "org/onprem", TODAY - dt.timedelta(days=30))
    with pytest.raises(StarHistoryNotOffered):
        star_history_fetch(client_for(f"{fake_github.url}/api/v3"), "org", "onprem")
    # The 404 was checked against the repository itself: it answered.
    assert [r.status for r in fake_github.requests] == [404, 200]


def test_an_exhausted_rate_limit_raises_with_the_reset(fake_github):
    repo_created(fake_github, "org/busy", TODAY - dt.timedelta(days=3650))
    fake_github.rate_limit_after(2)
    with pytest.raises(RateLimited) as caught:
        star_history_fetch(client_for(fake_github.url), "org", "busy")
    assert caught.value.reset_at > dt.datetime.now(dt.UTC)
