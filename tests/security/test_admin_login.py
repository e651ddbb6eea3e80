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


def _admin_form_urls(objects) -> list[str]:
    """Every URL of admin that accepts a POST: add, change, delete and the list's actions, per model."""
    from django.contrib import admin

    urls = ["/admin/password_change/", "/admin/logout/"]
    for model in admin.site._registry:
        base = f"/admin/{model._meta.app_label}/{model._meta.model_name}/"
        urls += [base, f"{base}add/"]
        obj = objects.get(model) or model.objects.order_by("pk").first()
        if obj is not None:
            urls += [f"{base}{obj.pk}/change/", f"{base}{obj.pk}/delete/"]
    return urls


def test_every_admin_form_refuses_a_post_without_a_csrf_token(seeded):
    from django.test import Client
    from django_celery_beat.models import PeriodicTask

    from projects.models import Project, Topic
    from rankings.models import RankingSnapshot
    from rankings.schedules import ensure_default_schedules
    from stats.models import StatsSample
    from tests.factories import StatsSampleFactory

    ensure_default_schedules()
    topic = Topic.objects.create(slug="rl", name="RL")
    sample = StatsSampleFactory(project=Project.objects.get(slug="detectron"))
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(StaffUserFactory())
    counts = (Project.objects.count(), Topic.objects.count(), StatsSample.objects.count(), PeriodicTask.objects.count())
    urls = _admin_form_urls({Topic: topic, StatsSample: sample, RankingSnapshot: seeded})
    assert len(urls) > 20
    for url in urls:
        response = strict.post(
            url, {"post": "yes", "action": "delete_selected", "_selected_action": ["1"], "name": "x"}
        )
        assert response.status_code == 403, url
        assert "CSRF" in response.content.decode(), url
    assert counts == (
        Project.objects.count(),
        Topic.objects.count(),
        StatsSample.objects.count(),
        PeriodicTask.objects.count(),
    )


def test_the_login_form_refuses_a_post_without_a_csrf_token(db):
    from django.test import Client

    editor = StaffUserFactory()
    strict = Client(enforce_csrf_checks=True)
    response = strict.post("/admin/login/?next=/admin/", {"username": editor.username, "password": PASSWORD})
    assert response.status_code == 403
    assert not strict.get("/admin/").wsgi_request.user.is_authenticated


@pytest.mark.parametrize("url", ["/api/token/", "/api/auth/token/", "/api-token-auth/", "/api/login/"])
def test_no_endpoint_hands_out_api_tokens(client, url):
    # Tokens are created by an administrator in admin, for editors; nobody can obtain one by password.
    editor = StaffUserFactory()
    response = client.post(url, {"username": editor.username, "password": PASSWORD})
    assert response.status_code == 404


def test_only_administrators_may_manage_tokens(client, db):
    from django.contrib.auth.models import Permission

    editor = StaffUserFactory(is_superuser=False)
    editor.user_permissions.add(*Permission.objects.filter(codename__in=["add_project", "change_project"]))
    client.force_login(editor)
    assert client.get("/admin/authtoken/tokenproxy/").status_code == 403
    assert client.get("/admin/authtoken/tokenproxy/add/").status_code == 403
