import pytest

from tests.factories import StaffUserFactory

pytestmark = pytest.mark.django_db

PASSWORD = "correct horse battery staple"


def _login(client, username, password):
    return client.post("/admin/login/?next=/admin/", {"username": username, "password": password})


def test_staff_can_log_in(client):
    editor = StaffUserFactory()
    response = _login(client, editor.username, PASSWORD)
    assert response.status_code == 302
    assert response["Location"] == "/admin/"


def test_repeated_failures_lock_the_login_out(client, settings):
    editor = StaffUserFactory()
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        response = _login(client, editor.username, "wrong password")
        assert response.status_code == 200
        assert "Please enter the correct username and password" in response.content.decode()
    locked = _login(client, editor.username, "wrong password")
    assert locked.status_code == 429
    # Even the right password is refused while the lock lasts.
    assert _login(client, editor.username, PASSWORD).status_code == 429
    assert not client.get("/admin/").wsgi_request.user.is_authenticated


def test_admin_forms_require_csrf(seeded):
    from django.test import Client

    editor = StaffUserFactory()
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(editor)
    response = strict.post("/admin/projects/project/add/", {"name": "x"})
    assert response.status_code == 403
    assert "CSRF" in response.content.decode()
