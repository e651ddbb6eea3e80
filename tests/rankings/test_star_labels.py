"""Every star figure says what it is: today's count, or the count when a ranking was published (issue 13, item 3)."""

import datetime as dt

import pytest
from django.utils import timezone

from projects.models import Project
from rankings.models import RankingSnapshot

pytestmark = pytest.mark.django_db


@pytest.fixture
def refreshed_detectron(seeded, stats_sample_factory):
    detectron = Project.objects.get(slug="detectron")
    now = timezone.now()
    stats_sample_factory(project=detectron, captured_on=now.date(), captured_at=now, stars=26311)
    return detectron


def test_the_current_ranking_shows_stars_now_beside_the_published_count(client, refreshed_detectron):
    page = client.get("/").content.decode()
    assert "<strong>26,311</strong> stars now" in page
    assert "11,248 when published, February 2018" in page


def test_a_published_ranking_shows_the_count_when_published(client, refreshed_detectron):
    snapshot = RankingSnapshot.objects.get()
    page = client.get(f"/rankings/{snapshot.pk}/").content.decode()
    assert "<strong>11,248</strong> stars when published, February 2018" in page
    assert "26,311" not in page


def test_an_old_capture_is_never_called_now(client, seeded):
    page = client.get("/").content.decode()
    assert "stars now" not in page  # the seed's 2018 figures are the newest there are
    assert "<strong>11,248</strong> stars when published, February 2018" in page


def test_the_project_page_dates_an_old_star_count(client, seeded):
    assert "11,248 on " in client.get("/projects/detectron/").content.decode()


def test_the_project_page_calls_a_fresh_count_now(client, seeded, stats_sample_factory):
    detectron = Project.objects.get(slug="detectron")
    now = timezone.now()
    stats_sample_factory(project=detectron, captured_on=now.date() - dt.timedelta(days=1), captured_at=now, stars=26000)
    assert "26,000 now" in client.get("/projects/detectron/").content.decode()


def test_labels_in_chinese(client, refreshed_detectron):
    page = client.get("/", HTTP_ACCEPT_LANGUAGE="zh-CN").content.decode()
    assert "个星标（当前）" in page
    assert "发布时" in page and "2018年2月" in page
