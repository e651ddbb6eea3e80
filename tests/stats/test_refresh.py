"""Refreshing projects through the fake GitHub: every project ends fresh or with a reason."""

import datetime as dt
import threading

import pytest
from django.db import connection
from django.utils import timezone

from github.client import GitHubClient
from projects.models import Project
from projects.selectors import project_for_repository
from stats import refresh, samples
from stats.models import StatsSample

TOKEN = "ghp_testtoken0123456789abcdefghijklmnopqrstu"
pytestmark = pytest.mark.django_db


def client_for(fake, *, token=""):
    return GitHubClient(base_url=fake.url, token=token, backoff=0.01, timeout=(2, 2), max_retries=1)


def track(project_factory, fake, full_name, **repo_fields):
    owner, name = full_name.split("/")
    fake.add_repo(full_name, **repo_fields)
    return project_factory(repo_owner=owner, repo_name=name, stars=None)


def run(ids, fake, *, token=""):
    return refresh.project_refresh_batch(project_ids=ids, client=client_for(fake, token=token))


@pytest.mark.parametrize("token", ["", TOKEN], ids=["rest", "graphql"])
def test_a_refresh_stores_figures_facts_and_todays_sample(project_factory, fake_github, token):
    project = track(project_factory, fake_github, "marcotcr/lime", stars=5120, forks=900, watchers=150, open_issues=42)
    result = run([project.pk], fake_github, token=token)
    assert result.summary.line() == "refreshed 1, not modified 0, failed 0, missing 0"
    project.refresh_from_db()
    assert (project.stars, project.forks, project.watchers, project.open_issues) == (5120, 900, 150, 42)
    assert project.github_id == fake_github.repo("marcotcr/lime").id
    assert (project.license, project.language, project.fetch_error) == ("MIT", "Python", "")
    assert project.last_fetched_at is not None
    sample = StatsSample.objects.get(project=project)
    assert (sample.captured_on, sample.stars, sample.forks, sample.source) == (
        timezone.now().date(),
        5120,
        900,
        StatsSample.Source.OBSERVED,
    )


def test_the_second_refresh_of_the_day_is_conditional_and_updates_the_same_sample(project_factory, fake_github):
    project = track(project_factory, fake_github, "marcotcr/lime", stars=10)
    run([project.pk], fake_github)
    result = run([project.pk], fake_github)
    assert result.summary.line() == "refreshed 0, not modified 1, failed 0, missing 0"
    assert fake_github.requests[-1].conditional and fake_github.requests[-1].status == 304
    fake_github.update("marcotcr/lime", stars=11)
    run([project.pk], fake_github)
    assert list(StatsSample.objects.filter(project=project).values_list("stars", flat=True)) == [11]


def test_graphql_fetches_a_batch_in_one_request(project_factory, fake_github):
    projects = [track(project_factory, fake_github, f"org/repo{i}", stars=i) for i in range(30)]
    result = run([p.pk for p in projects], fake_github, token=TOKEN)
    assert result.summary.refreshed == 30
    assert fake_github.count() == 1
    assert StatsSample.objects.count() == 30


def test_a_rename_updates_the_canonical_name_and_keeps_history(project_factory, stats_sample_factory, fake_github):
    project = track(project_factory, fake_github, "calclavia/DeepJ", stars=600)
    old = stats_sample_factory(project=project, captured_on=dt.date(2018, 2, 1), stars=500)
    fake_github.rename("calclavia/DeepJ", "calclavia/deepj-music")
    run([project.pk], fake_github)
    project.refresh_from_db()
    assert project.full_name == "calclavia/deepj-music"
    assert project.github_id == fake_github.repo("calclavia/deepj-music").id
    assert set(project.samples.values_list("pk", flat=True)) >= {old.pk}
    assert project.samples.count() == 2


def test_a_rename_seen_through_graphql_updates_the_canonical_name(project_factory, fake_github):
    project = track(project_factory, fake_github, "uber-common/deep-neuroevolution")
    fake_github.rename("uber-common/deep-neuroevolution", "uber-research/deep-neuroevolution")
    run([project.pk], fake_github, token=TOKEN)
    project.refresh_from_db()
    assert project.full_name == "uber-research/deep-neuroevolution"


def test_a_rename_keeps_the_earlier_name_once_and_it_still_finds_the_project(project_factory, fake_github):
    project = track(project_factory, fake_github, "deepmind/lab")
    fake_github.rename("deepmind/lab", "google-deepmind/lab")
    run([project.pk], fake_github)
    run([project.pk], fake_github)
    assert list(project.former_names.values_list("owner", "name")) == [("deepmind", "lab")]
    assert project_for_repository(owner="DeepMind", name="Lab") == project
    assert project_for_repository(owner="google-deepmind", name="lab") == project
    assert project_for_repository(owner="deepmind", name="dm_control") is None


