"""Property-based tests of the whole API from its own OpenAPI schema (schemathesis).

Every operation in /api/schema/ gets generated requests, valid and invalid, sent through
the real WSGI application (all middleware included) against the seed data plus a second
published snapshot. No response may be a 5xx, and every response must match the schema
(status code, content type, body). Generation is derandomized and bounded so CI stays fast.
"""

import collections
import datetime as dt

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    negative_data_rejection,
    response_schema_conformance,
    status_code_conformance,
)

from mltop.wsgi import application

from .conftest import make_published_snapshot

MAX_EXAMPLES = 10
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
    negative_data_rejection,
]


@pytest.fixture
def api_schema(db, seeded, settings):
    settings.API_ANON_THROTTLE_RATE = ""  # hundreds of requests from one client: throttling has its own test
    make_published_snapshot(
        taken_at=dt.datetime(2018, 3, 1, tzinfo=dt.UTC), projects=[e.project for e in seeded.entries.order_by("-rank")]
    )
    # The WSGI handler closes "old" connections at each request's start and end, which would end the
    # test's transaction; the test client switches this off the same way.
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield schemathesis.openapi.from_wsgi("/api/schema/", application)
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


schema = schemathesis.pytest.from_fixture("api_schema")


@pytest.fixture(scope="module")
def tally():
    """Responses per operation and status class, printed at the end (``pytest -s``) to see what ran."""
    counts = collections.Counter()
    yield counts
    operations = {operation for operation, _ in counts}
    print(f"\nschemathesis: {len(operations)} operations, {sum(counts.values())} requests")
    for (operation, status), n in sorted(counts.items()):
        print(f"  {operation:45} {status}: {n}")


@pytest.mark.django_db
@schema.parametrize()
@settings(
    max_examples=MAX_EXAMPLES,
    derandomize=True,
    deadline=None,
    database=None,
    suppress_health_check=list(HealthCheck),
)
def test_api_conforms_to_its_schema(case, tally):
    response = case.call_and_validate(checks=CHECKS)
    tally[(f"{case.method} {case.path}", f"{response.status_code // 100}xx")] += 1


@pytest.fixture
def editor_token(editor):
    from rest_framework.authtoken.models import Token

    return Token.objects.create(user=editor).key


@pytest.mark.django_db
@schema.include(method=["POST", "PATCH"]).parametrize()
@settings(
    max_examples=MAX_EXAMPLES,
    derandomize=True,
    deadline=None,
    database=None,
    suppress_health_check=list(HealthCheck),
)
def test_editor_writes_conform_to_the_schema(case, editor_token, tally):
    """The writes again, as an editor with the permissions: real creates, status changes, publishes."""
    response = case.call_and_validate(headers={"Authorization": f"Token {editor_token}"}, checks=CHECKS)
    tally[(f"editor {case.method} {case.path}", f"{response.status_code // 100}xx")] += 1
