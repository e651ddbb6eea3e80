"""Editors' writes: token authentication and model permissions, for every write endpoint."""

import pytest

from projects.models import Project
from rankings.models import RankingSnapshot

pytestmark = pytest.mark.django_db


@pytest.fixture
def draft(ranking_entry_factory):
    entry = ranking_entry_factory(rank=1)
    ranking_entry_factory(snapshot=entry.snapshot, rank=2)
    return entry.snapshot


@pytest.fixture
def published(ranking_entry_factory):
    from rankings.services import snapshot_publish

    return snapshot_publish(snapshot=ranking_entry_factory(rank=1).snapshot)


def _state():
    """Everything the writes could change, to show that a refused write changed nothing."""
    projects = sorted(Project.objects.values_list("slug", "status", "status_reason"))
    snapshots = sorted(RankingSnapshot.objects.values_list("pk", "status", "published_at"))
    return projects, snapshots


WRITES = [
    ("post", "/api/projects/", lambda ctx: {"url": "https://github.com/openai/gym"}),
    ("patch", "/api/projects/{project}/", lambda ctx: {"status": "excluded", "status_reason": "Spam"}),
    ("post", "/api/rankings/{draft}/publish/", lambda ctx: None),
    ("post", "/api/rankings/{published}/unpublish/", lambda ctx: None),
]


@pytest.fixture
def write_context(project_factory, draft, published):
    return {"project": project_factory().slug, "draft": draft.pk, "published": published.pk}


@pytest.mark.parametrize(("method", "path", "body"), WRITES)
def test_anonymous_writes_get_401_and_change_nothing(api_client, write_context, method, path, body):
    before = _state()
    response = getattr(api_client, method)(path.format(**write_context), body(write_context), format="json")
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Token"
    assert response.json() == {"detail": "Authentication credentials were not provided."}
    assert _state() == before


@pytest.mark.parametrize(("method", "path", "body"), WRITES)
def test_writes_without_model_permission_get_403_and_change_nothing(reader_client, write_context, method, path, body):
    before = _state()
    response = getattr(reader_client, method)(path.format(**write_context), body(write_context), format="json")
    assert response.status_code == 403
    assert response.json() == {"detail": "You do not have permission to perform this action."}
    assert _state() == before


@pytest.mark.parametrize(("method", "path", "body"), WRITES)
def test_a_bad_token_gets_401_and_changes_nothing(api_client, write_context, method, path, body):
    api_client.credentials(HTTP_AUTHORIZATION="Token not-a-real-token")
    before = _state()
    response = getattr(api_client, method)(path.format(**write_context), body(write_context), format="json")
    assert response.status_code == 401
    assert response.json() == {"detail": "Invalid token."}
    assert _state() == before


def test_editor_adds_a_project_by_github_url(editor_client):
    response = editor_client.post(
        "/api/projects/", {"url": "https://github.com/deepmind/lab/tree/master/game_scripts"}, format="json"
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["full_name"], body["sub_path"], body["name"], body["status"]) == (
        "deepmind/lab",
        "game_scripts",
        "game_scripts",
        "tracked",
    )
    assert Project.objects.get(slug=body["slug"]).repo_name == "lab"
    # Where the new project lives in the API, as its own url says.
    assert response["Location"] == body["url"] == f"http://testserver/api/projects/{body['slug']}/"


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("https://gitlab.com/a/b", "must be on github.com"),
        ("https://github.com/only-owner", "must name both the owner and the repository"),
        ("not a url", "cannot contain spaces"),
    ],
)
def test_editor_gets_the_admin_validation_message_for_a_bad_url(editor_client, url, message):
    response = editor_client.post("/api/projects/", {"url": url}, format="json")
    assert response.status_code == 400
    body = response.json()
    # Under the field the client sent (url), not the service's name for it.
    assert body["detail"] == f"url: {body['errors']['url'][0]}" and message in body["errors"]["url"][0]
    assert set(body["errors"]) == {"url"}
    assert not Project.objects.exists()


def test_editor_cannot_add_a_repository_twice(editor_client, project_factory):
    project_factory(repo_owner="openai", repo_name="gym")
    response = editor_client.post("/api/projects/", {"url": "https://github.com/OpenAI/Gym.git"}, format="json")
    assert response.status_code == 400
    body = response.json()
    assert "already in the catalogue" in body["detail"]
    # A whole-request error, under the key DRF uses for those, not Django's "__all__".
    assert set(body["errors"]) == {"non_field_errors"} and body["detail"] == body["errors"]["non_field_errors"][0]
    assert Project.objects.count() == 1


