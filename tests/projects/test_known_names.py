"""A repository known under an earlier name is never added twice (issue 13, item 6).

The catalogue checks its recorded earlier names at once, and asks GitHub (one request, over
real HTTP to the fake GitHub) whether the repository moved before saving.
"""

import pytest
from django.core.exceptions import ValidationError

from projects.models import Project, RepositoryName
from projects.services import project_create_from_url
from tests.test_admin import _project_form

pytestmark = pytest.mark.django_db


def test_a_known_earlier_name_is_refused_without_asking_github(project_factory, fake_github):
    lab = project_factory(name="Lab", repo_owner="google-deepmind", repo_name="lab")
    RepositoryName.objects.create(project=lab, owner="deepmind", name="lab")
    with pytest.raises(ValidationError, match="already in the catalogue as “Lab”"):
        project_create_from_url(url="https://github.com/deepmind/lab")
    assert Project.objects.count() == 1 and fake_github.count() == 0


def test_a_renamed_repository_is_found_by_asking_github_once(project_factory, fake_github):
    fake_github.add_repo("google-deepmind/dm_control", stars=4000)
    fake_github.rename("google-deepmind/dm_control", "deepmind/dm_control")  # the old name is the one we track
    fake_github.rename("deepmind/dm_control", "google-deepmind/dm_control")
    project_factory(name="dm_control", repo_owner="google-deepmind", repo_name="dm_control")
    with pytest.raises(ValidationError, match="deepmind/dm_control is now google-deepmind/dm_control"):
        project_create_from_url(url="https://github.com/deepmind/dm_control")
    assert Project.objects.count() == 1
    assert fake_github.count(path="/repos/deepmind/dm_control") == 1


def test_a_new_project_under_an_old_name_is_saved_under_the_current_one(fake_github):
    repo = fake_github.add_repo("deepmind/sonnet", stars=9000)
    fake_github.rename("deepmind/sonnet", "google-deepmind/sonnet")
    project = project_create_from_url(url="https://github.com/deepmind/sonnet")
    assert (project.full_name, project.github_id, project.name) == ("google-deepmind/sonnet", repo.id, "sonnet")
    assert list(project.former_names.values_list("owner", "name")) == [("deepmind", "sonnet")]


def test_github_unreachable_still_adds_the_project_as_given(settings):
    settings.GITHUB_API_URL = "http://127.0.0.1:9"  # nothing listens there
    project = project_create_from_url(url="https://github.com/openai/gym")
    assert (project.full_name, project.github_id) == ("openai/gym", None)


def test_admin_refuses_the_old_name_of_a_repository_github_says_moved(staff_client, project_factory, fake_github):
    fake_github.add_repo("google-deepmind/dm_control", stars=4000)
    fake_github.rename("google-deepmind/dm_control", "deepmind/dm_control")
    fake_github.rename("deepmind/dm_control", "google-deepmind/dm_control")
    project_factory(name="dm_control", repo_owner="google-deepmind", repo_name="dm_control")
    response = staff_client.post(
        "/admin/projects/project/add/", _project_form(repo_url="https://github.com/deepmind/dm_control")
    )
    assert response.status_code == 200
    assert "deepmind/dm_control is now google-deepmind/dm_control" in response.content.decode()
    assert Project.objects.count() == 1
