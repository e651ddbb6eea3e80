"""The track and refresh_stats management commands."""

import io

import pytest
from django.core.management import CommandError, call_command
from kombu.exceptions import OperationalError

from projects.models import Project
from stats import tasks
from stats.models import StatsSample

pytestmark = pytest.mark.django_db


@pytest.fixture
def queued(monkeypatch):
    """What the commands hand to the broker (the worker itself is tested in test_worker.py)."""
    sent = []
    monkeypatch.setattr(
        tasks.refresh_batch, "apply_async", lambda args=None, kwargs=None, **kw: sent.append((args, kw))
    )
    monkeypatch.setattr(tasks.refresh_all, "apply_async", lambda args=None, kwargs=None, **kw: sent.append(("all", kw)))
    return sent


def call(*args):
    out, err = io.StringIO(), io.StringIO()
    call_command(*args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_track_adds_urls_as_tracked_projects_and_queues_their_refresh(queued):
    out, _ = call("track", "https://github.com/marcotcr/lime", "https://github.com/deepmind/dm_control")
    assert "tracked 2, rejected 0" in out
    assert set(Project.objects.tracked().values_list("repo_name", flat=True)) == {"lime", "dm_control"}
    assert [args for args, _ in queued] == [[list(Project.objects.order_by("pk").values_list("pk", flat=True))]]


def test_track_file_reports_bad_lines_by_number_and_keeps_the_good_ones(tmp_path, queued):
    urls = tmp_path / "urls.txt"
    urls.write_text(
        "# ML repositories\n"
        "https://github.com/marcotcr/lime\n"
        "https://gitlab.com/a/b\n"
        "\n"
        "https://github.com/marcotcr/lime\n"
        "https://github.com/openai/gradient-checkpointing\n"
    )
    out, err = call("track", "--file", str(urls), "--no-refresh")
    assert "tracked 2, rejected 2" in out
    assert f"{urls}:3: https://gitlab.com/a/b: The URL must be on github.com, not gitlab.com." in err
    assert f"{urls}:5: https://github.com/marcotcr/lime:" in err and "already in the catalogue" in err
    assert Project.objects.count() == 2
    assert queued == []


def test_track_with_nothing_good_is_an_error():
    with pytest.raises(CommandError, match="No URL could be tracked"):
        call("track", "not a url", "--no-refresh")


def test_track_an_unreadable_file_is_an_error(tmp_path):
    with pytest.raises(CommandError, match="Cannot read"):
        call("track", "--file", str(tmp_path / "missing.txt"))


def test_track_sync_fetches_figures_and_prints_the_summary(fake_github):
    fake_github.add_repo("marcotcr/lime", stars=5120)
    out, err = call("track", "https://github.com/marcotcr/lime", "https://github.com/gone/away", "--sync")
    assert "refreshed 1, not modified 0, failed 0, missing 1" in out
    assert Project.objects.get(repo_name="lime").stars == 5120
    assert "project" in err  # the progress bar


def test_refresh_stats_sync_refreshes_the_named_projects(fake_github, project_factory):
    fake_github.add_repo("a/one", stars=1)
    fake_github.add_repo("a/two", stars=2)
    one = project_factory(repo_owner="a", repo_name="one")
    project_factory(repo_owner="a", repo_name="two")
    out, _ = call("refresh_stats", "--project", one.slug, "--sync")
    assert out.strip().endswith("refreshed 1, not modified 0, failed 0, missing 0")
    assert list(StatsSample.objects.values_list("project__slug", flat=True)) == [one.slug]


def test_refresh_stats_sync_twice_uses_conditional_requests(fake_github, project_factory):
    fake_github.add_repo("a/one", stars=1)
    project_factory(repo_owner="a", repo_name="one")
    call("refresh_stats", "--sync")
    out, _ = call("refresh_stats", "--sync")
    assert "refreshed 0, not modified 1, failed 0, missing 0" in out


def test_refresh_stats_sync_defers_rate_limited_projects_to_the_worker(fake_github, project_factory, queued):
    for name in ("one", "two", "three"):
        fake_github.add_repo(f"a/{name}")
        project_factory(repo_owner="a", repo_name=name)
    fake_github.rate_limit_after(1, reset_in=600)
    out, _ = call("refresh_stats", "--sync")
    assert "refreshed 1, not modified 0, failed 0, missing 0, deferred 2 until the rate limit resets" in out
    [(args, options)] = queued
    assert len(args[0]) == 2 and options["eta"] is not None


def test_refresh_stats_queues_a_run_for_the_worker(project_factory, queued):
    project_factory()
    out, _ = call("refresh_stats")
    assert "Queued a refresh of 1 tracked projects" in out
    assert queued == [("all", {})]


def test_refresh_stats_unknown_slug_is_an_error():
    with pytest.raises(CommandError, match="No project with slug: nope"):
        call("refresh_stats", "--project", "nope")


@pytest.fixture
def broker_down(monkeypatch):
    def refuse(*args, **kwargs):
        raise OperationalError("Error 111 connecting to 127.0.0.1:6379. Connection refused.")

    monkeypatch.setattr(tasks.refresh_batch, "apply_async", refuse)
    monkeypatch.setattr(tasks.refresh_all, "apply_async", refuse)


def test_track_with_the_broker_down_keeps_the_projects_and_says_how_to_fetch(broker_down):
    with pytest.raises(CommandError, match="refresh_stats --sync"):
        call("track", "https://github.com/marcotcr/lime")
    assert Project.objects.filter(repo_name="lime").exists()


def test_refresh_stats_with_the_broker_down_is_a_clear_error(broker_down, project_factory):
    project_factory()
    with pytest.raises(CommandError, match="task queue cannot be reached.*Connection refused"):
        call("refresh_stats")
