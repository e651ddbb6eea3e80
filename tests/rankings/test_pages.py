"""Reader pages of rankings: content, exact query counts at several sizes, caching, bad input."""

import re

import pytest

from rankings.models import RankingSnapshot
from rankings.services import snapshot_publish, snapshot_unpublish
from tests import factories
from tests.builders import build_rankings

pytestmark = pytest.mark.django_db

SIZES = [
    {"entries": 10, "authors": 1, "topics": 1, "samples": 2, "snapshots": 2},
    {"entries": 40, "authors": 4, "topics": 3, "samples": 45, "snapshots": 5},
]


def names_in_order(html: str) -> list[str]:
    return re.findall(r'class="project-name" href="[^"]+">([^<]+)</a>', html)


@pytest.mark.parametrize("size", SIZES)
def test_home_page_query_count_is_fixed_and_shows_ten(client, django_assert_num_queries, size):
    projects, snapshots = build_rankings(**size)
    with django_assert_num_queries(5):
        response = client.get("/")
    html = response.content.decode()
    assert response.status_code == 200
    assert len(names_in_order(html)) == 10
    assert snapshots[-1].title in html


def test_home_page_is_served_from_the_cache_until_the_next_publish(
    client, django_assert_num_queries, django_capture_on_commit_callbacks
):
    projects, snapshots = build_rankings(snapshots=1, entries=10)
    client.get("/")
    with django_assert_num_queries(0):
        assert client.get("/").status_code == 200
    draft = factories.RankingSnapshotFactory(title="Brand new ranking")
    factories.RankingEntryFactory(snapshot=draft, project=projects[3], rank=1)
    with django_capture_on_commit_callbacks(execute=True):
        snapshot_publish(snapshot=draft)
    with django_assert_num_queries(5):
        html = client.get("/").content.decode()
    assert "Brand new ranking" in html and names_in_order(html) == [projects[3].name]


def test_home_page_shows_movement_new_entries_and_links(client):
    projects, snapshots = build_rankings(snapshots=2, entries=10)
    html = client.get("/").content.decode()
    # Month 2 ranks projects 1..10: each climbed one place, project 10 is new.
    assert names_in_order(html) == [p.name for p in projects[1:11]]
    assert html.count('<span class="visually-hidden">up 1 place</span>') == 9
    assert html.count('class="move move-new"') == 1
    assert 'href="/methodology/"' in html
    assert f'<option value="{snapshots[0].pk}"' in html
    assert f"?a={snapshots[0].pk}&amp;b={snapshots[1].pk}" in html
    assert 'href="https://arxiv.org/abs/1234.5678"' in html and 'href="https://example.org/d"' in html


def test_home_page_shows_stars_gained_and_a_sparkline_from_samples(client):
    projects, _ = build_rankings(snapshots=1, entries=10, samples=40)
    html = client.get("/").content.decode()
    # 40 daily samples, 10 stars a day: the newest minus the one 30 days before gains 300.
    assert html.count("+300") == 10
    assert html.count('<svg class="sparkline"') == 10
    assert "Star history of Project" in html


def test_home_page_without_history_shows_no_movement(client, seeded):
    html = client.get("/").content.decode()
    assert 'class="move' not in html
    assert "+0" not in html  # the seed's single 2018 sample gives no 30-day gain


def test_home_page_marks_archived_and_missing_repositories(client):
    projects, _ = build_rankings(snapshots=1, entries=10)
    html_before = client.get("/").content.decode()
    assert "flag-archived" not in html_before
    projects[0].archived = True
    projects[0].save()
    projects[1].missing_since = projects[1].added_at
    projects[1].save()
    client.get("/")  # still the cached data until the next publish or the hour is up
    from tests.conftest import clear_app_cache

    clear_app_cache()
    html = client.get("/").content.decode()
    assert html.count("flag-archived") == 1 and html.count("flag-missing") == 1


@pytest.mark.parametrize("size", SIZES)
def test_snapshot_page_query_count_is_fixed(client, django_assert_num_queries, size):
    projects, snapshots = build_rankings(**size)
    # The snapshot, the board's newest (the menu), its older and newer neighbours, entries + credits + topics.
    with django_assert_num_queries(7):
        response = client.get(f"/rankings/{snapshots[-1].pk}/")
    html = response.content.decode()
    assert len(names_in_order(html)) == 10
    assert html.count('<details class="breakdown">') == 10
    if size["entries"] > 10:
        assert f"The top 10 of {size['entries']} ranked projects." in html
    with django_assert_num_queries(0):
        client.get(f"/rankings/{snapshots[-1].pk}/")


