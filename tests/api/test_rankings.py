import datetime as dt

import pytest
from django.utils.http import http_date

from rankings.models import RankingSnapshot

from .conftest import make_credited_projects, make_published_snapshot

pytestmark = pytest.mark.django_db


def test_list_shows_published_snapshots_newest_first(api_client, jan_feb, ranking_snapshot_factory):
    ranking_snapshot_factory(title="A draft", taken_at=dt.datetime(2024, 3, 1, tzinfo=dt.UTC))
    body = api_client.get("/api/rankings/").json()
    assert body["count"] == 2
    assert [s["id"] for s in body["results"]] == [jan_feb["february"].pk, jan_feb["january"].pk]
    assert body["results"][0]["entry_count"] == 3
    assert body["results"][0]["url"].endswith(f"/api/rankings/{jan_feb['february'].pk}/")


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("since=2024-01-15", ["february"]),
        ("until=2024-01-31", ["january", "seed"]),
        ("since=2024-01-01&until=2024-02-01", ["february", "january"]),
        ("origin=editorial", ["seed"]),
        ("origin=computed&since=2024-02-01", ["february"]),
    ],
)
def test_list_filters_by_date_range_and_origin(api_client, jan_feb, seeded, query, expected):
    named = {**jan_feb, "seed": seeded}
    body = api_client.get(f"/api/rankings/?{query}").json()
    assert [s["id"] for s in body["results"]] == [named[name].pk for name in expected]


@pytest.mark.parametrize("query", ["since=yesterday", "until=2024-02-30", "until=", "origin=bogus", "origin="])
def test_list_rejects_bad_filters_with_400(api_client, jan_feb, query):
    response = api_client.get(f"/api/rankings/?{query}")
    assert response.status_code == 400
    assert response.json()["detail"].startswith(query.split("=")[0])


@pytest.mark.parametrize("n", [2, 12])
def test_list_runs_two_queries_whatever_the_page_size(api_client, django_assert_num_queries, n):
    projects = make_credited_projects(2)
    for month in range(1, n + 1):
        make_published_snapshot(taken_at=dt.datetime(2023, 1, month, tzinfo=dt.UTC), projects=projects)
    with django_assert_num_queries(2):  # count, page
        body = api_client.get("/api/rankings/?page_size=50").json()
    assert len(body["results"]) == n


def test_list_sends_the_newest_publish_of_its_page_as_last_modified(api_client, jan_feb, django_assert_num_queries):
    with django_assert_num_queries(2):  # count, page: the dates come with the rows
        response = api_client.get("/api/rankings/")
    newest = max(s.published_at for s in (jan_feb["january"], jan_feb["february"]))
    assert response["Last-Modified"] == http_date(newest.timestamp())
    assert api_client.get("/api/rankings/", HTTP_IF_MODIFIED_SINCE=response["Last-Modified"]).status_code == 304


def test_detail_entries_carry_movement_score_breakdown_figures_and_blurb(api_client, jan_feb):
    body = api_client.get(f"/api/rankings/{jan_feb['february'].pk}/").json()
    b, d, a = body["entries"]
    assert (b["rank"], b["previous_rank"], b["movement"], b["delta"]) == (1, 2, "up", 1)
    assert (d["rank"], d["previous_rank"], d["movement"], d["delta"]) == (2, None, "new", None)
    assert (a["rank"], a["previous_rank"], a["movement"], a["delta"]) == (3, 1, "down", -2)
    assert b["breakdown"]["popularity"] == {"value": 0.5, "weight": 0.4, "contribution": 0.2}
    assert b["score"] == 1.0 and b["blurb"] == "Number 1."
    assert (b["stars"], b["stars_gained_30d"], b["stars_gained_365d"]) == (999, 49, 499)
    assert b["project"]["slug"] == jan_feb["b"].slug
    assert [author["slug"] for author in b["project"]["authors"]] == [
        authorship.author.slug for authorship in jan_feb["b"].authorships.order_by("position")
    ]


