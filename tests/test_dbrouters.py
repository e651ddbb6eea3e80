"""The read replica's router (mltop/dbrouters.py): readers' reads on the replica, everything else on the primary.

The ``replica`` alias is a mirror of the suite's test database (tests/conftest.py), as in
Django's own primary/replica tests: the same data, a connection of its own, so the queries
each alias ran show where the router sent them.
"""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.db import connections, router, transaction
from django.test.utils import CaptureQueriesContext

from mltop.dbrouters import PIN_COOKIE, PrimaryReplicaRouter, replica_reads
from projects.models import Project
from rankings.models import RankingSnapshot
from stats.models import StatsSample
from tests.conftest import test_database_url

ROOT = Path(__file__).resolve().parent.parent
pytestmark = pytest.mark.django_db(transaction=True, databases=["default", "replica"])


@pytest.fixture
def replica(settings):
    settings.DATABASE_REPLICA_URL = test_database_url()
    settings.DATABASE_ROUTERS = ["mltop.dbrouters.PrimaryReplicaRouter"]


def tables(queries) -> set[str]:
    """The MLTop apps' tables that a list of captured queries read."""
    sql = " ".join(query["sql"] for query in queries).replace('"', "")
    return {app for app in ("projects_", "stats_", "rankings_", "auth_", "django_session") if app in sql}


def get(client, path, **extra):
    with (
        CaptureQueriesContext(connections["default"]) as primary,
        CaptureQueriesContext(connections["replica"]) as copy,
    ):
        response = client.get(path, **extra)
    assert response.status_code == 200, path
    return primary.captured_queries, copy.captured_queries


@pytest.mark.parametrize("path", ["/", "/api/projects/?ordering=-stars", "/api/rankings/current/"])
def test_readers_pages_and_api_read_the_replica(replica, seeded, client, path):
    primary, copy = get(client, path)
    assert copy and tables(copy) >= {"projects_"}
    assert not tables(primary) & {"projects_", "stats_", "rankings_"}, [q["sql"] for q in primary]


def test_a_project_page_reads_from_the_replica_alone(replica, seeded, client):
    project = Project.objects.tracked().first()
    primary, copy = get(client, project.get_absolute_url())
    assert {"projects_", "rankings_"} <= tables(copy)
    assert not primary


def test_admin_reads_the_primary_even_for_a_get(replica, seeded, staff_client):
    primary, copy = get(staff_client, "/admin/projects/project/")
    assert tables(primary) >= {"projects_", "auth_", "django_session"}
    assert not copy


def test_a_client_that_wrote_reads_its_own_writes_from_the_primary(replica, seeded, settings, staff_client):
    response = staff_client.post("/admin/logout/")
    assert response.status_code == 200
    cookie = response.cookies[PIN_COOKIE]
    assert cookie["max-age"] == settings.DATABASE_REPLICA_PIN_SECONDS and cookie["httponly"]
    primary, copy = get(staff_client, "/")
    assert tables(primary) >= {"projects_", "rankings_"} and not copy


def test_a_refused_write_does_not_pin(replica, client):
    response = client.post("/api/projects/")
    assert response.status_code >= 400 and PIN_COOKIE not in response.cookies


def test_without_a_replica_nothing_pins(seeded, client, settings):
    assert not settings.DATABASE_REPLICA_URL
    assert PIN_COOKIE not in client.post("/admin/logout/").cookies


def test_the_rules_of_the_router():
    routes = PrimaryReplicaRouter()
    user = get_user_model()
    # Outside a reader's request (tasks, commands, builds, refresh): the primary.
    assert routes.db_for_read(Project) == routes.db_for_read(StatsSample) == "default"
    with replica_reads():
        assert routes.db_for_read(Project) == routes.db_for_read(RankingSnapshot) == "replica"
        # Sessions, users and login throttling: never lost to lag.
        assert routes.db_for_read(user) == "default"
        with transaction.atomic():
            # A transaction reads what it wrote, which only the primary has.
            assert routes.db_for_read(Project) == "default"
        assert routes.db_for_write(Project) == "default"
    assert routes.db_for_read(Project) == "default"
    assert routes.allow_migrate("default", "projects") and not routes.allow_migrate("replica", "projects")


def test_a_write_inside_a_readers_request_goes_to_the_primary(replica):
    with replica_reads():
        Project.objects.create(name="Written", slug="written", repo_owner="o", repo_name="written")
        assert router.db_for_write(Project) == "default"
    with CaptureQueriesContext(connections["replica"]) as copy:
        assert Project.objects.filter(slug="written").exists()
    assert not copy.captured_queries


def test_the_setting_makes_the_alias_and_installs_the_router():
    code = (
        "import django, json; django.setup(); from django.conf import settings as s;"
        "print(json.dumps([s.DATABASES['replica']['HOST'], s.DATABASES['replica']['NAME'],"
        " s.DATABASES['replica']['TEST']['MIRROR'], s.DATABASE_ROUTERS]))"
    )
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "mltop.settings",
        "DJANGO_SECRET_KEY": "x" * 50,
        "DATABASE_URL": "postgres://u@primary.example:5432/mltop",
        "DATABASE_REPLICA_URL": "postgres://u@replica.example:5432/mltop",
    }
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120, check=True
    ).stdout
    assert json.loads(out) == [
        "replica.example",
        "mltop",
        "default",
        ["mltop.dbrouters.PrimaryReplicaRouter"],
    ]
