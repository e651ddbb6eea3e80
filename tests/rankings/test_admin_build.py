"""Building a computed ranking from the snapshot list in admin (issue 13, item 15)."""

import datetime as dt

import pytest
from django.utils import timezone

from rankings.models import RankingSnapshot
from stats.models import StatsSample

pytestmark = pytest.mark.django_db

BUILD_URL = "/admin/rankings/rankingsnapshot/build/"


@pytest.fixture
def eligible(project_factory):
    today = timezone.now().date()
    for i in range(3):
        project = project_factory(name=f"Eligible {i}")
        StatsSample.objects.bulk_create(
            StatsSample(
                project=project,
                captured_on=today - dt.timedelta(days=day),
                captured_at=timezone.now() - dt.timedelta(days=day),
                stars=5000 + 20 * (60 - day) * (i + 1),
                forks=100,
                watchers=50,
                pushed_at=timezone.now() - dt.timedelta(days=1),
            )
            for day in range(60)
        )


def test_the_snapshot_list_offers_a_build_button(staff_client):
    html = staff_client.get("/admin/rankings/rankingsnapshot/").content.decode()
    assert f'action="{BUILD_URL}"' in html and 'method="post"' in html
    assert "Build a computed ranking now" in html and "csrfmiddlewaretoken" in html


def test_building_makes_a_draft_and_links_to_it(staff_client, eligible, settings):
    settings.RANKING_AUTO_PUBLISH = False
    response = staff_client.post(BUILD_URL, follow=True)
    snapshot = RankingSnapshot.objects.get()
    assert snapshot.origin == RankingSnapshot.Origin.COMPUTED and not snapshot.is_published
    html = response.content.decode()
    assert f"/admin/rankings/rankingsnapshot/{snapshot.pk}/change/" in html


def test_building_with_nothing_eligible_says_why(staff_client):
    response = staff_client.post(BUILD_URL, follow=True)
    assert RankingSnapshot.objects.count() == 0
    assert "No project is eligible" in response.content.decode()


def test_building_takes_a_post_from_staff(client, staff_client, django_user_model):
    assert staff_client.get(BUILD_URL).status_code == 405
    assert client.post(BUILD_URL).status_code == 302  # to the login page
    assert RankingSnapshot.objects.count() == 0
    reader = django_user_model.objects.create_user("reader", password="x" * 20)
    client.force_login(reader)
    assert client.post(BUILD_URL).status_code == 302  # not staff: admin's login page
    assert RankingSnapshot.objects.count() == 0


def test_building_needs_the_csrf_token(staff_user):
    from django.test import Client

    strict = Client(enforce_csrf_checks=True)
    strict.force_login(staff_user)
    assert strict.post(BUILD_URL).status_code == 403


def test_the_build_button_is_styled_like_the_object_tools(staff_client):
    html = staff_client.get("/admin/rankings/rankingsnapshot/").content.decode()
    assert "css/mltop-admin.css" in html
