import io
import json

import pytest
from django.core.management import call_command
from django.db.models import ProtectedError

from projects.models import Project
from rankings.models import RankingEntry, RankingSnapshot

CATALOGUE_MODELS = [
    "projects.topic",
    "projects.author",
    "projects.project",
    "projects.authorship",
    "rankings.statssample",
    "rankings.rankingsnapshot",
    "rankings.rankingentry",
]


def _dump() -> list[dict]:
    out = io.StringIO()
    call_command("dumpdata", *CATALOGUE_MODELS, format="json", indent=None, stdout=out)
    return json.loads(out.getvalue())


@pytest.mark.django_db(transaction=True)
def test_export_and_reimport_round_trips_exactly(seeded, tmp_path):
    before = _dump()
    assert len([row for row in before if row["model"] == "rankings.rankingentry"]) == 10
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
