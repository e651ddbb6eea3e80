"""The API refuses a repository the catalogue knows under another name (issue 13, item 6)."""

import pytest

from projects.models import Project, RepositoryName

pytestmark = pytest.mark.django_db


def test_the_api_refuses_an_old_name_of_a_tracked_repository(editor_client, project_factory, fake_github):
    lab = project_factory(name="Lab", repo_owner="google-deepmind", repo_name="lab")
    RepositoryName.objects.create(project=lab, owner="deepmind", name="lab")
    response = editor_client.post("/api/projects/", {"url": "https://github.com/deepmind/lab"}, format="json")
    assert response.status_code == 400, response.content
    assert "already in the catalogue as “Lab”" in response.content.decode()
    assert Project.objects.count() == 1
