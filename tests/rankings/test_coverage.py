"""A computed ranking says what it considered and why the rest is not ranked (issue 13, item 4)."""

import datetime as dt

import pytest

from projects.models import Project
from rankings.services import snapshot_build, snapshot_publish
from tests.rankings.test_building import AS_OF, record

pytestmark = pytest.mark.django_db


@pytest.fixture
def catalogue(project_factory, time_machine):
    time_machine.move_to(dt.datetime.combine(AS_OF, dt.time(23), tzinfo=dt.UTC))
    made = {}

    def make(slug, **fields):
        made[slug] = project_factory(slug=slug, name=slug.title(), **fields)
        return made[slug]

    for slug in ("alpha", "beta"):
        record(make(slug), [20] * 40)
    record(make("small"), [1] * 40, start_stars=10)
    record(make("old", archived=True), [5] * 40)
    record(make("quiet"), [5] * 40, pushed=AS_OF - dt.timedelta(days=400))
    record(make("dropped", status=Project.Status.EXCLUDED, status_reason="A list"), [5] * 40)
    record(make("gone", missing_since=dt.datetime(2025, 6, 1, tzinfo=dt.UTC)), [5] * 40)
    make("unfetched")
    record(make("maybe", status=Project.Status.CANDIDATE), [50] * 40)  # not accepted: not considered
    return made


def test_the_snapshot_records_what_it_considered_and_why_the_rest_is_not_ranked(catalogue):
    snapshot = snapshot_build(as_of=AS_OF, top_k=1)
    ids = {slug: project.pk for slug, project in catalogue.items()}
    assert snapshot.coverage == {
        "considered": 8,
        "ranked": 1,
        "left_out": {
            "archived": {"count": 1, "ids": [ids["old"]]},
            "below_top_k": {"count": 1, "ids": [ids["beta"]]},
            "excluded": {"count": 1, "ids": [ids["dropped"]]},
            "inactive": {"count": 1, "ids": [ids["quiet"]]},
            "missing": {"count": 1, "ids": [ids["gone"]]},
            "no_figures": {"count": 1, "ids": [ids["unfetched"]]},
            "under_star_floor": {"count": 1, "ids": [ids["small"]]},
        },
    }


def test_the_page_and_the_api_show_the_counts(catalogue, client, staff_client):
    snapshot = snapshot_publish(snapshot=snapshot_build(as_of=AS_OF, top_k=1))
    page = client.get(f"/rankings/{snapshot.pk}/").content.decode()
    assert "1 of 8 projects considered are ranked." in page
    assert "Not ranked: 1 archived, 1 below the top of the ranking, 1 excluded by an editor" in page
    chinese = client.get(f"/rankings/{snapshot.pk}/", HTTP_ACCEPT_LANGUAGE="zh-CN").content.decode()
    assert "纳入考虑的 8 个项目中有 1 个上榜。" in chinese
    body = client.get(f"/api/rankings/{snapshot.pk}/").json()
    assert body["coverage"]["considered"] == 8 and body["coverage"]["left_out"]["no_figures"] == 1
    admin_page = staff_client.get(f"/admin/rankings/rankingsnapshot/{snapshot.pk}/change/").content.decode()
    assert "1 of 8 projects considered are ranked." in admin_page
    assert ">Quiet</a>" in admin_page and ">Unfetched</a>" in admin_page


def test_editorial_editions_say_nothing_of_coverage(seeded, client):
    page = client.get(f"/rankings/{seeded.pk}/").content.decode()
    assert "considered are ranked" not in page
    assert client.get(f"/api/rankings/{seeded.pk}/").json()["coverage"] is None
