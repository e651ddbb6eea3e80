"""Boards: one figures pass for all of them, the month's newcomers at its edges, fields by topics
and overrides, their pages, feed and API, in both languages."""

import datetime as dt

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from projects.categories import DEFAULT_CATEGORIES, categories_ensure_defaults, category_memberships
from projects.models import Category, CategoryOverride, Project, Topic
from rankings import board_services, newcomers
from rankings.boards import NewcomersRequest, compute_boards
from rankings.building import compute_ranking
from rankings.models import RankingSnapshot
from rankings.scoring import Parameters
from rankings.services import snapshot_publish

from .test_building import record

pytestmark = pytest.mark.django_db

NOW = dt.datetime(2026, 12, 2, 12, 0, tzinfo=dt.UTC)
NOV = newcomers.Month(2026, 11)
PARAMS = Parameters()


@pytest.fixture(autouse=True)
def _on_2_december_2026():
    # Samples are recorded, and builds read what was recorded before them, at this moment; the
    # language a Chinese request activates in this thread must not outlive the test.
    with time_machine.travel(NOW, tick=False), translation.override("en"):
        yield


def utc(*args):
    return dt.datetime(*args, tzinfo=dt.UTC)


def newcomer(project_factory, created, *, daily=20, status=Project.Status.CANDIDATE, **fields):
    """A project created at ``created`` with a daily gain from its creation day to 30 November."""
    project = project_factory(status=status, repo_created_at=created, pushed_at=utc(2026, 11, 29), **fields)
    first = max(created.date(), dt.date(2026, 10, 1))
    record(project, [daily] * (dt.date(2026, 11, 30) - first).days, start_stars=daily, end=dt.date(2026, 11, 30))
    return project


def request(top_k=10):
    return NewcomersRequest(month=NOV, params=newcomers.NewcomerParameters(), top_k=top_k)


def test_month_edges_are_utc_from_the_first_second_to_the_last(project_factory):
    first = newcomer(project_factory, utc(2026, 11, 1, 0, 0, 0))
    last = newcomer(project_factory, utc(2026, 11, 30, 23, 59, 59), daily=15)
    newcomer(project_factory, utc(2026, 10, 31, 23, 59, 59))
    newcomer(project_factory, utc(2026, 12, 1, 0, 0, 0))
    boards = compute_boards(as_of=NOV.last_day, params=PARAMS, top_k=5, categories=False, newcomers=request())
    assert {r.project_id for r in boards.newcomers} == {first.pk, last.pk}


def test_widening_the_month_takes_repositories_created_days_before(project_factory):
    october = newcomer(project_factory, utc(2026, 10, 28, 12))
    widened = NewcomersRequest(month=NOV, params=newcomers.NewcomerParameters(created_days_before=5))
    boards = compute_boards(as_of=NOV.last_day, params=PARAMS, top_k=5, categories=False, newcomers=widened)
    assert [r.project_id for r in boards.newcomers] == [october.pk]


def test_forks_archived_and_excluded_projects_are_not_newcomers(project_factory):
    fine = newcomer(project_factory, utc(2026, 11, 5))
    fork = newcomer(project_factory, utc(2026, 11, 5), daily=500, fork=True)
    newcomer(project_factory, utc(2026, 11, 5), daily=500, archived=True)
    newcomer(project_factory, utc(2026, 11, 5), daily=500, status=Project.Status.EXCLUDED)
    boards = compute_boards(as_of=NOV.last_day, params=PARAMS, top_k=5, categories=False, newcomers=request())
    assert [r.project_id for r in boards.newcomers] == [fine.pk]
    assert boards.newcomers_left_out["fork"] == [fork.pk]


def test_the_breakout_leads_and_spikes_are_capped(project_factory):
    steady = newcomer(project_factory, utc(2026, 11, 1), daily=100)
    spiky = project_factory(status="candidate", repo_created_at=utc(2026, 11, 1), pushed_at=utc(2026, 11, 29))
    record(spiky, [10] * 20 + [50_000] + [10] * 8, start_stars=10, end=dt.date(2026, 11, 30))
    boards = compute_boards(as_of=NOV.last_day, params=PARAMS, top_k=5, categories=False, newcomers=request())
    ranked = {r.project_id: r for r in boards.newcomers}
    (flag,) = ranked[spiky.pk].result.flags
    assert flag.startswith("unusual star spike on 2026-11-2")
    # Capped, the 50,000-star day does not make it a breakout: the steady climber leads.
    assert boards.newcomers[0].project_id == steady.pk
    assert ranked[steady.pk].result.breakdown()["month_stars"]["weight"] == 0.65


