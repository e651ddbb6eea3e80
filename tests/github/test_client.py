"""The GitHub client against the fake GitHub API over real HTTP on loopback."""

import datetime as dt
import logging
import socket

import pytest

from github.client import (
    GitHubClient,
    GitHubError,
    GitHubUnavailable,
    NotModified,
    RateLimited,
    RepoMoved,
    RepoNotFound,
    RepoStats,
)

TOKEN = "ghp_testtoken0123456789abcdefghijklmnopqrstu"


def client_for(fake, *, token="", **kwargs):
    kwargs.setdefault("backoff", 0.01)
    kwargs.setdefault("timeout", (2, 2))
    return GitHubClient(base_url=fake.url, token=token, **kwargs)


def test_requests_carry_user_agent_accept_version_and_bearer_token(fake_github):
    fake_github.add_repo("deepmind/dm_control", stars=1)
    client_for(fake_github, token=TOKEN).repo_get("deepmind", "dm_control")
    headers = fake_github.requests[-1].headers
    assert headers["User-Agent"].startswith("MLTop/")
    assert headers["Accept"] == "application/vnd.github+json"
    assert headers["X-GitHub-Api-Version"] == "2022-11-28"
    assert headers["Authorization"] == f"Bearer {TOKEN}"


def test_without_a_token_no_authorization_header_is_sent(fake_github):
    fake_github.add_repo("deepmind/dm_control")
    client_for(fake_github).repo_get("deepmind", "dm_control")
    assert "Authorization" not in fake_github.requests[-1].headers


def test_base_url_and_token_default_to_settings(fake_github, settings):
    settings.GITHUB_TOKEN = TOKEN
    client = GitHubClient()
    assert client.base_url == fake_github.url
    assert client.uses_graphql


def test_rest_repository_figures_and_facts(fake_github):
    repo = fake_github.add_repo(
        "marcotcr/lime", stars=5120, forks=900, watchers=150, open_issues=42, license="BSD-2-Clause", language="Python"
    )
    stats = client_for(fake_github).repo_get("marcotcr", "lime")
    assert isinstance(stats, RepoStats)
    assert (stats.github_id, stats.full_name) == (repo.id, "marcotcr/lime")
    assert (stats.stars, stats.forks, stats.watchers, stats.open_issues) == (5120, 900, 150, 42)
    assert (stats.license, stats.language, stats.archived) == ("BSD-2-Clause", "Python", False)
    assert stats.created_at == dt.datetime(2017, 6, 1, 12, tzinfo=dt.UTC)
    assert stats.etag.startswith('W/"')


def test_a_matching_etag_is_a_free_304(fake_github):
    fake_github.add_repo("marcotcr/lime", stars=5)
    client = client_for(fake_github)
    etag = client.repo_get("marcotcr", "lime").etag
    remaining_before = client.rate_limit()["core"].remaining
    result = client.repo_get("marcotcr", "lime", etag=etag)
    assert result == NotModified(etag=etag)
    assert fake_github.requests[-1].conditional and fake_github.requests[-1].status == 304
    assert client.rate_limit()["core"].remaining == remaining_before


def test_a_changed_repository_answers_the_conditional_request_with_new_figures(fake_github):
    fake_github.add_repo("marcotcr/lime", stars=5)
    client = client_for(fake_github)
    etag = client.repo_get("marcotcr", "lime").etag
    fake_github.update("marcotcr/lime", stars=6)
    result = client.repo_get("marcotcr", "lime", etag=etag)
    assert isinstance(result, RepoStats) and result.stars == 6 and result.etag != etag


def test_a_renamed_repository_is_followed_by_id_to_its_canonical_name(fake_github):
    repo = fake_github.add_repo("calclavia/DeepJ", stars=600)
    fake_github.rename("calclavia/DeepJ", "calclavia/deepj-music")
    stats = client_for(fake_github).repo_get("calclavia", "DeepJ")
    assert (stats.github_id, stats.full_name, stats.stars) == (repo.id, "calclavia/deepj-music", 600)
    assert [(r.path, r.status) for r in fake_github.requests] == [
        ("/repos/calclavia/DeepJ", 301),
        (f"/repositories/{repo.id}", 200),
    ]


def test_a_deleted_repository_is_not_found_and_not_retried(fake_github):
    with pytest.raises(RepoNotFound, match="not found"):
        client_for(fake_github).repo_get("gone", "away")
    assert fake_github.count() == 1


