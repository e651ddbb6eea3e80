import io
import json
import re

import pytest
from django.core.management import call_command
from django.db.models import ProtectedError

from projects.models import Project
from rankings.models import RankingEntry, RankingSnapshot

# The whole catalogue: what editors curate and what the rankings were computed from, plus the
# schedules editors set in admin (losing them would silently stop refreshes or rankings).
# Left out: users and tokens (accounts, not catalogue), login attempts, Celery results, and
# django_celery_beat's PeriodicTasks row, a change marker beat rewrites whenever a task is saved.
CATALOGUE_MODELS = [
    "projects.topic",
    "projects.author",
    "projects.discoveryrule",
    "projects.exclusionpattern",
    "projects.project",
    "projects.authorship",
    "stats.statssample",
    "rankings.rankingsnapshot",
    "rankings.rankingentry",
    "django_celery_beat.crontabschedule",
    "django_celery_beat.intervalschedule",
    "django_celery_beat.solarschedule",
    "django_celery_beat.clockedschedule",
    "django_celery_beat.periodictask",
]


def _dump() -> list[dict]:
    out = io.StringIO()
    call_command("dumpdata", *CATALOGUE_MODELS, format="json", indent=None, stdout=out)
    # Django's JSON keeps times to the millisecond and writes ".000" only while microseconds
    # remain: a time written at 12:00:00.000456 exports as ".000Z" and comes back as "Z".
    return json.loads(re.sub(r'(T\d\d:\d\d:\d\d)\.000Z"', r'\1Z"', out.getvalue()))


@pytest.mark.django_db(transaction=True)
def test_export_and_reimport_round_trips_exactly(seeded, tmp_path):
    from django_celery_beat.models import PeriodicTask

    from projects.discovery import discovery_rules_ensure_defaults
    from rankings.schedules import ensure_default_schedules

    ensure_default_schedules()
    discovery_rules_ensure_defaults()
    PeriodicTask.objects.filter(task="stats.refresh_all").update(enabled=False)  # an editor's change
    before = _dump()
    assert len([row for row in before if row["model"] == "rankings.rankingentry"]) == 10
    assert len([row for row in before if row["model"] == "django_celery_beat.periodictask"]) == 4
    export = tmp_path / "catalogue.json"
    export.write_text(json.dumps(before), encoding="utf-8")

    call_command("flush", interactive=False, verbosity=0)
    assert not Project.objects.exists()
    call_command("loaddata", str(export), verbosity=0)

    assert _dump() == before


@pytest.mark.django_db
def test_deleting_a_project_in_a_published_snapshot_is_refused(seeded):
    detectron = Project.objects.get(slug="detectron")
    with pytest.raises(ProtectedError):
        detectron.delete()
    assert RankingEntry.objects.filter(project=detectron).count() == 1


@pytest.mark.django_db
def test_admin_refuses_to_delete_such_a_project(staff_client, seeded):
    detectron = Project.objects.get(slug="detectron")
    response = staff_client.post(f"/admin/projects/project/{detectron.pk}/delete/", {"post": "yes"})
    assert response.status_code == 200
    assert "would require deleting the following protected related objects" in response.content.decode()
    assert Project.objects.filter(pk=detectron.pk).exists()


@pytest.mark.django_db
def test_a_published_snapshot_cannot_be_changed_through_admin(staff_client, seeded):
    entries_before = list(seeded.entries.values_list("id", "rank", "project_id", "stars", "blurb"))
    response = staff_client.post(
        f"/admin/rankings/rankingsnapshot/{seeded.pk}/change/",
        {
            "title": "Tampered",
            "notes": "changed",
            "entries-TOTAL_FORMS": "1",
            "entries-INITIAL_FORMS": "1",
            "entries-MIN_NUM_FORMS": "0",
            "entries-MAX_NUM_FORMS": "1000",
            "entries-0-id": str(seeded.entries.get(rank=1).pk),
            "entries-0-rank": "9",
            "entries-0-blurb": "tampered",
        },
    )
    assert response.status_code in (200, 302, 403)
    seeded.refresh_from_db()
    assert seeded.title == "Mybridge Top 10 · February 2018"
    assert seeded.status == RankingSnapshot.Status.PUBLISHED
    assert list(seeded.entries.values_list("id", "rank", "project_id", "stars", "blurb")) == entries_before