def test_detail_of_the_first_published_snapshot_has_no_movement(api_client, jan_feb):
    entries = api_client.get(f"/api/rankings/{jan_feb['january'].pk}/").json()["entries"]
    assert {(e["movement"], e["delta"]) for e in entries} == {(None, None)}


def test_same_rank_is_same_movement(api_client, project_factory):
    project = project_factory()
    make_published_snapshot(taken_at=dt.datetime(2024, 1, 1, tzinfo=dt.UTC), projects=[project])
    later = make_published_snapshot(taken_at=dt.datetime(2024, 2, 1, tzinfo=dt.UTC), projects=[project])
    entry = api_client.get(f"/api/rankings/{later.pk}/").json()["entries"][0]
    assert (entry["movement"], entry["delta"]) == ("same", 0)


def test_seed_edition_shows_no_score_gracefully(api_client, seeded):
    entry = api_client.get(f"/api/rankings/{seeded.pk}/").json()["entries"][0]
    assert (entry["score"], entry["breakdown"], entry["movement"]) == (None, {}, None)


def test_drafts_are_not_found_by_anyone_reading(api_client, editor_client, ranking_entry_factory):
    draft = ranking_entry_factory().snapshot
    for client in (api_client, editor_client):
        response = client.get(f"/api/rankings/{draft.pk}/")
        assert response.status_code == 404
        assert response.json() == {"detail": "No RankingSnapshot matches the given query."}


def test_unknown_ids_are_json_404s(api_client, jan_feb):
    assert api_client.get("/api/rankings/999999/").status_code == 404
    response = api_client.get("/api/rankings/not-a-number/")
    assert response.status_code == 404 and response["Content-Type"] == "application/json"
    assert "No API endpoint" in response.json()["detail"]


@pytest.mark.parametrize("n", [3, 25])
def test_detail_runs_four_queries_whatever_the_number_of_entries(api_client, django_assert_num_queries, n):
    snapshot = make_published_snapshot(
        taken_at=dt.datetime(2024, 1, 1, tzinfo=dt.UTC), projects=make_credited_projects(n)
    )
    with django_assert_num_queries(4):  # snapshot, entries + projects, credits + authors, topics
        body = api_client.get(f"/api/rankings/{snapshot.pk}/").json()
    assert len(body["entries"]) == n


@pytest.mark.parametrize("n", [3, 25])
def test_current_runs_four_queries_and_is_the_newest(api_client, jan_feb, django_assert_num_queries, n):
    newest = make_published_snapshot(
        taken_at=dt.datetime(2024, 3, 1, tzinfo=dt.UTC), projects=make_credited_projects(n)
    )
    with django_assert_num_queries(4):
        body = api_client.get("/api/rankings/current/").json()
    assert body["id"] == newest.pk and len(body["entries"]) == n
    assert {e["movement"] for e in body["entries"]} == {"new"}


def test_compare_reports_entered_left_and_moved(api_client, jan_feb):
    january, february = jan_feb["january"], jan_feb["february"]
    body = api_client.get(f"/api/rankings/compare/?a={january.pk}&b={february.pk}").json()
    assert (body["a"]["id"], body["b"]["id"]) == (january.pk, february.pk)
    assert [(c["project"]["slug"], c["rank_a"], c["rank_b"]) for c in body["entered"]] == [(jan_feb["d"].slug, None, 2)]
    assert [(c["project"]["slug"], c["rank_a"], c["rank_b"]) for c in body["left"]] == [(jan_feb["c"].slug, 3, None)]
    assert [(c["project"]["slug"], c["delta"]) for c in body["moved"]] == [
        (jan_feb["b"].slug, 1),
        (jan_feb["a"].slug, -2),
    ]


@pytest.mark.parametrize("n", [3, 20])
def test_compare_runs_three_queries_whatever_the_sizes(api_client, django_assert_num_queries, n):
    projects = make_credited_projects(n)
    a = make_published_snapshot(taken_at=dt.datetime(2024, 1, 1, tzinfo=dt.UTC), projects=projects)
    b = make_published_snapshot(taken_at=dt.datetime(2024, 2, 1, tzinfo=dt.UTC), projects=projects[::-1])
    with django_assert_num_queries(3):  # both snapshots, both entry lists + projects, credits
        body = api_client.get(f"/api/rankings/compare/?a={a.pk}&b={b.pk}").json()
    assert len(body["moved"]) == n - (n % 2)


