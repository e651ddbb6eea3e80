"""Editors' work on snapshots in admin: reorder, pin, blurb, editions, flags, exclusions."""

import datetime as dt

import pytest

from projects.models import Project
from rankings.models import RankingSnapshot

pytestmark = pytest.mark.django_db


def _form(snapshot, rows, *, extra=()):
    rows = list(rows) + list(extra)
    data = {
        "title": snapshot.title,
        "taken_at_0": "2025-01-01",
        "taken_at_1": "00:00:00",
        "origin": snapshot.origin,
        "notes": "",
        "entries-TOTAL_FORMS": str(len(rows)),
        "entries-INITIAL_FORMS": str(len(rows) - len(extra)),
        "entries-MIN_NUM_FORMS": "0",
        "entries-MAX_NUM_FORMS": "1000",
    }
    for i, row in enumerate(rows):
        entry, rank, blurb, project, delete = row
        data.update(
            {
                f"entries-{i}-id": str(entry.pk) if entry else "",
                f"entries-{i}-snapshot": str(snapshot.pk),
                f"entries-{i}-rank": str(rank),
                f"entries-{i}-project": str(project.pk if project else entry.project_id),
                f"entries-{i}-stars": "",
                f"entries-{i}-blurb": blurb,
            }
        )
        if delete:
            data[f"entries-{i}-DELETE"] = "on"
    return data


@pytest.fixture
def draft(ranking_snapshot_factory, ranking_entry_factory, project_factory):
    snapshot = ranking_snapshot_factory(status=RankingSnapshot.Status.DRAFT)
    for rank in (1, 2, 3):
        ranking_entry_factory(snapshot=snapshot, rank=rank, project=project_factory(name=f"P{rank}"))
    return snapshot


def _names(snapshot):
    return list(snapshot.entries.order_by("rank").values_list("project__name", flat=True))


def test_swapping_two_ranks_in_one_save(staff_client, draft):
    first, second, third = draft.entries.order_by("rank")
    response = staff_client.post(
        f"/admin/rankings/rankingsnapshot/{draft.pk}/change/",
        _form(
            draft, [(first, 2, "", None, False), (second, 1, "Now first.", None, False), (third, 3, "", None, False)]
        ),
    )
    assert response.status_code == 302, response.content.decode()[-3000:]
    assert _names(draft) == ["P2", "P1", "P3"]
    assert draft.entries.get(rank=1).blurb == "Now first."


def test_rotating_three_ranks_and_pinning_in_and_out(staff_client, draft, project_factory):
    first, second, third = draft.entries.order_by("rank")
    pinned = project_factory(name="Pinned")
    response = staff_client.post(
        f"/admin/rankings/rankingsnapshot/{draft.pk}/change/",
        _form(
            draft,
            [(first, 3, "", None, False), (second, 1, "", None, True), (third, 2, "", None, False)],
            extra=[(None, 1, "Pinned in.", pinned, False)],
        ),
    )
    assert response.status_code == 302, response.content.decode()[-3000:]
    assert _names(draft) == ["Pinned", "P3", "P1"]


def test_duplicate_ranks_are_refused_and_nothing_moves(staff_client, draft):
    first, second, third = draft.entries.order_by("rank")
    response = staff_client.post(
        f"/admin/rankings/rankingsnapshot/{draft.pk}/change/",
        _form(draft, [(first, 2, "", None, False), (second, 2, "", None, False), (third, 3, "", None, False)]),
    )
    assert response.status_code == 200
    assert "duplicate ranks: 2" in response.content.decode()
    assert _names(draft) == ["P1", "P2", "P3"]


def test_start_edition_action(staff_client, draft):
    response = staff_client.post(
        "/admin/rankings/rankingsnapshot/", {"action": "start_edition", "_selected_action": [draft.pk]}, follow=True
    )
    edition = RankingSnapshot.objects.get(based_on=draft)
    assert "Started the draft" in response.content.decode()
    assert edition.origin == "editorial" and edition.status == "draft"
    assert _names(edition) == _names(draft)


def test_flags_are_shown_to_editors(staff_client, draft):
    draft.entries.filter(rank=2).update(flags=["unusual star spike on 2025-06-01"])
    content = staff_client.get(f"/admin/rankings/rankingsnapshot/{draft.pk}/change/").content.decode()
    assert '<span class="entry-flag">unusual star spike on 2025-06-01</span>' in content


def test_weights_and_parameters_are_read_only(staff_client, draft):
    content = staff_client.get(f"/admin/rankings/rankingsnapshot/{draft.pk}/change/").content.decode()
    assert 'name="weights"' not in content and 'name="parameters"' not in content and 'name="method"' not in content


def test_excluding_a_project_needs_a_reason(staff_client, project_factory):
    project = project_factory(name="Star farm", slug="star-farm", repo_owner="farm", repo_name="stars")
    data = {
        "name": project.name,
        "slug": project.slug,
        "repo_url": project.html_url,
        "description": "",
        "demo_url": "",
        "status": "excluded",
        "status_reason": "",
        "authorships-TOTAL_FORMS": "0",
        "authorships-INITIAL_FORMS": "0",
        "authorships-MIN_NUM_FORMS": "0",
        "authorships-MAX_NUM_FORMS": "1000",
    }
    url = f"/admin/projects/project/{project.pk}/change/"
    response = staff_client.post(url, data)
    assert response.status_code == 200
    assert "Say why the project is excluded" in response.content.decode()
    assert Project.objects.get(pk=project.pk).status == Project.Status.TRACKED

    response = staff_client.post(url, {**data, "status_reason": "Stars were bought.", "ranking_keep": "on"})
    assert response.status_code == 302
    project.refresh_from_db()
    assert (project.status, project.status_reason, project.ranking_keep) == ("excluded", "Stars were bought.", True)