@pytest.mark.django_db
def test_the_reimported_schedules_keep_editors_changes(seeded, tmp_path):
    from django_celery_beat.models import PeriodicTask

    from projects.discovery import discovery_rules_ensure_defaults
    from rankings.schedules import ensure_default_schedules

    ensure_default_schedules()
    discovery_rules_ensure_defaults()
    PeriodicTask.objects.filter(task="stats.refresh_all").update(enabled=False)
    export = tmp_path / "catalogue.json"
    export.write_text(json.dumps(_dump()), encoding="utf-8")
    PeriodicTask.objects.all().delete()
    call_command("loaddata", str(export), verbosity=0)
    assert not PeriodicTask.objects.get(task="stats.refresh_all").enabled
    assert ensure_default_schedules() == []  # nothing to recreate: the defaults came back as they were


@pytest.fixture
def superuser_token(db):
    from rest_framework.authtoken.models import Token

    from tests.factories import StaffUserFactory

    user = StaffUserFactory(is_superuser=True)
    return {"HTTP_AUTHORIZATION": f"Token {Token.objects.create(user=user).key}"}


def _frozen(snapshot):
    return (
        list(RankingSnapshot.objects.filter(pk=snapshot.pk).values()),
        list(snapshot.entries.order_by("pk").values()),
    )


@pytest.mark.django_db
@pytest.mark.parametrize("method", ["put", "patch", "delete", "post"])
@pytest.mark.parametrize(
    "path", ["/api/rankings/{pk}/", "/api/rankings/", "/api/rankings/current/", "/api/rankings/compare/"]
)
def test_a_published_snapshot_cannot_be_changed_through_the_api(client, seeded, superuser_token, method, path):
    before = _frozen(seeded)
    body = json.dumps({"title": "Tampered", "status": "draft", "entries": [{"rank": 1, "blurb": "tampered"}]})
    response = getattr(client, method)(
        path.format(pk=seeded.pk), body, content_type="application/json", **superuser_token
    )
    # Even with every permission: the API offers no way to edit or delete a snapshot or its entries.
    assert response.status_code == 405
    assert response["Content-Type"] == "application/json"
    assert _frozen(seeded) == before


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/api/rankings/{pk}/entries/", "/api/rankings/{pk}/entries/1/", "/api/entries/1/"])
def test_there_is_no_entry_endpoint_to_write_to(client, seeded, superuser_token, path):
    before = _frozen(seeded)
    response = client.patch(
        path.format(pk=seeded.pk), json.dumps({"blurb": "x"}), content_type="application/json", **superuser_token
    )
    assert response.status_code == 404
    assert _frozen(seeded) == before


@pytest.mark.django_db
def test_the_api_only_publishes_and_unpublishes(client, seeded, superuser_token):
    before = _frozen(seeded)
    again = client.post(f"/api/rankings/{seeded.pk}/publish/", **superuser_token)
    assert again.status_code == 400  # already published: nothing to do, nothing changed
    assert _frozen(seeded) == before
    response = client.post(f"/api/rankings/{seeded.pk}/unpublish/", **superuser_token)
    assert response.status_code == 200
    seeded.refresh_from_db()
    assert seeded.status == RankingSnapshot.Status.DRAFT
    assert list(seeded.entries.order_by("pk").values()) == before[1]  # entries untouched by unpublishing


@pytest.mark.django_db
def test_the_api_cannot_delete_a_project_in_a_published_snapshot(client, seeded, superuser_token):
    response = client.delete("/api/projects/detectron/", **superuser_token)
    assert response.status_code == 405
    assert Project.objects.filter(slug="detectron").exists()
