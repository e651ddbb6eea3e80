"""import_stats finds projects under their repository's earlier names and folders (issue 13, item 5)."""

import datetime as dt
import io

import pytest

from projects.models import RepositoryName
from stats.importing import stats_import
from stats.models import StatsSample

TODAY = dt.date(2026, 12, 1)


def _import(text: str):
    return stats_import(io.StringIO(text, newline=""), today=TODAY)


@pytest.mark.django_db
def test_rows_under_an_old_name_land_on_the_renamed_project(project_factory):
    lab = project_factory(repo_owner="google-deepmind", repo_name="lab")
    RepositoryName.objects.create(project=lab, owner="deepmind", name="lab")
    report = _import("repo,date,stars\ndeepmind/lab,2018-02-01,4774\nhttps://github.com/DeepMind/Lab,2018-02-02,4780\n")
    assert report.errors == []
    assert list(lab.samples.values_list("captured_on", "stars")) == [
        (dt.date(2018, 2, 1), 4774),
        (dt.date(2018, 2, 2), 4780),
    ]


@pytest.mark.django_db
def test_a_project_in_a_folder_takes_its_repositorys_rows(project_factory):
    lab = project_factory(repo_owner="google-deepmind", repo_name="lab")
    psychlab = project_factory(
        repo_owner="google-deepmind", repo_name="lab", sub_path="game_scripts/levels/contributed/psychlab"
    )
    for project in (lab, psychlab):
        RepositoryName.objects.create(project=project, owner="deepmind", name="lab")
    report = _import("repo,date,stars\ndeepmind/lab,2018-02-01,4774\n")
    assert report.errors == [] and report.created == 2
    assert list(psychlab.samples.values_list("stars", flat=True)) == [4774]
    assert list(lab.samples.values_list("stars", flat=True)) == [4774]


@pytest.mark.django_db
def test_a_row_for_a_folder_feeds_that_folders_project_only(project_factory):
    lab = project_factory(repo_owner="deepmind", repo_name="lab")
    psychlab = project_factory(repo_owner="deepmind", repo_name="lab", sub_path="psychlab")
    report = _import("repo,date,stars\nhttps://github.com/deepmind/lab/tree/master/psychlab,2018-02-01,10\n")
    assert report.errors == []
    assert psychlab.samples.count() == 1 and lab.samples.count() == 0


@pytest.mark.django_db
def test_a_current_name_wins_over_the_same_earlier_name_of_another_project(project_factory):
    renamed = project_factory(repo_owner="someone", repo_name="new-name")
    RepositoryName.objects.create(project=renamed, owner="someone", name="tool")
    newcomer = project_factory(repo_owner="someone", repo_name="tool")
    report = _import("repo,date,stars\nsomeone/tool,2026-11-01,5\n")
    assert report.errors == []
    assert list(StatsSample.objects.values_list("project_id", flat=True)) == [newcomer.pk]


@pytest.mark.django_db
def test_an_unknown_repository_is_still_a_bad_row(project_factory):
    project_factory(repo_owner="deepmind", repo_name="lab")
    report = _import("repo,date,stars\ndeepmind/dm_control,2018-02-01,5\n")
    assert report.errors == [(2, "repository deepmind/dm_control is not in the catalogue")]