def test_a_pinned_row_takes_the_projects_figure_unless_the_editor_gives_one(
    staff_client, draft, project_factory, stats_sample_factory
):
    first, second, third = draft.entries.order_by("rank")
    sampled, typed = project_factory(name="Sampled"), project_factory(name="Typed")
    # The form moves the snapshot to 2025-01-01: the figure is the newest up to that day.
    stats_sample_factory(project=sampled, captured_on=dt.date(2024, 12, 30), stars=1234)
    stats_sample_factory(project=sampled, captured_on=dt.date(2025, 1, 2), stars=9999)
    data = _form(
        draft,
        [(first, 1, "", None, False), (second, 2, "", None, False), (third, 3, "", None, False)],
        extra=[(None, 4, "", sampled, False), (None, 5, "", typed, False)],
    )
    data["entries-4-stars"] = "77"
    response = staff_client.post(f"/admin/rankings/rankingsnapshot/{draft.pk}/change/", data)
    assert response.status_code == 302, response.content.decode()[-3000:]
    assert _names(draft) == ["P1", "P2", "P3", "Sampled", "Typed"]
    assert list(draft.entries.filter(rank__gte=4).order_by("rank").values_list("stars", flat=True)) == [1234, 77]


def test_removing_a_row_leaves_the_others_at_the_ranks_shown(staff_client, draft):
    first, second, third = draft.entries.order_by("rank")
    response = staff_client.post(
        f"/admin/rankings/rankingsnapshot/{draft.pk}/change/",
        _form(draft, [(first, 1, "", None, True), (second, 2, "", None, False), (third, 3, "Kept.", None, False)]),
    )
    assert response.status_code == 302, response.content.decode()[-3000:]
    assert list(draft.entries.order_by("rank").values_list("project__name", "rank", "blurb")) == [
        ("P2", 2, ""),
        ("P3", 3, "Kept."),
    ]


def test_giving_a_row_another_project_unpins_one_and_pins_the_other(staff_client, draft, project_factory):
    first, second, third = draft.entries.order_by("rank")
    other = project_factory(name="Other")
    response = staff_client.post(
        f"/admin/rankings/rankingsnapshot/{draft.pk}/change/",
        _form(
            draft, [(first, 1, "", None, False), (second, 2, "Swapped in.", other, False), (third, 3, "", None, False)]
        ),
    )
    assert response.status_code == 302, response.content.decode()[-3000:]
    assert _names(draft) == ["P1", "Other", "P3"]
    assert draft.entries.get(rank=2).blurb == "Swapped in."


@pytest.mark.parametrize("rank", ["0", "-1", "40000"])
def test_a_rank_out_of_range_is_a_form_error(staff_client, draft, rank):
    first, second, third = draft.entries.order_by("rank")
    data = _form(draft, [(first, 1, "", None, False), (second, 2, "", None, False), (third, 3, "", None, False)])
    data["entries-0-rank"] = rank
    response = staff_client.post(f"/admin/rankings/rankingsnapshot/{draft.pk}/change/", data)
    assert response.status_code == 200
    assert "errorlist" in response.content.decode()
    assert _names(draft) == ["P1", "P2", "P3"]


def _captures(project, taken_at, *stars_by_days_before):
    from stats.models import StatsSample

    for days, stars in stars_by_days_before:
        StatsSample.objects.create(
            project=project,
            captured_on=taken_at.date() - dt.timedelta(days=days),
            captured_at=taken_at - dt.timedelta(days=days),
            stars=stars,
        )


def test_a_project_pinned_by_service_gets_its_figures_from_the_latest_capture(draft, project_factory):
    from rankings.services import snapshot_entry_pin

    pinned = project_factory(name="Pinned")
    # The capture after taken_at is not the snapshot's; the one on taken_at's day is.
    _captures(pinned, draft.taken_at, (30, 1000), (0, 1450), (-2, 9999))
    entry = snapshot_entry_pin(snapshot=draft, project=pinned)
    assert (entry.stars, entry.stars_gained_30d) == (1450, 450)


def test_a_project_added_in_the_admin_inline_gets_its_figures(staff_client, draft, project_factory):
    first, second, third = draft.entries.order_by("rank")
    pinned = project_factory(name="Pinned")
    # The form below sets the snapshot's taken_at to 2025-01-01.
    _captures(pinned, dt.datetime(2025, 1, 1, tzinfo=dt.UTC), (31, 11000), (1, 11248), (-1, 99999))
    response = staff_client.post(
        f"/admin/rankings/rankingsnapshot/{draft.pk}/change/",
        _form(
            draft,
            [(first, 1, "", None, False), (second, 2, "", None, False), (third, 3, "", None, False)],
            extra=[(None, 4, "By hand.", pinned, False)],
        ),
    )
    assert response.status_code == 302, response.content.decode()[-3000:]
    entry = draft.entries.get(project=pinned)
    assert (entry.stars, entry.stars_gained_30d) == (11248, 248)