def test_a_candidate_excluded_before_publishing_is_not_tracked_by_publishing(project_factory):
    kept = newcomer(project_factory, utc(2026, 11, 3), daily=50)
    dropped = newcomer(project_factory, utc(2026, 11, 4), daily=40)
    edition = board_services.newcomers_build(month=NOV)
    Project.objects.filter(pk=dropped.pk).update(status=Project.Status.EXCLUDED)
    edition.entries.filter(project=dropped).delete()  # the editor pins it out
    snapshot_publish(snapshot=edition)
    kept.refresh_from_db()
    dropped.refresh_from_db()
    assert (kept.status, dropped.status) == (Project.Status.TRACKED, Project.Status.EXCLUDED)
    # Built again, the excluded one is no longer a newcomer at all.
    again = board_services.newcomers_build(month=NOV)
    assert list(again.entries.values_list("project_id", flat=True)) == [kept.pk]


def test_a_month_not_started_or_with_nothing_eligible_is_refused(project_factory):
    with pytest.raises(ValidationError):
        board_services.newcomers_build(month=newcomers.Month(2027, 1))
    with pytest.raises(ValidationError):
        board_services.newcomers_build(month=NOV)


def test_months_parse_strictly():
    assert str(newcomers.Month.parse("2026-11")) == "2026-11"
    assert newcomers.Month.parse("2026-12").next == newcomers.Month(2027, 1)
    assert newcomers.Month(2026, 1).previous == newcomers.Month(2025, 12)
    for bad in ("2026-13", "2026-1", "26-11", "2026-11-01", ""):
        with pytest.raises(ValueError, match="YYYY-MM"):
            newcomers.Month.parse(bad)


# --- Fields ---------------------------------------------------------------------------------


@pytest.fixture
def vision(db):
    categories_ensure_defaults()
    return Category.objects.get(slug="computer-vision")


def test_defaults_are_created_once_and_never_overwrite_editors(vision):
    vision.name_en = "Seeing"
    vision.save()
    assert categories_ensure_defaults() == []
    vision.refresh_from_db()
    assert vision.name_en == "Seeing"
    assert Category.objects.count() == len(DEFAULT_CATEGORIES)
    assert {"yolo", "object-detection"} <= set(vision.topics.values_list("slug", flat=True))


def test_topics_map_projects_to_fields_and_overrides_win(project_factory, vision, django_assert_num_queries):
    language = Category.objects.get(slug="language-models")
    detector, chatbot, odd = project_factory(), project_factory(), project_factory()
    detector.topics.add(Topic.objects.get(slug="yolo"))
    chatbot.topics.add(Topic.objects.get(slug="llm"))
    odd.topics.add(Topic.objects.get(slug="object-detection"))
    CategoryOverride.objects.create(project=odd, category=vision, member=False)
    CategoryOverride.objects.create(project=odd, category=language, member=True)
    with django_assert_num_queries(1):
        members = category_memberships()
    assert members == {detector.pk: {vision.pk}, chatbot.pk: {language.pk}, odd.pk: {language.pk}}


def _tracked_world(project_factory, vision, count=14):
    yolo = Topic.objects.get(slug="yolo")
    projects = []
    for n in range(count):
        project = project_factory(pushed_at=utc(2026, 12, 1))
        record(project, [n + 1] * 40, end=dt.date(2026, 12, 2))
        if n % 2 == 0:
            project.topics.add(yolo)
        projects.append(project)
    return projects


def test_one_figures_pass_serves_every_board(project_factory, vision):
    _tracked_world(project_factory, vision)
    language = Category.objects.get(slug="language-models")
    CategoryOverride.objects.create(project=Project.objects.first(), category=language, member=True)
    with CaptureQueriesContext(connection) as queries:
        boards = compute_boards(
            as_of=dt.date(2026, 11, 30), params=PARAMS, top_k=50, category_top_k=10, newcomers=request()
        )
    passes = [q for q in queries.captured_queries if "window_samples" in q["sql"]]
    # membership, the figures pass; no spike, so no spike-day query
    assert (len(queries.captured_queries), len(passes)) == (2, 1)
    assert set(boards.categories) == {vision.pk, language.pk}
    assert len(boards.categories[vision.pk]) == 7
    overall = compute_ranking(as_of=dt.date(2026, 11, 30), params=PARAMS, top_k=50)
    assert [(r.project_id, r.result.score) for r in boards.overall] == [(r.project_id, r.result.score) for r in overall]
    # A field's board is the overall order restricted to its members.
    order = [r.project_id for r in boards.overall]
    vision_ids = [r.project_id for r in boards.categories[vision.pk]]
    assert vision_ids == [pid for pid in order if pid in set(vision_ids)]