def test_the_archived_flag_is_read(fake_github):
    fake_github.add_repo("posenhuang/NPMT", archived=True)
    assert client_for(fake_github).repo_get("posenhuang", "NPMT").archived is True


def test_5xx_is_retried_with_backoff_until_it_succeeds(fake_github):
    fake_github.add_repo("openai/gradient-checkpointing", stars=1100)
    fake_github.fail_next(2, status=502)
    stats = client_for(fake_github).repo_get("openai", "gradient-checkpointing")
    assert stats.stars == 1100
    assert [r.status for r in fake_github.requests] == [502, 502, 200]


def test_persistent_5xx_raises_github_unavailable_after_the_retries(fake_github):
    fake_github.fail_next(10, status=503)
    with pytest.raises(GitHubUnavailable, match="503"):
        client_for(fake_github, max_retries=2).repo_get("openai", "gradient-checkpointing")
    assert fake_github.count() == 3


def test_a_4xx_other_than_rate_limits_is_not_retried(fake_github, settings):
    fake_github.token = TOKEN
    with pytest.raises(GitHubError, match="401"):
        client_for(fake_github, token="wrong-token").repo_get("a", "b")
    assert fake_github.count() == 1


def test_a_slow_answer_times_out_and_is_retried(fake_github):
    fake_github.add_repo("deepfakes/faceswap", stars=3629)
    # Held until the client has given up on it, not slower by some delay: the first attempt
    # surely times out, and a read timeout of a second leaves a loaded machine time for the retry.
    release = fake_github.hold_next()
    try:
        stats = client_for(fake_github, timeout=(5, 1.0)).repo_get("deepfakes", "faceswap")
    finally:
        release.set()
    assert stats.stars == 3629
    assert fake_github.pending_injections() == 0  # the first attempt was the one held
    assert fake_github.count(status=200) >= 1


def test_connection_refused_raises_github_unavailable():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    client = GitHubClient(base_url=f"http://127.0.0.1:{port}", token="", backoff=0.01, max_retries=1)
    with pytest.raises(GitHubUnavailable, match="ConnectionError"):
        client.repo_get("a", "b")
    assert client.requests_made == 2


def test_malformed_json_raises_github_unavailable(fake_github):
    fake_github.add_repo("a/b")
    fake_github.malformed_next()
    with pytest.raises(GitHubUnavailable, match="malformed JSON"):
        client_for(fake_github).repo_get("a", "b")


def test_primary_rate_limit_raises_with_githubs_reset_time(fake_github):
    fake_github.add_repo("a/b")
    fake_github.exhaust_rate_limit("core", reset_in=120)
    with pytest.raises(RateLimited) as excinfo:
        client_for(fake_github).repo_get("a", "b")
    reset = int(fake_github.requests[-1].status == 403 and fake_github._limits["core"].reset)
    assert excinfo.value.reset_at == dt.datetime.fromtimestamp(reset, dt.UTC)
    assert fake_github.count() == 1  # not hammered


def test_after_a_rate_limit_no_request_is_sent_until_the_reset(fake_github):
    fake_github.add_repo("a/b")
    fake_github.exhaust_rate_limit("core", reset_in=120)
    client = client_for(fake_github)
    with pytest.raises(RateLimited):
        client.repo_get("a", "b")
    with pytest.raises(RateLimited):
        client_for(fake_github).repo_get("a", "b")  # another worker, same token: same budget
    assert fake_github.count() == 1


@pytest.mark.parametrize("status", [403, 429])
def test_secondary_rate_limit_honours_retry_after(fake_github, status):
    fake_github.add_repo("a/b")
    fake_github.secondary_limit_next(retry_after=30, status=status)
    before = dt.datetime.now(dt.UTC)
    with pytest.raises(RateLimited, match="secondary") as excinfo:
        client_for(fake_github).repo_get("a", "b")
    assert dt.timedelta(seconds=29) <= excinfo.value.reset_at - before <= dt.timedelta(seconds=32)
    assert fake_github.count() == 1