def test_snapshot_page_shows_the_breakdown_and_the_seed_has_none(client, seeded):
    projects, snapshots = build_rankings(snapshots=1)
    html = client.get(f"/rankings/{snapshots[0].pk}/").content.decode()
    assert "Popularity" in html and "0.075" in html and "Score 0.990" in html
    seed_html = client.get(f"/rankings/{seeded.pk}/").content.decode()
    assert seed_html.count("No score: an editorial list") == 1  # said once per page, not per entry
    assert "<details" not in seed_html


def test_snapshot_page_404s_for_unknown_drafts_and_huge_ids(client):
    draft = factories.RankingSnapshotFactory()
    for pk in (draft.pk, 999999, 10**30):
        response = client.get(f"/rankings/{pk}/")
        assert response.status_code == 404
        assert "Page not found" in response.content.decode()


def test_unpublishing_takes_a_snapshot_page_down(client, django_capture_on_commit_callbacks):
    _, snapshots = build_rankings(snapshots=2)
    assert client.get(f"/rankings/{snapshots[0].pk}/").status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        snapshot_unpublish(snapshot=snapshots[0])
    assert client.get(f"/rankings/{snapshots[0].pk}/").status_code == 404


@pytest.mark.parametrize("count", [3, 25])
def test_archive_lists_newest_first_with_top_three_in_three_queries(client, django_assert_num_queries, count):
    _, snapshots = build_rankings(snapshots=count, entries=5)
    with django_assert_num_queries(3):
        response = client.get("/rankings/")
    html = response.content.decode()
    titles = re.findall(r'<h2><a href="/rankings/\d+/">([^<]+)</a></h2>', html)
    newest_first = [s.title for s in sorted(snapshots, key=lambda s: s.taken_at, reverse=True)]
    assert titles == newest_first[:20]
    assert html.count('<ol class="top-three">') == len(titles)
    assert "Computed" in html
    first_card = html[html.index('class="archive-item"') : html.index("</li>\n", html.index('class="top-three"'))]
    assert len(re.findall(r'<li><a href="/projects/', first_card)) == 3
    if count > 20:
        assert "Page 1 of 2" in html
        page_two = client.get("/rankings/?page=2").content.decode()
        assert re.findall(r'<h2><a href="/rankings/\d+/">([^<]+)</a></h2>', page_two) == newest_first[20:]


def test_archive_rejects_bad_pages_and_jumps_to_a_snapshot(client):
    _, snapshots = build_rankings(snapshots=1)
    assert client.get("/rankings/?page=abc").status_code == 400
    assert client.get("/rankings/?page=0").status_code == 400
    assert client.get("/rankings/?page=7").status_code == 404
    assert client.get("/rankings/?page=" + "9" * 40).status_code == 404
    assert client.get("/rankings/?id=x").status_code == 400
    response = client.get(f"/rankings/?id={snapshots[0].pk}")
    assert response.status_code == 302 and response["Location"] == f"/rankings/{snapshots[0].pk}/"


@pytest.mark.parametrize("entries", [10, 60])
def test_compare_shows_entered_left_and_moved_in_three_queries(client, django_assert_num_queries, entries):
    projects, (a, b) = build_rankings(snapshots=2, entries=entries)
    with django_assert_num_queries(3):
        response = client.get(f"/rankings/compare/?a={a.pk}&b={b.pk}")
    html = response.content.decode()
    assert response.status_code == 200
    entered = html[html.index('id="entered-h"') : html.index('id="left-h"')]
    left = html[html.index('id="left-h"') : html.index('id="moved-h"')]
    moved = html[html.index('id="moved-h"') : html.index('id="held-h"')]
    assert projects[10].name in entered and projects[0].name in left
    assert moved.count('<span class="visually-hidden">up 1 place</span>') == 9


