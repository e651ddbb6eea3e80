"""Generated titles in the reader's language, distinct within a day (issue 13, item 20)."""

import datetime as dt

import pytest
from django.utils import translation

from rankings.models import RankingSnapshot
from rankings.services import snapshot_publish, snapshot_start_edition
from tests import factories

pytestmark = pytest.mark.django_db

DAY = dt.datetime(2026, 3, 5, 9, 0, tzinfo=dt.UTC)


def _published(taken_at, *, title="", origin=RankingSnapshot.Origin.COMPUTED):
    snapshot = factories.RankingSnapshotFactory(title=title, taken_at=taken_at, origin=origin)
    factories.RankingEntryFactory(snapshot=snapshot, rank=1)
    return snapshot_publish(snapshot=snapshot)


def _titles(queryset=None):
    return [s.display_title for s in (queryset or RankingSnapshot.objects.all()).with_title_order().order_by("pk")]


def test_a_computed_title_is_made_in_the_readers_language():
    snapshot = _published(DAY)
    with translation.override("en"):
        assert _titles() == ["Computed ranking · March 5, 2026"]
    with translation.override("zh-hans"):
        assert _titles() == ["计算排行 · 2026年3月5日"]
    assert snapshot.title == ""


def test_an_edition_title_is_made_in_the_readers_language():
    edition = snapshot_start_edition(snapshot=_published(DAY))
    assert edition.title == ""
    with translation.override("zh-hans"):
        assert "编辑版" in edition.display_title


def test_two_published_snapshots_of_one_day_get_different_titles():
    _published(DAY)
    _published(DAY + dt.timedelta(hours=5))
    _published(DAY + dt.timedelta(days=1))
    with translation.override("en"):
        assert _titles() == [
            "Computed ranking · March 5, 2026",
            "Computed ranking · March 5, 2026 #2",
            "Computed ranking · March 6, 2026",
        ]


def test_a_title_an_editor_typed_stays_as_typed(seeded):
    with translation.override("zh-hans"):
        assert seeded.display_title == "Mybridge Top 10 · February 2018"


def test_pages_feed_api_and_admin_use_the_generated_title(client, staff_client):
    _published(DAY)
    second = _published(DAY + dt.timedelta(hours=5))
    zh = {"HTTP_ACCEPT_LANGUAGE": "zh-CN"}
    page = client.get(f"/rankings/{second.pk}/", **zh).content.decode()
    assert "<h1>计算排行 · 2026年3月5日 #2</h1>" in page
    assert "计算排行 · 2026年3月5日 #2" in client.get("/rankings/", **zh).content.decode()
    assert "计算排行 · 2026年3月5日 #2" in client.get("/feed/", **zh).content.decode()
    # The API gives titles in English whatever the request's language (its bodies are shared).
    api = client.get(f"/api/rankings/{second.pk}/", **zh).json()
    assert api["title"] == "Computed ranking · March 5, 2026 #2"
    listing = client.get("/api/rankings/", **zh).json()["results"]
    assert {row["title"] for row in listing} == {"Computed ranking · March 5, 2026", api["title"]}
    admin = staff_client.get("/admin/rankings/rankingsnapshot/").content.decode()
    assert "Computed ranking · March 5, 2026 #2" in admin


def test_the_migration_clears_stored_english_titles_only():
    import importlib

    migration = importlib.import_module("rankings.migrations.0005_generated_titles")
    keep = ["Mybridge Top 10 · February 2018", "Computed ranking · my notes", "Editorial edition of “x” plus"]
    clear = ["Computed ranking · 2026-12-02", "Editorial edition of “Computed ranking · 2026-12-02”"]
    assert [bool(migration.GENERATED.match(t)) for t in keep + clear] == [False] * 3 + [True] * 2
