"""Redis stops under a running site, then comes back; nothing is lost and nothing restarts.

gunicorn (production settings) and a Celery worker run against a Redis of the test's own,
which is killed and later started again on the same port, empty, as after a crash. While
it is down, pages and the API serve the same content from the database (cache errors are
logged and bypassed), /healthz says the broker is down with a 503 while the database is
fine, and an editor's "refresh now" in admin gets a clear message instead of a 500. When it
returns, the same worker takes work again and pages are cached again.
"""

import re

import pytest
import requests

from projects.models import Project
from stats.models import StatsSample
from tests.factories import StaffUserFactory
from tests.stats.test_worker import serve_seed_projects

from .conftest import test_database_url, wait_for

pytestmark = [pytest.mark.faults, pytest.mark.integration, pytest.mark.django_db(transaction=True)]

PASSWORD = "correct horse battery staple"
QUEUE_DOWN = "The task queue cannot be reached"
HTTP_TIMEOUT = 30  # generous: the machine may be busy; no assertion is about speed


def main(html: str) -> str:
    """A page's main content."""
    return html[html.index("<main") : html.index("</main>")]


def csrf_token(html: str) -> str:
    return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)


def admin_session(url: str, username: str) -> requests.Session:
    session = requests.Session()
    login = session.get(f"{url}/admin/login/", timeout=HTTP_TIMEOUT)
    response = session.post(
        f"{url}/admin/login/?next=/admin/",
        data={"username": username, "password": PASSWORD, "csrfmiddlewaretoken": csrf_token(login.text)},
        timeout=HTTP_TIMEOUT,
    )
    assert response.status_code == 200 and "Log out" in response.text
    return session


def refresh_now(session: requests.Session, url: str, ids: list[int]) -> requests.Response:
    changelist = session.get(f"{url}/admin/projects/project/", timeout=HTTP_TIMEOUT)
    return session.post(
        f"{url}/admin/projects/project/",
        data={
            "action": "refresh_now",
            "_selected_action": ids,
            "index": 0,
            "csrfmiddlewaretoken": csrf_token(changelist.text),
        },
        timeout=30,
    )


def github_samples() -> int:
    return StatsSample.objects.filter(source=StatsSample.Source.OBSERVED).count()


def cached_keys(redis_server) -> list[bytes]:
    """Cached reader pages (rankings/pagecache.py), under our key prefix."""
    return redis_server.client().keys("mltop:*:pages:*")


def test_with_redis_stopped_the_site_serves_from_the_database_and_recovers_without_a_restart(
    fake_github, redis_server, processes
):
    tracked = serve_seed_projects(fake_github)
    ids = list(Project.objects.tracked().order_by("pk").values_list("pk", flat=True))
    editor = StaffUserFactory()
    env = processes.env(database_url=test_database_url(), redis_url=redis_server.url, GITHUB_API_URL=fake_github.url)
    worker = processes.worker(env)
    web, url = processes.gunicorn(env)

    # Redis up: pages and API answer and are cached; both checks are healthy.
    page = requests.get(f"{url}/", timeout=HTTP_TIMEOUT)
    api = requests.get(f"{url}/api/rankings/current/", timeout=HTTP_TIMEOUT)
    assert page.status_code == api.status_code == 200
    assert cached_keys(redis_server)
    health = requests.get(f"{url}/healthz", timeout=HTTP_TIMEOUT)
    assert health.status_code == 200 and health.json()["checks"]["broker"]["status"] == "ok"
    session = admin_session(url, editor.username)

    redis_server.stop()
    logged_before = web.output.count("mltop.caching")
    worker_output = len(worker.output)

    # Redis down: the same content from the database, a logged cache error, no 500.
    down_page = requests.get(f"{url}/", timeout=HTTP_TIMEOUT)
    down_api = requests.get(f"{url}/api/rankings/current/", timeout=HTTP_TIMEOUT)
    assert down_page.status_code == 200 and main(down_page.text) == main(page.text)
    assert down_api.status_code == 200 and down_api.json() == api.json()
    project_page = requests.get(f"{url}/projects/{Project.objects.get(pk=ids[0]).slug}/", timeout=HTTP_TIMEOUT)
    assert project_page.status_code == 200
    assert web.output.count("mltop.caching") > logged_before
    health = requests.get(f"{url}/healthz", timeout=HTTP_TIMEOUT)
    assert health.status_code == 503
    checks = health.json()["checks"]
    assert checks["database"]["status"] == "ok" and checks["broker"]["status"] == "down"
    refused = refresh_now(session, url, ids)
    assert refused.status_code == 200 and QUEUE_DOWN in refused.text
    assert github_samples() == 0 and worker.proc.poll() is None

    # Redis back, empty, on the same port: the worker reconnects by itself and takes work again.
    redis_server.start()
    assert worker.wait_output("Connected to redis", after=worker_output, timeout=60), "the worker did not reconnect"
    queued = refresh_now(session, url, ids)
    assert queued.status_code == 200 and f"Queued a refresh of {tracked} projects" in queued.text
    assert wait_for(lambda: github_samples() == tracked, timeout=60), "the worker did not refresh"
    for project in Project.objects.tracked():
        assert project.stars == fake_github.repo(project.full_name).stars and project.fetch_error == ""
    assert requests.get(f"{url}/healthz", timeout=HTTP_TIMEOUT).status_code == 200
    assert not cached_keys(redis_server)
    again = requests.get(f"{url}/", timeout=HTTP_TIMEOUT)
    assert again.status_code == 200 and cached_keys(redis_server)  # pages are cached again
    assert "20,000" in main(again.text)  # with the figures the worker just fetched
