import xml.etree.ElementTree as ET

import pytest

from rankings.models import RankingSnapshot
from tests.builders import build_rankings

pytestmark = pytest.mark.django_db

ATOM = "{http://www.w3.org/2005/Atom}"


@pytest.mark.parametrize(("snapshots", "entries"), [(2, 10), (8, 40)])
def test_feed_lists_published_snapshots_with_their_top_ten_in_two_queries(
    client, django_assert_num_queries, snapshots, entries
):
    projects, published = build_rankings(snapshots=snapshots, entries=entries)
    with django_assert_num_queries(2):
        response = client.get("/feed/")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/atom+xml")
    root = ET.fromstring(response.content)  # noqa: S314 - our own feed
    items = root.findall(f"{ATOM}entry")
    assert [item.find(f"{ATOM}title").text for item in items] == [s.title for s in reversed(published)]
    newest = items[0]
    assert newest.find(f"{ATOM}link").get("href") == f"http://testserver/rankings/{published[-1].pk}/"
    summary = newest.find(f"{ATOM}summary").text
    assert summary.count("<li>") == 10
    assert f'href="http://testserver/projects/{projects[snapshots - 1].slug}/"' in summary
    assert root.find(f"{ATOM}author/{ATOM}name").text == "MLTop"
    with django_assert_num_queries(0):
        assert client.get("/feed/").content == response.content


def test_feed_escapes_titles_and_names(client):
    projects, published = build_rankings(snapshots=1)
    RankingSnapshot.objects.filter(pk=published[0].pk).update(title="A & <B>")
    projects[0].name = "<img src=x onerror=alert(1)>"
    projects[0].save()
    root = ET.fromstring(client.get("/feed/").content)  # noqa: S314 - our own feed; well-formed despite markup
    entry = root.find(f"{ATOM}entry")
    assert entry.find(f"{ATOM}title").text == "A & <B>"
    assert "<img src=x" not in entry.find(f"{ATOM}summary").text
    assert "&lt;img src=x onerror=alert(1)&gt;" in entry.find(f"{ATOM}summary").text


def test_feed_is_discoverable_from_pages(client, seeded):
    html = client.get("/").content.decode()
    assert '<link rel="alternate" type="application/atom+xml"' in html and 'href="/feed/"' in html


def test_feed_follows_the_readers_language_and_is_cached_per_language(client, django_assert_num_queries):
    build_rankings(snapshots=1)
    english = client.get("/feed/").content.decode()
    chinese = client.get("/feed/", HTTP_ACCEPT_LANGUAGE="zh-CN").content.decode()
    assert "<title>MLTop: machine-learning top-10 rankings</title>" in english
    assert "<title>MLTop：机器学习开源项目十强排行</title>" in chinese
    with django_assert_num_queries(0):
        assert client.get("/feed/", HTTP_ACCEPT_LANGUAGE="zh-CN").content.decode() == chinese