def test_editor_changes_a_project_status(editor_client, project_factory):
    project = project_factory(status=Project.Status.TRACKED)
    response = editor_client.patch(
        f"/api/projects/{project.slug}/", {"status": "excluded", "status_reason": "A fork."}, format="json"
    )
    assert response.status_code == 200
    assert (response.json()["status"], response.json()["status_reason"]) == ("excluded", "A fork.")
    project.refresh_from_db()
    assert (project.status, project.status_reason) == ("excluded", "A fork.")


def test_patch_is_partial_a_reason_alone_keeps_the_status(editor_client, project_factory):
    project = project_factory(status=Project.Status.EXCLUDED, status_reason="")
    response = editor_client.patch(f"/api/projects/{project.slug}/", {"status_reason": "A fork."}, format="json")
    assert response.status_code == 200, response.json()
    assert (response.json()["status"], response.json()["status_reason"]) == ("excluded", "A fork.")
    project.refresh_from_db()
    assert (project.status, project.status_reason) == ("excluded", "A fork.")
    unchanged = editor_client.patch(f"/api/projects/{project.slug}/", {}, format="json")
    assert unchanged.status_code == 200 and unchanged.json()["status_reason"] == "A fork."


def test_a_bad_status_is_400(editor_client, project_factory):
    project = project_factory()
    response = editor_client.patch(f"/api/projects/{project.slug}/", {"status": "famous"}, format="json")
    assert response.status_code == 400 and "status" in response.json()["errors"]


def test_editor_publishes_and_unpublishes_a_snapshot(
    editor_client, api_client, draft, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = editor_client.post(f"/api/rankings/{draft.pk}/publish/")
    assert response.status_code == 200 and response.json()["status"] == "published"
    assert api_client.get(f"/api/rankings/{draft.pk}/").status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        response = editor_client.post(f"/api/rankings/{draft.pk}/unpublish/")
    assert response.status_code == 200 and response.json()["status"] == "draft"
    assert api_client.get(f"/api/rankings/{draft.pk}/").status_code == 404


def test_publishing_twice_or_a_broken_draft_is_400(editor_client, published, ranking_entry_factory):
    response = editor_client.post(f"/api/rankings/{published.pk}/publish/")
    assert response.status_code == 400 and "already published" in response.json()["detail"]
    gap = ranking_entry_factory(rank=1).snapshot
    ranking_entry_factory(snapshot=gap, rank=3)
    response = editor_client.post(f"/api/rankings/{gap.pk}/publish/")
    assert response.status_code == 400 and "missing: 2" in response.json()["detail"]
    gap.refresh_from_db()
    assert gap.status == RankingSnapshot.Status.DRAFT


def test_editor_writes_to_unknown_ids_are_404(editor_client):
    assert editor_client.post("/api/rankings/987654/publish/").status_code == 404
    assert editor_client.patch("/api/projects/nope/", {"status": "tracked"}, format="json").status_code == 404


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("put", "/api/projects/{project}/"),
        ("delete", "/api/projects/{project}/"),
        ("post", "/api/rankings/"),
        ("delete", "/api/rankings/{published}/"),
        ("get", "/api/rankings/{published}/publish/"),
        ("post", "/api/authors/"),
    ],
)
def test_methods_an_endpoint_does_not_offer_are_405(editor, editor_client, write_context, method, path):
    editor.is_superuser = True  # even with every permission
    editor.save()
    response = getattr(editor_client, method)(path.format(**write_context), {}, format="json")
    assert response.status_code == 405
    assert "not allowed" in response.json()["detail"]


def test_writes_in_another_media_type_are_415(editor_client):
    response = editor_client.post("/api/projects/", "url=https://github.com/a/b", content_type="text/plain")
    assert response.status_code == 415
    assert response.json()["detail"] == 'Unsupported media type "text/plain" in request.'
    assert not Project.objects.exists()


def test_malformed_json_is_400(editor_client):
    response = editor_client.post("/api/projects/", "{not json", content_type="application/json")
    assert response.status_code == 400 and "JSON parse error" in response.json()["detail"]