def test_the_budget_is_shared_and_counts_down_from_githubs_remaining(fake_github):
    fake_github.add_repo("a/b")
    fake_github.rate_limit_after(2, resource="core", reset_in=300)
    first, second = client_for(fake_github), client_for(fake_github)
    first.repo_get("a", "b")  # GitHub says 1 left
    second.repo_get("a", "b")  # the shared budget allows it: 0 left
    with pytest.raises(RateLimited, match="MLTop's workers"):
        first.repo_get("a", "b")
    assert fake_github.count() == 2


def test_the_rate_limit_resets_after_the_window(fake_github, time_machine):
    fake_github.add_repo("a/b", stars=3)
    fake_github.exhaust_rate_limit("core", reset_in=120)
    client = client_for(fake_github)
    with pytest.raises(RateLimited) as excinfo:
        client.repo_get("a", "b")
    # The fake serves from this process, so the client, its shared budget and the fake all move to the reset.
    time_machine.move_to(excinfo.value.reset_at, tick=True)
    assert client.repo_get("a", "b").stars == 3


def test_graphql_reads_a_batch_in_one_request_and_reports_missing_ones_one_by_one(fake_github):
    lime = fake_github.add_repo("marcotcr/lime", stars=5120, open_issues=40, open_pull_requests=10)
    simple = fake_github.add_repo("chrisstroemel/Simple", stars=900, archived=True)
    results = client_for(fake_github, token=TOKEN).repos_get_many(
        [("marcotcr", "lime"), ("nobody", "nothing"), ("chrisstroemel", "Simple")]
    )
    assert fake_github.count() == 1 and fake_github.requests[0].aliases == 3
    assert isinstance(results[0], RepoStats) and results[0].github_id == lime.id
    assert results[0].open_issues == 40  # issues + pull requests, as REST counts them
    assert isinstance(results[1], RepoNotFound) and "nobody/nothing" in str(results[1])
    assert results[2].github_id == simple.id and results[2].archived


def test_graphql_reports_the_new_name_of_a_renamed_repository(fake_github):
    fake_github.add_repo("uber-common/deep-neuroevolution")
    fake_github.rename("uber-common/deep-neuroevolution", "uber-research/deep-neuroevolution")
    [stats] = client_for(fake_github, token=TOKEN).repos_get_many([("uber-common", "deep-neuroevolution")])
    assert stats.full_name == "uber-research/deep-neuroevolution"


def test_graphql_needs_a_token(fake_github):
    with pytest.raises(GitHubError, match="token"):
        client_for(fake_github).repos_get_many([("a", "b")])
    assert fake_github.count() == 0


def test_graphql_rate_limit_raises_rate_limited(fake_github):
    fake_github.add_repo("a/b")
    fake_github.exhaust_rate_limit("graphql", reset_in=90)
    with pytest.raises(RateLimited):
        client_for(fake_github, token=TOKEN).repos_get_many([("a", "b")])


def test_graphql_takes_at_most_100_repositories(fake_github):
    with pytest.raises(ValueError, match="at most 100"):
        client_for(fake_github, token=TOKEN).repos_get_many([("a", f"r{i}") for i in range(101)])


def test_the_token_is_never_logged(fake_github, caplog):
    caplog.set_level(logging.DEBUG)
    fake_github.fail_next(2, status=500)
    fake_github.add_repo("a/b")
    client_for(fake_github, token=TOKEN).repo_get("a", "b")
    assert "GitHub answered 500" in caplog.text
    assert TOKEN not in caplog.text


def test_a_redirect_to_another_host_is_not_followed_with_the_token(fake_github):
    fake_github.add_repo("a/b")
    fake_github.rename("a/b", "c/d")
    client = GitHubClient(base_url=fake_github.url.replace("127.0.0.1", "localhost"), token=TOKEN, backoff=0)
    with pytest.raises(RepoMoved, match="outside") as excinfo:
        client.repo_get("a", "b")
    assert excinfo.value.location.startswith(fake_github.url)
    assert fake_github.count() == 1


def test_a_repository_is_found_by_its_numeric_id_after_a_rename(fake_github):
    repo = fake_github.add_repo("deepmind/lab", stars=6000)
    fake_github.rename("deepmind/lab", "google-deepmind/lab")
    stats = client_for(fake_github).repo_get_by_id(repo.id)
    assert (stats.full_name, stats.stars) == ("google-deepmind/lab", 6000)
    with pytest.raises(RepoNotFound, match="repository 7"):
        client_for(fake_github).repo_get_by_id(7)
