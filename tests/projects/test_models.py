import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError

from projects.models import Project
from projects.services import project_create_from_url

pytestmark = pytest.mark.django_db


def test_repository_is_unique_ignoring_case(project_factory):
    project_factory(repo_owner="DeepMind", repo_name="Lab")
    with pytest.raises(IntegrityError):
        project_factory(repo_owner="deepmind", repo_name="lab")


def test_same_repository_different_sub_paths_are_distinct(project_factory):
    project_factory(repo_owner="deepmind", repo_name="lab", sub_path="")
    other = project_factory(repo_owner="deepmind", repo_name="lab", sub_path="game_scripts/psychlab")
    assert other.html_url == "https://github.com/deepmind/lab/tree/HEAD/game_scripts/psychlab"


def test_github_id_is_unique(project_factory):
    project_factory(github_id=42)
    with pytest.raises(IntegrityError):
        project_factory(github_id=42)


def test_create_from_url_derives_name_and_slug():
    project = project_create_from_url(url="https://github.com/marcotcr/lime.git")
    assert (project.name, project.slug, project.full_name) == ("lime", "lime", "marcotcr/lime")
    assert project.status == Project.Status.TRACKED


def test_create_from_url_refuses_a_known_repository():
    project_create_from_url(url="https://github.com/marcotcr/lime")
    with pytest.raises(ValidationError, match="already in the catalogue"):
        project_create_from_url(url="https://github.com/MarcoTCR/LIME/")
    assert Project.objects.count() == 1


def test_create_from_url_reports_a_bad_url():
    with pytest.raises(ValidationError) as exc_info:
        project_create_from_url(url="https://gitlab.com/a/b")
    assert "must be on github.com" in exc_info.value.message_dict["repo_url"][0]


def test_with_credits_lists_authors_in_credit_order(
    project, author_factory, authorship_factory, django_assert_num_queries
):
    second, first = author_factory(name="Zed"), author_factory(name="Ada")
    authorship_factory(project=project, author=second, position=1)
    authorship_factory(project=project, author=first, position=0)
    with django_assert_num_queries(3):
        loaded = Project.objects.with_credits().get(pk=project.pk)
        names = [credit.author.name for credit in loaded.authorships.all()]
        list(loaded.topics.all())
    assert names == ["Ada", "Zed"]


def test_author_get_or_create_leaves_an_existing_author_as_editors_left_them(author_factory):
    from projects.services import author_get_or_create

    existing = author_factory(name="OpenAI", slug="openai", kind="organization", affiliation="")
    assert author_get_or_create(name="OpenAI", kind="person", affiliation="Elsewhere") == existing
    existing.refresh_from_db()
    assert (existing.kind, existing.affiliation) == ("organization", "")
    created = author_get_or_create(name="Tim Salimans", kind="person", affiliation="OpenAI")
    assert (created.slug, created.kind, created.affiliation) == ("tim-salimans", "person", "OpenAI")
