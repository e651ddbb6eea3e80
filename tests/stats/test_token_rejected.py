"""A rejected GITHUB_TOKEN is a configuration error, not ten broken repositories (issue 13, item 14)."""

import io

import pytest
from django.core.management import CommandError, call_command

from mltop import problems
from stats import tasks

pytestmark = pytest.mark.django_db

RIGHT, WRONG = "ghp_right", "ghp_wrong"


@pytest.fixture
def catalogue(fake_github, settings, project_factory):
    fake_github.token = RIGHT
    settings.GITHUB_TOKEN = WRONG
    projects = []
    for n in range(10):
        fake_github.add_repo(f"org/repo{n}", stars=100 + n)
        projects.append(project_factory(repo_owner="org", repo_name=f"repo{n}", stars=5, fetch_error="old reason"))
    return projects


def _fetch_state(projects):
    return [(p.stars, p.fetch_error, p.last_fetched_at, p.missing_since) for p in projects]


def _reloaded(projects):
    for project in projects:
        project.refresh_from_db()
    return projects


def test_refresh_stats_stops_at_the_first_401_and_says_so(catalogue, fake_github):
    before = _fetch_state(catalogue)
    with pytest.raises(CommandError, match=r"GitHub rejected GITHUB_TOKEN \(401 Bad credentials\)"):
        call_command("refresh_stats", "--sync", stdout=io.StringIO(), stderr=io.StringIO())
    assert fake_github.count() == 1  # stopped at the first answer
    assert _fetch_state(_reloaded(catalogue)) == before  # no project's fetch state touched
    assert not any(p.samples.exists() for p in catalogue)


def test_healthz_and_admin_show_the_rejected_token_until_it_works(
    catalogue, fake_github, settings, client, staff_client
):
    with pytest.raises(CommandError):
        call_command("refresh_stats", "--sync", stdout=io.StringIO(), stderr=io.StringIO())
    health = client.get("/healthz").json()
    assert health["github"] == {
        "status": "token rejected",
        "error": "GitHub rejected GITHUB_TOKEN (401 Bad credentials)",
    }
    assert health["status"] == "ok"  # pages still serve: no 503 for GitHub's sake
    page = staff_client.get("/admin/projects/project/").content.decode()
    assert "Figures are not being refreshed: GitHub rejected GITHUB_TOKEN (401 Bad credentials)" in page

    settings.GITHUB_TOKEN = RIGHT
    call_command("refresh_stats", "--sync", stdout=io.StringIO(), stderr=io.StringIO())
    assert client.get("/healthz").json()["github"] == {"status": "ok"}
    assert problems.get(problems.GITHUB_TOKEN) is None


def test_the_batch_task_does_not_retry_a_rejected_token(catalogue, fake_github):
    ids = [p.pk for p in catalogue]
    before = _fetch_state(catalogue)
    result = tasks.refresh_batch.apply(args=[ids]).get()
    assert result == {"token_rejected": "GitHub rejected GITHUB_TOKEN (401 Bad credentials)"}
    assert fake_github.count() == 1
    assert _fetch_state(_reloaded(catalogue)) == before
