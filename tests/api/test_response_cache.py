"""API bodies rendered once and served from the cache: per generation for rankings, per URL for a
minute (API_CACHE_MAX_AGE) for project lists and stats; validators and throttling still apply."""

import datetime as dt

import pytest
import time_machine

from projects.models import Project

pytestmark = pytest.mark.django_db


def test_a_cached_ranking_keeps_its_validators_and_answers_304(api_client, seeded, django_assert_num_queries):
    cold = api_client.get("/api/rankings/current/")
    with django_assert_num_queries(0):
        warm = api_client.get("/api/rankings/current/")
        not_modified = api_client.get("/api/rankings/current/", HTTP_IF_NONE_MATCH=warm["ETag"])
    assert warm.content == cold.content and warm["ETag"] == cold["ETag"]
    assert warm["Last-Modified"] == cold["Last-Modified"] and warm["Cache-Control"] == cold["Cache-Control"]
    assert not_modified.status_code == 304


def test_cached_rankings_are_still_throttled(api_client, seeded, settings):
    settings.API_ANON_THROTTLE_RATE = "2/minute"
    statuses = [api_client.get("/api/rankings/current/").status_code for _ in range(3)]
    assert statuses == [200, 200, 429]


def test_project_list_and_stats_are_served_from_the_cache_within_a_minute(
    api_client, project_factory, stats_sample_factory, django_assert_num_queries
):
    project = project_factory(stars=10)
    stats_sample_factory(project=project, captured_on=dt.date(2024, 1, 1), stars=10)
    urls = ["/api/projects/?ordering=-stars", f"/api/projects/{project.slug}/stats/?interval=week"]
    cold = [api_client.get(url) for url in urls]
    with django_assert_num_queries(0):
        warm = [api_client.get(url) for url in urls]
    assert [r.content for r in warm] == [r.content for r in cold]
    assert [r["ETag"] for r in warm] == [r["ETag"] for r in cold]
    assert warm[1]["Last-Modified"] == cold[1]["Last-Modified"]


def test_new_figures_show_once_the_cached_body_expires(api_client, project_factory, stats_sample_factory, settings):
    # Local memory, whose expiry follows the (travelling) clock; Redis keeps its own time.
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "api"}}
    settings.API_CACHE_MAX_AGE = 60
    project = project_factory(stars=10)
    url = f"/api/projects/{project.slug}/stats/?interval=day"
    with time_machine.travel(dt.datetime(2024, 1, 2, tzinfo=dt.UTC), tick=False) as traveller:
        assert api_client.get(url).json()["points"] == []
        stats_sample_factory(project=project, captured_on=dt.date(2024, 1, 1), stars=10)
        Project.objects.filter(pk=project.pk).update(stars=20)
        assert api_client.get(url).json()["points"] == []
        assert api_client.get("/api/projects/").json()["results"][0]["stars"] == 20  # a URL of its own
        traveller.shift(dt.timedelta(seconds=61))
        assert [p["stars"] for p in api_client.get(url).json()["points"]] == [10]


def test_without_a_max_age_nothing_is_kept(api_client, project_factory, settings, django_assert_num_queries):
    settings.API_CACHE_MAX_AGE = 0
    project_factory()
    api_client.get("/api/projects/")
    with django_assert_num_queries(3):  # the page, credits + authors, topics
        api_client.get("/api/projects/")


def test_pagination_links_name_the_host_each_client_asked(api_client, project_factory):
    project_factory.create_batch(3)
    ours = api_client.get("/api/projects/?page_size=1").json()
    theirs = api_client.get("/api/projects/?page_size=1", HTTP_HOST="localhost").json()
    assert ours["next"].startswith("http://testserver/") and theirs["next"].startswith("http://localhost/")


def test_errors_are_not_kept(api_client, project_factory):
    assert api_client.get("/api/projects/no-such-project/stats/").status_code == 404
    project_factory(slug="no-such-project")
    assert api_client.get("/api/projects/no-such-project/stats/").status_code == 200


def test_editors_always_read_fresh_figures(editor_client, project_factory, django_assert_num_queries):
    project = project_factory(stars=10)
    editor_client.get("/api/projects/")
    Project.objects.filter(pk=project.pk).update(stars=20)
    # The token with its user, the user's and their groups' permissions (may they see candidates?), the list's three.
    with django_assert_num_queries(6):
        assert editor_client.get("/api/projects/").json()["results"][0]["stars"] == 20
