"""HEAD works wherever GET does, and answers with GET's status and headers but no body.

A body sent after a HEAD response is read by a kept-alive client as the start of the next
response. Django's test client and runserver both drop such bodies themselves, and gunicorn
does not, so these requests go through the WSGI application as gunicorn calls it.
"""

import pytest
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from django.test import RequestFactory

from mltop.wsgi import application

PATHS = [
    "/",
    "/rankings/",
    "/rankings/{snapshot}/",
    "/rankings/compare/",
    "/projects/detectron/",
    "/authors/facebook-ai-research/",
    "/methodology/",
    "/feed/",
    "/badge/detectron.svg",
    "/healthz",
    "/livez",
    "/api/",
    "/api/projects/",
    "/api/projects/detectron/",
    "/api/rankings/current/",
    "/api/schema/",
    "/api/docs/",
    "/api/redoc/",
]


@pytest.fixture
def wsgi(db):
    """Calls the WSGI application: (status line, headers, body bytes as a server would send them)."""
    # The handler closes "old" connections at each request's start and end, which would end the
    # test's transaction; the test client switches this off the same way.
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)

    def call(method: str, path: str):
        environ = RequestFactory().generic(method, path).environ
        started = {}

        def start_response(status, headers, exc_info=None):
            started.update(status=status, headers=dict(headers))

        result = application(environ, start_response)
        try:
            body = b"".join(result)
        finally:
            result.close()
        return started["status"], started["headers"], body

    yield call
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.mark.parametrize("path", PATHS)
def test_head_answers_as_get_does_without_the_body(wsgi, seeded, path):
    path = path.format(snapshot=seeded.pk)
    get_status, get_headers, get_body = wsgi("GET", path)
    status, headers, body = wsgi("HEAD", path)
    assert get_status.startswith("200") and get_body
    assert status == get_status
    assert body == b""
    assert headers["Content-Type"] == get_headers["Content-Type"]
    for name in ("ETag", "Last-Modified", "Cache-Control"):
        assert headers.get(name) == get_headers.get(name), name


def test_head_of_an_error_has_no_body_either(wsgi, db):
    status, headers, body = wsgi("HEAD", "/api/projects/?page=x")
    assert status.startswith("400") and headers["Content-Type"] == "application/json" and body == b""


@pytest.mark.parametrize("path", ["/", "/feed/", "/api/rankings/current/", "/api/projects/"])
def test_a_head_first_caches_the_whole_body_for_the_gets_after_it(wsgi, seeded, path):
    wsgi("HEAD", path)  # a miss: the page or API body is rendered and cached by this HEAD
    status, headers, body = wsgi("GET", path)
    assert status.startswith("200") and len(body) == int(headers["Content-Length"]) > 0