def test_a_deleted_repository_marks_the_project_missing_and_keeps_everything(
    project_factory, stats_sample_factory, fake_github
):
    project = track(project_factory, fake_github, "posenhuang/NPMT")
    run([project.pk], fake_github)
    fake_github.delete("posenhuang/NPMT")
    result = run([project.pk], fake_github)
    assert result.summary.line() == "refreshed 0, not modified 0, failed 0, missing 1"
    project.refresh_from_db()
    assert project.is_missing and "not found" in project.fetch_error
    assert project.stars == 0 and Project.objects.filter(pk=project.pk).exists()
    assert project.samples.count() == 1


def test_a_missing_repository_via_graphql_does_not_fail_the_batch(project_factory, fake_github):
    present = track(project_factory, fake_github, "a/present", stars=7)
    absent = project_factory(repo_owner="a", repo_name="absent")
    result = run([present.pk, absent.pk], fake_github, token=TOKEN)
    assert (result.summary.refreshed, result.summary.missing) == (1, 1)
    absent.refresh_from_db()
    assert absent.missing_since is not None and "Could not resolve" in absent.fetch_error


def test_a_repository_found_again_is_no_longer_missing(project_factory, fake_github):
    project = project_factory(repo_owner="a", repo_name="back", missing_since=timezone.now(), fetch_error="404")
    fake_github.add_repo("a/back", stars=3)
    run([project.pk], fake_github)
    project.refresh_from_db()
    assert (project.missing_since, project.fetch_error, project.stars) == (None, "", 3)


def test_an_archived_repository_is_flagged(project_factory, fake_github):
    project = track(project_factory, fake_github, "chrisstroemel/Simple", archived=True)
    run([project.pk], fake_github, token=TOKEN)
    project.refresh_from_db()
    assert project.archived is True


def test_a_name_now_used_by_a_different_repository_is_not_mistaken_for_ours(project_factory, fake_github):
    project = track(project_factory, fake_github, "a/reused", stars=50)
    project.github_id = 42  # ours, which GitHub no longer knows
    project.save()
    result = run([project.pk], fake_github)
    assert result.summary.missing == 1
    project.refresh_from_db()
    assert project.stars is None and "different repository" in project.fetch_error
    assert not project.samples.exists()


@pytest.mark.parametrize("token", ["", TOKEN], ids=["rest", "graphql"])
def test_a_renamed_repository_whose_old_name_was_reused_is_found_by_its_id(project_factory, fake_github, token):
    project = track(project_factory, fake_github, "calclavia/DeepJ", stars=600)
    run([project.pk], fake_github, token=token)
    fake_github.rename("calclavia/DeepJ", "calclavia/deepj-music")
    fake_github.add_repo("calclavia/DeepJ", stars=1)  # someone else's new repository under the old name
    run([project.pk], fake_github, token=token)
    project.refresh_from_db()
    assert (project.full_name, project.stars, project.fetch_error) == ("calclavia/deepj-music", 600, "")


def test_a_deleted_repository_with_a_known_id_is_missing(project_factory, fake_github):
    project = track(project_factory, fake_github, "a/doomed", stars=5)
    run([project.pk], fake_github)
    project.refresh_from_db()
    fake_github.delete("a/doomed")
    assert run([project.pk], fake_github).summary.missing == 1
    assert [r.path for r in fake_github.requests[-2:]] == ["/repos/a/doomed", f"/repositories/{project.github_id}"]


def test_a_rename_onto_a_name_another_project_tracks_is_recorded_not_crashed(project_factory, fake_github):
    old = track(project_factory, fake_github, "a/old", stars=1)
    project_factory(repo_owner="a", repo_name="new")
    fake_github.rename("a/old", "a/new")
    result = run([old.pk], fake_github)
    assert result.summary.missing == 1
    old.refresh_from_db()
    assert old.full_name == "a/old" and "another project already tracks" in old.fetch_error


def test_an_outage_keeps_every_earlier_figure_and_records_the_error(project_factory, fake_github):
    projects = [track(project_factory, fake_github, f"org/r{i}", stars=100 + i) for i in range(3)]
    ids = [p.pk for p in projects]
    run(ids, fake_github)
    before = {p.pk: (p.stars, p.forks, p.last_fetched_at) for p in Project.objects.filter(pk__in=ids)}
    samples_before = list(StatsSample.objects.order_by("pk").values_list("pk", "stars"))
    for i in range(3):
        fake_github.update(f"org/r{i}", stars=999)
    fake_github.outage(status=503)
    result = run(ids, fake_github)
    assert result.outage and result.summary.line() == "refreshed 0, not modified 0, failed 3, missing 0"
    for project in Project.objects.filter(pk__in=ids):
        assert (project.stars, project.forks, project.last_fetched_at) == before[project.pk]
        assert "503" in project.fetch_error
    assert list(StatsSample.objects.order_by("pk").values_list("pk", "stars")) == samples_before