@pytest.fixture
def built(project_factory, vision, settings):
    settings.RANKING_AUTO_PUBLISH = True
    _tracked_world(project_factory, vision)
    board_services.boards_build(as_of=dt.date(2026, 12, 1))
    return board_services.boards_build()


def test_the_daily_build_stores_every_board_and_the_overall_one_as_before(built, vision):
    assert built.overall.board == "overall" and built.overall.category is None
    assert [s.category for s in built.categories] == [vision]
    board = built.categories[0]
    assert (board.status, board.entries.count(), board.parameters["top_k"]) == ("published", 7, 10)
    assert RankingSnapshot.objects.published().board("category", category=vision).count() == 2


def test_field_pages_feed_and_api_in_both_languages(built, vision, client, django_assert_max_num_queries):
    with django_assert_max_num_queries(12):
        english = client.get("/topics/computer-vision/", HTTP_ACCEPT_LANGUAGE="en")
    chinese = client.get("/topics/computer-vision/", HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert english.status_code == 200
    assert "Top 10 in Computer vision" in english.content.decode()
    assert "计算机视觉十强" in chinese
    index = client.get("/topics/", HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert "计算机视觉" in index and "大语言模型" in index
    feed = client.get("/topics/computer-vision/feed/")
    assert feed.status_code == 200 and b"Top 10 in Computer vision" in feed.content
    assert client.get("/topics/no-such-field/").status_code == 404
    listed = client.get("/api/rankings/?board=category&category=computer-vision").json()
    assert listed["count"] == 2 and {r["category"] for r in listed["results"]} == {"computer-vision"}
    detail = client.get("/api/categories/computer-vision/").json()
    assert detail["current"]["board"] == "category" and len(detail["current"]["entries"]) == 7
    assert client.get("/api/categories/").json()["count"] == Category.objects.count()


def test_field_page_runs_a_fixed_number_of_queries(built, client, django_assert_num_queries):
    # the category and its topics, its board, the entries with credits and topics, the previous board, its entries
    with django_assert_num_queries(8):
        assert client.get("/topics/computer-vision/").status_code == 200


def test_overall_pages_ignore_the_other_boards(built, client):
    current = client.get("/").content.decode()
    assert "Computed ranking" in current and "Top 10 in" not in current
    assert 'href="/rankings/new/"' in current and 'href="/topics/"' in current
    assert client.get("/api/rankings/current/").json()["board"] == "overall"


# --- Newcomers' pages ------------------------------------------------------------------------


@pytest.fixture
def edition(project_factory):
    for n in range(3):
        newcomer(project_factory, utc(2026, 11, 3 + n), daily=30 + n)
    return board_services.newcomers_build(month=NOV, publish=True)


def test_a_short_month_says_so_in_both_languages(edition, client, django_assert_num_queries):
    with django_assert_num_queries(5):
        english = client.get("/rankings/new/2026-11/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    chinese = client.get("/rankings/new/2026-11/", HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert "The ten newest ML projects · November 2026" in english
    assert "Only 3 projects created this month were eligible." in english
    assert "十大最新机器学习开源项目 · 2026年11月" in chinese and "只有 3 个符合条件" in chinese


def test_newcomers_index_api_feed_and_404s(edition, client):
    index = client.get("/rankings/new/").content.decode()
    assert "/rankings/new/2026-11/" in index
    listed = client.get("/api/rankings/?board=new&period=2026-11").json()
    assert [r["id"] for r in listed["results"]] == [edition.pk]
    assert listed["results"][0]["period"] == "2026-11"
    assert b"The ten newest ML projects" in client.get("/feed/").content
    assert client.get("/rankings/new/2026-10/").status_code == 404
    assert client.get("/rankings/new/2026-13/").status_code == 404


def test_compare_works_across_months(edition, project_factory, client):
    december = newcomers.Month(2026, 12)
    project = project_factory(status="candidate", repo_created_at=utc(2026, 12, 1, 1), pushed_at=utc(2026, 12, 2))
    record(project, [20], start_stars=5, end=dt.date(2026, 12, 2))
    later = board_services.newcomers_build(month=december, publish=True)
    response = client.get(f"/rankings/compare/?a={edition.pk}&b={later.pk}")
    assert response.status_code == 200
    assert "November 2026" in response.content.decode()
