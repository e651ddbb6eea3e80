"""The "refresh now" action on the admin project list."""

import pytest
from kombu.exceptions import OperationalError

from stats import tasks

pytestmark = pytest.mark.django_db


def post_action(staff_client, projects):
    return staff_client.post(
        "/admin/projects/project/",
        {"action": "refresh_now", "_selected_action": [p.pk for p in projects]},
        follow=True,
    )


def test_refresh_now_queues_the_selected_projects(staff_client, project_factory, monkeypatch):
    sent = []
    monkeypatch.setattr(tasks.refresh_batch, "apply_async", lambda args=None, kwargs=None, **kw: sent.append(args))
    projects = project_factory.create_batch(3)
    response = post_action(staff_client, projects[:2])
    assert response.status_code == 200
    assert "Queued a refresh of 2 projects" in response.content.decode()
    assert sent == [[[projects[0].pk, projects[1].pk]]]


def test_refresh_now_with_the_broker_down_shows_a_message_not_a_500(staff_client, project_factory, monkeypatch):
    def broker_down(*args, **kwargs):
        raise OperationalError("Error 111 connecting to 127.0.0.1:6379. Connection refused.")

    monkeypatch.setattr(tasks.refresh_batch, "apply_async", broker_down)
    response = post_action(staff_client, [project_factory()])
    assert response.status_code == 200
    content = response.content.decode()
    assert "The task queue cannot be reached" in content and "Connection refused" in content


def test_the_project_list_shows_fetched_figures_and_errors(staff_client, project_factory):
    project_factory(name="Lime", stars=5120, fetch_error="GitHub answered 503 (after 4 attempts)")
    content = staff_client.get("/admin/projects/project/").content.decode()
    assert "5120" in content or "5,120" in content
    assert "GitHub answered 503" in content