@pytest.mark.parametrize("query", ["", "a=1", "a=x&b=2", "a=0&b=1", "a=1&b=-4"])
def test_compare_needs_two_snapshot_ids(api_client, query):
    response = api_client.get(f"/api/rankings/compare/?{query}")
    assert response.status_code == 400
    assert response.json()["errors"]


def test_compare_with_an_unpublished_snapshot_is_404(api_client, jan_feb, ranking_entry_factory):
    draft = ranking_entry_factory().snapshot
    response = api_client.get(f"/api/rankings/compare/?a={jan_feb['january'].pk}&b={draft.pk}")
    assert response.status_code == 404
    assert response.json() == {"detail": f"No published snapshot with id {draft.pk}."}


def test_published_snapshot_responses_let_a_cdn_keep_them(api_client, jan_feb, settings):
    settings.API_SNAPSHOT_CDN_MAX_AGE = 86400
    settings.API_CACHE_MAX_AGE = 60
    response = api_client.get(f"/api/rankings/{jan_feb['january'].pk}/")
    assert response["Cache-Control"] == "public, max-age=60, s-maxage=86400"
    assert response["Last-Modified"]
    assert response["ETag"].startswith('"')


def test_snapshot_etag_answers_304_until_a_publish_changes_it(api_client, jan_feb):
    url = "/api/rankings/current/"
    first = api_client.get(url)
    again = api_client.get(url, HTTP_IF_NONE_MATCH=first["ETag"])
    assert again.status_code == 304 and again.content == b"" and again["ETag"] == first["ETag"]
    make_published_snapshot(taken_at=dt.datetime(2024, 3, 1, tzinfo=dt.UTC), projects=[jan_feb["a"]])
    after = api_client.get(url, HTTP_IF_NONE_MATCH=first["ETag"])
    assert after.status_code == 200 and after["ETag"] != first["ETag"]


def test_if_modified_since_answers_304_for_a_frozen_snapshot(api_client, jan_feb):
    url = f"/api/rankings/{jan_feb['january'].pk}/"
    last_modified = api_client.get(url)["Last-Modified"]
    assert api_client.get(url, HTTP_IF_MODIFIED_SINCE=last_modified).status_code == 304
    assert api_client.get(url, HTTP_IF_MODIFIED_SINCE="Mon, 01 Jan 2001 00:00:00 GMT").status_code == 200


def test_unpublished_snapshots_disappear(api_client, jan_feb, django_capture_on_commit_callbacks):
    from rankings.services import snapshot_unpublish

    assert api_client.get("/api/rankings/current/").json()["id"] == jan_feb["february"].pk
    with django_capture_on_commit_callbacks(execute=True):
        snapshot_unpublish(snapshot=jan_feb["february"])
    assert api_client.get(f"/api/rankings/{jan_feb['february'].pk}/").status_code == 404
    assert api_client.get("/api/rankings/current/").json()["id"] == jan_feb["january"].pk
    assert RankingSnapshot.objects.filter(pk=jan_feb["february"].pk).exists()


def test_ranking_bodies_are_cached_until_the_next_publish(api_client, jan_feb, django_assert_num_queries):
    url = f"/api/rankings/{jan_feb['january'].pk}/"
    first = api_client.get(url)
    api_client.get("/api/rankings/current/")
    with django_assert_num_queries(0):
        again = api_client.get(url)
        current = api_client.get("/api/rankings/current/")
    assert again.json() == first.json() and again["ETag"] == first["ETag"]
    assert current.json()["id"] == jan_feb["february"].pk
    march = make_published_snapshot(taken_at=dt.datetime(2024, 3, 1, tzinfo=dt.UTC), projects=[jan_feb["c"]])
    with django_assert_num_queries(4):
        assert api_client.get("/api/rankings/current/").json()["id"] == march.pk