def test_a_rate_limit_half_way_keeps_the_first_half_and_finishes_after_the_reset(
    project_factory, fake_github, time_machine
):
    # The clock (also the fake's: it shares this process) is moved, not waited for.
    time_machine.move_to(dt.datetime(2026, 3, 2, 12, tzinfo=dt.UTC), tick=True)
    projects = [track(project_factory, fake_github, f"org/r{i}", stars=i + 1) for i in range(6)]
    ids = [p.pk for p in projects]
    fake_github.rate_limit_after(3, resource="core", reset_in=600)
    result = run(ids, fake_github)
    assert result.summary.line() == (
        "refreshed 3, not modified 0, failed 0, missing 0, deferred 3 until the rate limit resets"
    )
    assert result.deferred_ids == ids[3:]
    assert sorted(StatsSample.objects.values_list("project_id", flat=True)) == ids[:3]
    assert not Project.objects.filter(pk__in=ids[3:], fetch_error="").exclude(stars=None).exists()

    assert result.retry_at == dt.datetime.fromtimestamp(fake_github._limits["core"].reset, dt.UTC)
    asked = fake_github.count()
    early = run(result.deferred_ids, fake_github)  # before the reset: deferred again, GitHub not asked
    assert (early.summary.refreshed, early.deferred_ids, fake_github.count()) == (0, result.deferred_ids, asked)
    time_machine.move_to(result.retry_at + dt.timedelta(seconds=1), tick=True)
    rest = run(result.deferred_ids, fake_github)
    assert rest.summary.refreshed == 3 and not rest.deferred_ids
    assert sorted(StatsSample.objects.values_list("project_id", flat=True)) == ids
    assert list(Project.objects.filter(pk__in=ids).order_by("pk").values_list("stars", flat=True)) == [1, 2, 3, 4, 5, 6]


def test_stars_gained_in_30_days_come_from_the_sample_a_month_ago(project_factory, stats_sample_factory, fake_github):
    project = track(project_factory, fake_github, "a/b", stars=1500)
    stats_sample_factory(project=project, captured_on=timezone.now().date() - dt.timedelta(days=31), stars=1000)
    run([project.pk], fake_github)
    project.refresh_from_db()
    assert project.stars_gained_30d == 500


def test_folders_of_one_repository_share_one_graphql_alias(project_factory, fake_github):
    fake_github.add_repo("deepmind/lab", stars=6000)
    lab = project_factory(repo_owner="deepmind", repo_name="lab")
    psychlab = project_factory(repo_owner="deepmind", repo_name="lab", sub_path="game_scripts/psychlab")
    run([lab.pk, psychlab.pk], fake_github, token=TOKEN)
    assert fake_github.requests[0].aliases == 1
    assert set(Project.objects.values_list("stars", flat=True)) == {6000}


def test_sample_record_upserts_the_days_row(project):
    now = timezone.now()
    project.stars = 10
    samples.sample_record(project=project, captured_at=now)
    project.stars = 12
    sample = samples.sample_record(project=project, captured_at=now + dt.timedelta(minutes=5))
    assert StatsSample.objects.filter(project=project).count() == 1 and sample.stars == 12


def test_summaries_add_up():
    total = refresh.RefreshSummary(refreshed=1, missing=1) + refresh.RefreshSummary(not_modified=2, failed=3)
    assert total.line() == "refreshed 1, not modified 2, failed 3, missing 1"


@pytest.mark.django_db(transaction=True)
def test_two_concurrent_refreshes_write_exactly_one_sample_per_project(project_factory, fake_github):
    projects = [track(project_factory, fake_github, f"org/c{i}", stars=i) for i in range(20)]
    ids = [p.pk for p in projects]
    barrier = threading.Barrier(2)
    errors = []

    def worker():
        try:
            barrier.wait()
            run(ids, fake_github, token=TOKEN)
        except Exception as exc:  # noqa: BLE001 - surfaced by the assertion below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert errors == []
    assert fake_github.count(path="/graphql") == 2
    assert StatsSample.objects.count() == 20
    assert sorted(StatsSample.objects.values_list("project_id", flat=True)) == ids


def test_a_batch_of_unchanged_repositories_costs_a_fixed_number_of_queries(
    project_factory, fake_github, django_assert_num_queries
):
    projects = [track(project_factory, fake_github, f"org/q{i}", stars=i) for i in range(5)]
    ids = [p.pk for p in projects]
    run(ids, fake_github)
    # Read the batch, then in one transaction (a savepoint here): one UPDATE for all 304s, one sample upsert,
    # the batch's projects locked and their kept figures recomputed (rankings.kept_figures).
    with django_assert_num_queries(7):
        result = run(ids, fake_github)
    assert result.summary.not_modified == 5
