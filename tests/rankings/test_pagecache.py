"""Whole pages cached per rankings generation, URL and language, each reader with their own CSRF token."""

import datetime as dt
import re

import pytest
import time_machine
from django.test import Client

from rankings.pagecache import CSRF_PLACEHOLDER, LIVE_TIMEOUT
from rankings.services import snapshot_publish, snapshot_unpublish
from tests.builders import build_rankings

pytestmark = pytest.mark.django_db

TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


def _token(response) -> str:
    return TOKEN.search(response.content.decode()).group(1)


@pytest.fixture
def ranked():
    projects, published = build_rankings(snapshots=2, entries=10, samples=3)
    return projects, published


@pytest.fixture
def page_urls(ranked):
    projects, published = ranked
    return ["/", f"/rankings/{published[0].pk}/", f"/projects/{projects[0].slug}/"]


def test_a_cached_page_runs_no_query_and_renders_no_template(client, page_urls, django_assert_num_queries):
    for url in page_urls:
        cold = client.get(url)
        assert cold.status_code == 200 and cold.templates
        with django_assert_num_queries(0):
            warm = client.get(url)
        assert warm.status_code == 200 and warm.templates == []
        assert TOKEN.sub("", warm.content.decode()) == TOKEN.sub("", cold.content.decode())


def test_each_reader_gets_their_own_csrf_token_and_never_the_placeholder(page_urls):
    for url in page_urls:
        first, second = Client(), Client()
        a, b = first.get(url), second.get(url)
        assert CSRF_PLACEHOLDER not in a.content.decode() + b.content.decode()
        assert _token(a) != _token(b)
        # The cookie that goes with the token is set, as rendering {% csrf_token %} would.
        assert first.cookies["csrftoken"].value and second.cookies["csrftoken"].value
        assert first.cookies["csrftoken"].value != second.cookies["csrftoken"].value


def test_the_language_switcher_posts_with_the_token_of_a_cached_page(page_urls):
    warm_up = Client()
    warm_up.get("/")
    reader = Client(enforce_csrf_checks=True)
    token = _token(reader.get("/"))
    switched = reader.post("/i18n/setlang/", {"language": "zh-hans", "next": "/", "csrfmiddlewaretoken": token})
    assert switched.status_code == 302 and switched["Location"] == "/"
    assert 'lang="zh-hans"' in reader.get("/").content.decode()


def test_csrf_protection_still_refuses_another_readers_token(page_urls):
    victim, attacker = Client(enforce_csrf_checks=True), Client(enforce_csrf_checks=True)
    stolen = _token(attacker.get("/"))
    victim.get("/")
    refused = victim.post("/i18n/setlang/", {"language": "zh-hans", "next": "/", "csrfmiddlewaretoken": stolen})
    assert refused.status_code == 403


def test_each_language_has_its_own_copy(client, page_urls, django_assert_num_queries):
    client.get("/", HTTP_ACCEPT_LANGUAGE="en")
    chinese = client.get("/", HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert 'lang="zh-hans"' in chinese.content.decode() and chinese.templates
    with django_assert_num_queries(0):
        english = client.get("/", HTTP_ACCEPT_LANGUAGE="en")
        chinese_again = client.get("/", HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert 'lang="en"' in english.content.decode() and english.templates == []
    assert 'lang="zh-hans"' in chinese_again.content.decode() and chinese_again.templates == []


def test_the_form_sends_readers_back_to_the_url_they_asked_for(client, page_urls):
    client.get("/")
    tagged = client.get("/?ref=feed").content.decode()
    assert 'name="next" type="hidden" value="/?ref=feed"' in tagged
    assert 'name="next" type="hidden" value="/"' in client.get("/").content.decode()


def test_staff_get_the_same_cached_page_with_their_own_token(staff_client, page_urls, django_assert_num_queries):
    anonymous = Client()
    for url in page_urls:
        seen = anonymous.get(url)
        with django_assert_num_queries(0):
            staff = staff_client.get(url)
        assert staff.templates == []
        assert _token(staff) != _token(seen)
        assert TOKEN.sub("", staff.content.decode()) == TOKEN.sub("", seen.content.decode())


def test_publish_and_unpublish_invalidate_every_page(
    client, ranked, ranking_snapshot_factory, ranking_entry_factory, django_capture_on_commit_callbacks
):
    projects, published = ranked
    project = projects[0]
    urls = ["/", f"/rankings/{published[-1].pk}/", f"/projects/{project.slug}/"]
    before = {url: client.get(url).content.decode() for url in urls}
    assert "Top 10 of this week" not in before["/"]
    newer = ranking_snapshot_factory(title="Top 10 of this week")
    ranking_entry_factory(snapshot=newer, project=project, rank=1)
    with django_capture_on_commit_callbacks(execute=True):
        snapshot_publish(snapshot=newer)
    assert "Top 10 of this week" in client.get("/").content.decode()
    assert "Top 10 of this week" in client.get(f"/projects/{project.slug}/").content.decode()
    # The older snapshot's page now links to the newer one.
    assert f"/rankings/{newer.pk}/" in client.get(f"/rankings/{published[-1].pk}/").content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        snapshot_unpublish(snapshot=published[-1])
    assert client.get(f"/rankings/{published[-1].pk}/").status_code == 404


def test_unknown_pages_are_404s_and_not_cached(client, ranked):
    assert client.get("/rankings/999999/").status_code == 404
    assert client.get("/projects/no-such-project/").status_code == 404
    assert client.get("/projects/no-such-project/").status_code == 404


def test_live_figures_show_within_the_live_timeout(client, settings, ranked, stats_sample_factory):
    # Local memory, whose expiry follows the (travelling) clock; Redis keeps its own time.
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "live"}}
    projects, published = ranked
    project = projects[0]
    url = f"/projects/{project.slug}/"
    with time_machine.travel(dt.datetime.now(dt.UTC), tick=False) as traveller:
        assert "987,654" not in client.get(url).content.decode()
        stats_sample_factory(project=project, captured_on=dt.date.today() + dt.timedelta(days=1), stars=987654)
        assert "987,654" not in client.get(url).content.decode()
        traveller.shift(dt.timedelta(seconds=LIVE_TIMEOUT + 1))
        assert "987,654" in client.get(url).content.decode()
