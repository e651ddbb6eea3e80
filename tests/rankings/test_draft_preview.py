"""Staff preview a draft at its ranking URL; everyone else gets a 404 (issue 13, item 16)."""

import pytest
from django.core.cache import cache

from rankings.models import RankingSnapshot
from tests import factories
from tests.builders import build_rankings

pytestmark = pytest.mark.django_db


@pytest.fixture
def draft(project_factory):
    _, published = build_rankings(snapshots=1)
    snapshot = factories.RankingSnapshotFactory(title="Unreleased draft", status=RankingSnapshot.Status.DRAFT)
    for rank in (1, 2):
        factories.RankingEntryFactory(snapshot=snapshot, rank=rank, project=project_factory(name=f"Draft pick {rank}"))
    return snapshot


def test_staff_preview_a_draft_uncached_and_unindexed(staff_client, draft):
    response = staff_client.get(f"/rankings/{draft.pk}/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "Draft — not published" in html and "Unreleased draft" in html and "Draft pick 2" in html
    assert '<meta name="robots" content="noindex">' in html
    assert response["X-Robots-Tag"] == "noindex"
    assert "no-store" in response["Cache-Control"] and "private" in response["Cache-Control"]


def test_a_draft_preview_is_never_stored_in_the_page_cache(staff_client, draft, monkeypatch):
    from django.test import Client

    from mltop.caching import local_copies

    stored = []
    for method in ("set", "add", "set_many"):
        real = getattr(cache, method)
        monkeypatch.setattr(cache, method, lambda *a, _real=real, **kw: (stored.append((a, kw)), _real(*a, **kw))[1])
    response = staff_client.get(f"/rankings/{draft.pk}/")
    assert b"Unreleased draft" in response.content
    assert not any(b"Unreleased draft" in bytes_of(call) for call in stored)
    assert not any(b"Unreleased draft" in bytes_of(item) for item in local_copies._items.values())
    # An anonymous reader asking next still gets the 404, not the staff's page.
    assert Client().get(f"/rankings/{draft.pk}/").status_code == 404


def bytes_of(value):
    return value if isinstance(value, bytes) else str(value).encode()


def test_readers_and_non_staff_get_a_404_for_a_draft(client, django_user_model, draft):
    assert client.get(f"/rankings/{draft.pk}/").status_code == 404
    reader = django_user_model.objects.create_user("reader", password="x" * 20)
    client.force_login(reader)
    assert client.get(f"/rankings/{draft.pk}/").status_code == 404


def test_published_pages_are_the_same_for_staff(staff_client):
    _, snapshots = build_rankings(snapshots=1)
    html = staff_client.get(f"/rankings/{snapshots[0].pk}/").content.decode()
    assert "Draft — not published" not in html and "noindex" not in html


def test_view_on_site_from_a_draft_in_admin_opens_the_preview(staff_client, draft):
    change = staff_client.get(f"/admin/rankings/rankingsnapshot/{draft.pk}/change/").content.decode()
    assert "viewsitelink" in change
    response = staff_client.get(f"/admin/r/{_content_type_id()}/{draft.pk}/", follow=True)
    assert response.status_code == 200
    assert "Draft — not published" in response.content.decode()


def _content_type_id():
    from django.contrib.contenttypes.models import ContentType

    return ContentType.objects.get_for_model(RankingSnapshot).pk
