"""Whole responses kept in the process and served above the middleware (mltop/responsecopies.py):
the same status, headers and bytes as the full pass, to exactly the readers the full pass
would give them to."""

import datetime as dt

import pytest
import time_machine
from django.test import Client

from mltop import responsecopies
from rankings.services import snapshot_publish
from tests.builders import build_rankings

pytestmark = pytest.mark.django_db

PAGES = ["/", "/rankings/{snapshot}/", "/projects/{project}/"]
API = "/api/rankings/current/"


@pytest.fixture
def ranked():
    return build_rankings(snapshots=2, entries=10, samples=3)


@pytest.fixture
def urls(ranked):
    projects, published = ranked
    facts = {"snapshot": published[-1].pk, "project": projects[0].slug}
    return [url.format(**facts) for url in PAGES] + [API]


def served_early(response) -> bool:
    """Answered above the session middleware: the request never got a session (nor a user)."""
    return not hasattr(response.wsgi_request, "session")


def full_pass(client, url, **headers):
    """The response without any kept copy (the page or body itself may still come from the cache)."""
    responsecopies.copies.clear()
    response = client.get(url, **headers)
    assert not served_early(response)
    return response


def test_a_kept_response_is_the_full_pass_byte_for_byte_and_runs_no_query(client, urls, django_assert_num_queries):
    for url in urls:
        client.get(url)  # the page or body into the cache
        full = full_pass(client, url)
        with django_assert_num_queries(0):
            early = client.get(url)
        assert served_early(early), url
        assert early.status_code == full.status_code == 200
        assert early.content == full.content
        assert list(early.headers.items()) == list(full.headers.items())


@pytest.mark.parametrize(
    "reader",
    [{"HTTP_ACCEPT_LANGUAGE": "zh-CN,zh;q=0.9"}, {"HTTP_COOKIE": "django_language=zh-hans"}],
    ids=["accept-language", "cookie"],
)
def test_each_language_gets_its_own_copy(client, urls, reader):
    english = client.get("/")
    client.get("/")
    full = full_pass(Client(), "/", **reader)
    early = Client().get("/", **reader)
    assert served_early(early)
    assert early["Content-Language"] == full["Content-Language"] == "zh-hans"
    assert early.content == full.content != english.content
    assert "Accept-Language" in early["Vary"]
    assert client.get("/")["Content-Language"] == "en"


def test_head_gets_the_get_headers_and_no_body(client, urls):
    for url in urls:
        client.get(url)
        get = client.get(url)
        head = client.head(url)
        assert served_early(head)
        assert head.content == b""
        assert list(head.headers.items()) == list(get.headers.items())


def test_a_conditional_request_gets_the_304_the_full_pass_gives(client, urls, django_assert_num_queries):
    client.get(API)
    etag = client.get(API)["ETag"]
    full = full_pass(client, API, HTTP_IF_NONE_MATCH=etag)  # the 200 and the 304 of this key are now kept
    assert full.status_code == 304
    client.get(API)  # keeps the 200 too
    with django_assert_num_queries(0):
        early = client.get(API, HTTP_IF_NONE_MATCH=etag)
    assert served_early(early)
    assert early.status_code == 304
    assert list(early.headers.items()) == list(full.headers.items())
    changed = client.get(API, HTTP_IF_NONE_MATCH='"another"')
    assert served_early(changed) and changed.status_code == 200


def test_the_api_in_another_media_type_is_not_served_the_json_copy(client, urls):
    client.get(API)
    assert served_early(client.get(API))
    refused = client.get(API, HTTP_ACCEPT="text/html")
    assert refused.status_code == 406 and not served_early(refused)


