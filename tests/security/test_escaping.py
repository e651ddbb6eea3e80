"""HTML and script written by editors are shown as text on every surface, never run.

One catalogue whose every free-text field holds the same payload is read through each
surface: reader pages, the Atom feed, the SVG badge, admin, the API and its docs.
"""

import xml.etree.ElementTree as ET

import pytest
from django.test import TestCase
from django.utils.html import escape

from projects.models import Author, Authorship, Topic
from rankings import charts
from rankings.models import RankingEntry, RankingSnapshot
from rankings.services import snapshot_publish
from tests.factories import ProjectFactory

pytestmark = pytest.mark.django_db

PAYLOAD = "<script>alert(1)</script>\"'&<img src=x onerror=alert(1)>"
# What must never reach a browser unescaped, whatever the surface.
DANGEROUS = ("<script>alert", "<img src=x", "onerror=alert(1)>")
ATOM = "{http://www.w3.org/2005/Atom}"


@pytest.fixture
def hostile():
    """A published snapshot where every text an editor can write is the payload."""
    topic = Topic.objects.create(slug="hostile-topic", name=PAYLOAD[:60])
    author = Author.objects.create(slug="hostile-author", name=PAYLOAD, affiliation=PAYLOAD)
    project = ProjectFactory(slug="hostile", name=PAYLOAD, description=PAYLOAD, status_reason=PAYLOAD)
    project.topics.add(topic)
    Authorship.objects.create(project=project, author=author, position=0)
    snapshot = RankingSnapshot.objects.create(
        title=PAYLOAD, notes=PAYLOAD, taken_at="2024-03-01T00:00:00Z", origin=RankingSnapshot.Origin.EDITORIAL
    )
    RankingEntry.objects.create(snapshot=snapshot, project=project, rank=1, stars=10, blurb=PAYLOAD)
    with TestCase.captureOnCommitCallbacks(execute=True):
        snapshot_publish(snapshot=snapshot)
    return {"project": project, "author": author, "topic": topic, "snapshot": snapshot}


def _strings(data) -> list[str]:
    """Every string value in a JSON document."""
    if isinstance(data, dict):
        return [s for value in data.values() for s in _strings(value)]
    if isinstance(data, list):
        return [s for value in data for s in _strings(value)]
    return [data] if isinstance(data, str) else []


def _assert_shown_as_text(body: str):
    for fragment in DANGEROUS:
        assert fragment not in body, fragment
    # Django escapes the topic name too, which holds the first 60 characters of the payload.
    assert escape("<script>alert(1)</script>") in body


@pytest.mark.parametrize(
    "url",
    ["/", "/rankings/", "/rankings/{snapshot}/", "/projects/hostile/", "/authors/hostile-author/"],
)
def test_reader_pages_escape_the_payload(client, hostile, url):
    response = client.get(url.format(snapshot=hostile["snapshot"].pk))
    assert response.status_code == 200
    body = response.content.decode()
    _assert_shown_as_text(body)
    assert escape(PAYLOAD) in body


def test_the_compare_page_escapes_the_payload(client, hostile):
    other = RankingSnapshot.objects.create(title="Other", taken_at="2024-02-01T00:00:00Z")
    RankingEntry.objects.create(snapshot=other, project=hostile["project"], rank=1, stars=5)
    with TestCase.captureOnCommitCallbacks(execute=True):
        snapshot_publish(snapshot=other)
    response = client.get(f"/rankings/compare/?a={other.pk}&b={hostile['snapshot'].pk}")
    assert response.status_code == 200
    _assert_shown_as_text(response.content.decode())


def test_the_feed_carries_the_payload_as_text(client, hostile):
    response = client.get("/feed/")
    assert response.status_code == 200
    feed = ET.fromstring(response.content)  # noqa: S314 - our own feed, still well-formed
    entry = feed.find(f"{ATOM}entry")
    assert entry.find(f"{ATOM}title").text == PAYLOAD  # a text construct: readers show it as text
    summary = entry.find(f"{ATOM}summary")
    assert summary.get("type") == "html"
    # The summary is HTML a reader will render: the payload in it must be escaped HTML.
    for fragment in DANGEROUS:
        assert fragment not in summary.text
    assert escape(PAYLOAD) in summary.text


def test_the_badge_has_no_editor_text_and_escapes_its_labels(client, hostile):
    response = client.get("/badge/hostile.svg")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("image/svg+xml")
    ET.fromstring(response.content)  # noqa: S314 - our own badge, still well-formed
    for fragment in DANGEROUS:
        assert fragment.encode() not in response.content
    svg = str(charts.badge(PAYLOAD, PAYLOAD))
    ET.fromstring(svg)  # noqa: S314 - markup we just generated
    for fragment in DANGEROUS:
        assert fragment not in svg


@pytest.mark.parametrize(
    "url",
    [
        "/admin/projects/project/",
        "/admin/projects/project/{project}/change/",
        "/admin/projects/author/",
        "/admin/projects/author/{author}/change/",
        "/admin/projects/topic/",
        "/admin/projects/topic/{topic}/change/",
        "/admin/rankings/rankingsnapshot/",
        "/admin/rankings/rankingsnapshot/{snapshot}/change/",
        "/admin/rankings/rankingsnapshot/{snapshot}/history/",
    ],
)
def test_admin_escapes_the_payload(staff_client, hostile, url):
    ids = {name: obj.pk for name, obj in hostile.items()}
    response = staff_client.get(url.format(**ids))
    assert response.status_code == 200
    _assert_shown_as_text(response.content.decode())


@pytest.mark.parametrize(
    "url",
    [
        "/api/projects/",
        "/api/projects/hostile/",
        "/api/authors/",
        "/api/authors/hostile-author/",
        "/api/rankings/",
        "/api/rankings/current/",
        "/api/rankings/{snapshot}/",
    ],
)
def test_the_api_returns_the_payload_as_json_data(client, hostile, url):
    response = client.get(url.format(snapshot=hostile["snapshot"].pk))
    assert response.status_code == 200
    # JSON, never sniffed as HTML: the payload is data, byte for byte, for clients to escape.
    assert response["Content-Type"] == "application/json"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert PAYLOAD in _strings(response.json())


def test_the_api_docs_do_not_reflect_a_payload_in_the_query(client, hostile):
    response = client.get("/api/docs/", {"url": PAYLOAD, "configUrl": PAYLOAD, "q": PAYLOAD})
    assert response.status_code == 200
    body = response.content.decode()
    for fragment in DANGEROUS:
        assert fragment not in body
    assert "'unsafe-inline'" not in response["Content-Security-Policy"].split("script-src")[1].split(";")[0]


def test_api_errors_echoing_the_payload_stay_json(client, hostile):
    response = client.get("/api/projects/", {"status": PAYLOAD, "ordering": PAYLOAD})
    assert response.status_code == 400
    # An error may quote the bad value, but only inside JSON that no browser renders as HTML.
    assert response["Content-Type"] == "application/json"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response.json()["detail"]
