"""Whole pages cached per rankings generation, URL and language: the same bytes for every reader."""

import datetime as dt

import pytest
import time_machine
from django.test import Client

from mltop.pagecache import LIVE_TIMEOUT
from rankings.services import snapshot_publish, snapshot_unpublish
from tests.builders import build_rankings

pytestmark = pytest.mark.django_db


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
        assert warm.content == cold.content


def test_every_reader_gets_the_same_bytes_and_no_cookie(page_urls):
    for url in page_urls:
        first, second = Client(), Client()
        a, b = first.get(url), second.get(url)
        assert a.content == b.content
        assert "csrfmiddlewaretoken" not in a.content.decode()
        # Nothing of the reader's own: no cookie to set, so a shared cache may keep the page.
        assert not a.cookies and not b.cookies
        assert "Cookie" not in a.get("Vary", "")


# What browsers send with a form posted from a page of this site, and from another site.
SAME_ORIGIN = {"HTTP_SEC_FETCH_SITE": "same-origin", "HTTP_ORIGIN": "http://testserver"}
CROSS_SITE = {"HTTP_SEC_FETCH_SITE": "cross-site", "HTTP_ORIGIN": "https://evil.example"}


def test_the_language_switcher_of_a_cached_page_works_without_a_token(page_urls):
    reader = Client(enforce_csrf_checks=True)
    reader.get("/")
    switched = reader.post("/i18n/setlang/", {"language": "zh-hans", "next": "/"}, **SAME_ORIGIN)
    assert switched.status_code == 302 and switched["Location"] == "/"
    assert 'lang="zh-hans"' in reader.get("/").content.decode()


@pytest.mark.parametrize(
    "headers",
    [
        CROSS_SITE,
        {"HTTP_SEC_FETCH_SITE": "same-site", "HTTP_ORIGIN": "https://other.testserver"},
        # A browser without Fetch Metadata: its Origin header is checked instead.
        {"HTTP_ORIGIN": "https://evil.example"},
    ],
)
def test_a_language_switch_posted_from_another_site_is_refused_and_changes_nothing(page_urls, headers):
    victim = Client(enforce_csrf_checks=True)
    refused = victim.post("/i18n/setlang/", {"language": "zh-hans", "next": "/"}, **headers)
    assert refused.status_code == 403
    assert "django_language" not in refused.cookies
    assert '<html lang="en">' in victim.get("/").content.decode()


def test_every_other_form_keeps_djangos_token_check(page_urls, admin_user):
    # Only the language switch trades the token for Origin checks: a same-origin login
    # without a token is still refused.
    browser = Client(enforce_csrf_checks=True)
    login = browser.post("/admin/login/", {"username": admin_user.username, "password": "password"}, **SAME_ORIGIN)
    assert login.status_code == 403


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


def test_staff_get_the_same_cached_page(staff_client, page_urls, django_assert_num_queries):
    anonymous = Client()
    for url in page_urls:
        seen = anonymous.get(url)
        with django_assert_num_queries(0):
            staff = staff_client.get(url)
        assert staff.templates == []
        assert staff.content == seen.content


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