@pytest.mark.parametrize(
    "credentials",
    [
        {"HTTP_COOKIE": "sessionid=abc"},
        {"HTTP_COOKIE": "messages=abc"},
        {"HTTP_AUTHORIZATION": "Token abc"},
    ],
    ids=["session-cookie", "messages-cookie", "authorization"],
)
def test_a_reader_with_anything_of_their_own_gets_the_full_pass(client, urls, credentials):
    for url in urls[:-1]:  # pages: the API refuses the made-up token
        client.get(url)
        assert served_early(client.get(url))
        assert not served_early(Client().get(url, **credentials))


def test_staff_get_the_full_pass_and_their_draft_preview(urls, ranked, staff_client, ranking_snapshot_factory):
    draft = ranking_snapshot_factory(title="Draft of next week")
    url = f"/rankings/{draft.pk}/"
    assert Client().get(url).status_code == 404
    for _ in range(2):
        preview = staff_client.get(url)
        assert not served_early(preview)
        assert preview.status_code == 200 and "Draft of next week" in preview.content.decode()
    assert Client().get(url).status_code == 404  # a preview is never kept for readers


def test_harmless_cookies_still_get_the_copy(client, urls):
    client.get("/")
    client.get("/")
    early = Client().get("/", HTTP_COOKIE="csrftoken=abc; django_language=en")
    assert served_early(early)


def test_every_api_request_is_still_counted_by_the_throttle(settings, urls):
    settings.API_ANON_THROTTLE_RATE = "3/minute"
    reader = Client()
    with time_machine.travel(dt.datetime(2026, 11, 30, 12, 0, 20, tzinfo=dt.UTC), tick=False):
        responses = [reader.get(API) for _ in range(4)]
        assert [r.status_code for r in responses] == [200, 200, 200, 429]
        assert [served_early(r) for r in responses] == [False, True, True, False]
        # The refused request went through the view with the count made above it: counted once.
        assert responses[3]["Retry-After"] == "40"
        assert responses[3].json()["detail"] == "Request was throttled. Expected available in 40 seconds."
        other = Client().get(API, HTTP_X_FORWARDED_FOR="10.0.0.2", REMOTE_ADDR="10.0.0.2")
        assert other.status_code == 200 and served_early(other)


def test_the_429_above_the_view_is_the_full_pass_429(settings, urls):
    settings.API_ANON_THROTTLE_RATE = "1/minute"
    with time_machine.travel(dt.datetime(2026, 11, 30, 12, 0, 20, tzinfo=dt.UTC), tick=False):
        Client().get(API, REMOTE_ADDR="10.0.0.9")
        full = full_pass(Client(), API, REMOTE_ADDR="10.0.0.9")  # counted and refused by the view
        Client().get(API, REMOTE_ADDR="10.0.0.8")  # keeps the copy
        counted_above = Client().get(API, REMOTE_ADDR="10.0.0.8")  # counted above, refused by the view
    assert full.status_code == counted_above.status_code == 429
    assert counted_above.content == full.content
    assert list(counted_above.headers.items()) == list(full.headers.items())


def test_a_publish_retires_every_copy(
    client, urls, ranked, ranking_snapshot_factory, ranking_entry_factory, django_capture_on_commit_callbacks
):
    projects, _ = ranked
    for url in urls:
        client.get(url)
        assert served_early(client.get(url))
    newer = ranking_snapshot_factory(title="Top 10 of this week")
    ranking_entry_factory(snapshot=newer, project=projects[0], rank=1)
    with django_capture_on_commit_callbacks(execute=True):
        snapshot_publish(snapshot=newer)
    home, api = client.get("/"), client.get(API)
    assert not served_early(home) and not served_early(api)
    assert "Top 10 of this week" in home.content.decode()
    assert api.json()["id"] == newer.pk


def test_a_copy_lives_no_longer_than_the_page_it_was_made_from(client, urls):
    with time_machine.travel(dt.datetime(2026, 11, 30, 12, 0, 0, tzinfo=dt.UTC), tick=False) as traveller:
        client.get("/")
        client.get("/")
        assert served_early(client.get("/"))
        traveller.shift(31)  # past the process's copy of the page (30 s at most)
        assert not served_early(client.get("/"))
