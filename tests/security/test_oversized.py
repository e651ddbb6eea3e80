"""Oversized requests are refused with a message that says so, before they are read into memory."""

import json

import pytest
from django.contrib.auth.models import Permission
from rest_framework.authtoken.models import Token

from projects.models import Project, Topic
from tests.factories import StaffUserFactory

pytestmark = pytest.mark.django_db

LIMIT = 64 * 1024


@pytest.fixture(autouse=True)
def _small_limit(settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = LIMIT


@pytest.fixture
def editor_headers(db):
    editor = StaffUserFactory(is_superuser=False)
    editor.user_permissions.add(*Permission.objects.filter(codename__in=["add_project", "change_project"]))
    return {"HTTP_AUTHORIZATION": f"Token {Token.objects.create(user=editor).key}"}


def _body(size: int) -> str:
    return json.dumps({"url": "https://github.com/example/big", "name": "x" * size})


def test_the_api_refuses_a_body_over_the_limit_with_json_413(client, editor_headers):
    response = client.post("/api/projects/", _body(LIMIT), content_type="application/json", **editor_headers)
    assert response.status_code == 413
    assert response["Content-Type"] == "application/json"
    assert response.json() == {"detail": "The request body is larger than the API accepts (64 KB at most)."}
    assert not Project.objects.filter(repo_name="big").exists()


def test_the_api_refuses_on_the_declared_length_before_reading(client, editor_headers):
    response = client.post(
        "/api/projects/", b"{}", content_type="application/json", CONTENT_LENGTH=str(LIMIT + 1), **editor_headers
    )
    assert response.status_code == 413


def test_the_api_takes_a_body_under_the_limit(client, editor_headers):
    response = client.post(
        "/api/projects/",
        json.dumps({"url": "https://github.com/example/small"}),
        content_type="application/json",
        **editor_headers,
    )
    assert response.status_code == 201


def test_an_admin_form_over_the_limit_gets_the_400_page_with_a_message(staff_client):
    response = staff_client.post("/admin/projects/topic/add/", {"slug": "big", "name": "x" * LIMIT})
    assert response.status_code == 400
    assert "text/html" in response["Content-Type"]
    assert "The request is too large: this site accepts at most 64 KB." in response.content.decode()
    assert not Topic.objects.filter(slug="big").exists()


def test_a_login_over_the_limit_gets_the_400_page(client):
    response = client.post("/admin/login/", {"username": "x" * LIMIT, "password": "x"})
    assert response.status_code == 400
    assert "The request is too large" in response.content.decode()


def test_too_many_fields_get_the_400_page_with_a_message(staff_client, settings):
    fields = {f"f{i}": "1" for i in range(settings.DATA_UPLOAD_MAX_NUMBER_FIELDS + 1)}
    response = staff_client.post("/admin/projects/topic/add/", fields)
    assert response.status_code == 400
    assert "The form has too many fields: this site accepts at most 2000." in response.content.decode()


def test_the_400_page_is_translated(client):
    response = client.post("/admin/login/", {"username": "x" * LIMIT, "password": "x"}, HTTP_ACCEPT_LANGUAGE="zh-Hans")
    assert response.status_code == 400
    assert "请求过大" in response.content.decode()