def test_compare_rejects_bad_parameters(client):
    _, (a, b) = build_rankings(snapshots=2)
    draft = factories.RankingSnapshotFactory()
    assert client.get(f"/rankings/compare/?a={a.pk}").status_code == 400
    assert client.get(f"/rankings/compare/?a=one&b={b.pk}").status_code == 400
    assert client.get(f"/rankings/compare/?a=-1&b={b.pk}").status_code == 400
    assert client.get(f"/rankings/compare/?a=%EF%BC%91&b={b.pk}").status_code == 400  # a full-width digit
    assert client.get(f"/rankings/compare/?a={a.pk}&b=999999").status_code == 404
    assert client.get(f"/rankings/compare/?a={a.pk}&b={draft.pk}").status_code == 404
    assert client.get(f"/rankings/compare/?a={a.pk}&b={10**30}").status_code == 404


def test_compare_without_parameters_offers_a_picker_in_one_query(client, django_assert_num_queries):
    _, (a, b) = build_rankings(snapshots=2)
    with django_assert_num_queries(1):
        picker = client.get("/rankings/compare/")
    html = picker.content.decode()
    assert picker.status_code == 200 and 'id="entered-h"' not in html
    # Preselected: the previous ranking before, the newest after.
    assert f'<option value="{a.pk}" selected>' in html.split('name="b"')[0]
    assert f'<option value="{b.pk}" selected>' in html.split('name="b"')[1]


def test_badge_shows_the_rank_or_the_status_with_cache_headers(client, django_assert_num_queries):
    projects, _ = build_rankings(snapshots=1, entries=12)
    with django_assert_num_queries(2):
        response = client.get(f"/badge/{projects[2].slug}.svg")
    assert response.status_code == 200
    assert response["Content-Type"] == "image/svg+xml; charset=utf-8"
    assert "max-age=3600" in response["Cache-Control"] and "public" in response["Cache-Control"]
    assert "MLTop: #3" in response.content.decode()
    assert "MLTop: tracked" in client.get(f"/badge/{projects[11].slug}.svg").content.decode()
    assert "MLTop: tracked" in client.get(f"/badge/{projects[12].slug}.svg").content.decode()
    candidate = factories.ProjectFactory(status="candidate")
    assert "MLTop: candidate" in client.get(f"/badge/{candidate.slug}.svg").content.decode()


def test_badge_of_an_unknown_project_is_an_svg_saying_so_with_a_404(client, db):
    """A README's image stays an image: "MLTop · not tracked", not a broken HTML 404."""
    response = client.get("/badge/no-such-project.svg")
    assert response.status_code == 404
    assert response["Content-Type"] == "image/svg+xml; charset=utf-8"
    assert "MLTop: not tracked" in response.content.decode()
    assert "max-age=3600" in response["Cache-Control"]
    chinese = client.get("/badge/no-such-project.svg", HTTP_ACCEPT_LANGUAGE="zh-Hans")
    assert chinese.status_code == 404 and "MLTop: 未收录" in chinese.content.decode()


def test_every_page_has_one_h1_and_the_feed_link(client):
    projects, snapshots = build_rankings(snapshots=2)
    author = projects[0].authorships.first().author
    for url in [
        "/",
        "/rankings/",
        f"/rankings/{snapshots[0].pk}/",
        f"/rankings/compare/?a={snapshots[0].pk}&b={snapshots[1].pk}",
        f"/projects/{projects[0].slug}/",
        f"/authors/{author.slug}/",
        "/no-such-page/",
    ]:
        html = client.get(url).content.decode()
        assert html.count("<h1") == 1, url
        assert '<link rel="alternate" type="application/atom+xml"' in html, url


def test_user_text_is_escaped(client):
    projects, snapshots = build_rankings(snapshots=1)
    RankingSnapshot.objects.filter(pk=snapshots[0].pk).update(title="<script>alert(1)</script>")
    projects[0].name = "<b>bold</b>"
    projects[0].save()
    html = client.get("/").content.decode()
    assert "<script>alert(1)</script>" not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "<b>bold</b>" not in html


def test_server_error_page_renders_without_a_request():
    from django.template.loader import get_template

    html = get_template("500.html").render()
    assert "<h1>Something went wrong on our side</h1>" in html and 'href="/"' in html
    assert "set_language" not in html and "csrfmiddlewaretoken" not in html
