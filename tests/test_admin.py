import pytest

from projects.models import Project
from rankings.models import RankingSnapshot

pytestmark = pytest.mark.django_db

ADMIN_PAGES = [
    "/admin/",
    "/admin/projects/project/",
    "/admin/projects/project/add/",
    "/admin/projects/author/",
    "/admin/projects/topic/",
    "/admin/rankings/rankingsnapshot/",
    "/admin/stats/statssample/",
]


@pytest.mark.parametrize("url", ADMIN_PAGES)
def test_anonymous_users_are_sent_to_login(client, url):
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/")


def test_non_staff_users_cannot_enter(client, django_user_model):
    user = django_user_model.objects.create_user("reader", password="pw-123-long-enough")
    client.force_login(user)
    response = client.get("/admin/projects/project/")
    assert response.status_code == 302 and response["Location"].startswith("/admin/login/")


@pytest.mark.parametrize("url", ADMIN_PAGES)
def test_staff_see_admin_pages(staff_client, seeded, url):
    assert staff_client.get(url).status_code == 200


def test_project_list_shows_figures_and_filters(staff_client, seeded):
    response = staff_client.get("/admin/projects/project/", {"status__exact": "tracked", "q": "deepmind"})
    content = response.content.decode()
    assert "dm_control" in content and "Psychlab" in content and "Detectron" not in content
    assert "4774" in content or "4,774" in content


def test_change_pages_of_seeded_rows_render(staff_client, seeded):
    project = Project.objects.get(slug="psychlab")
    response = staff_client.get(f"/admin/projects/project/{project.pk}/change/")
    assert response.status_code == 200
    assert (
        "https://github.com/deepmind/lab/tree/HEAD/game_scripts/levels/contributed/psychlab"
        in response.content.decode()
    )
    assert staff_client.get(f"/admin/rankings/rankingsnapshot/{seeded.pk}/change/").status_code == 200


def _project_form(**overrides):
    data = {
        "name": "New project",
        "slug": "new-project",
        "repo_url": "https://github.com/example/new-project",
        "description": "",
        "demo_url": "",
        "status": "tracked",
        "status_reason": "",
        "authorships-TOTAL_FORMS": "0",
        "authorships-INITIAL_FORMS": "0",
        "authorships-MIN_NUM_FORMS": "0",
        "authorships-MAX_NUM_FORMS": "1000",
    }
    data.update(overrides)
    return data


def test_adding_a_project_by_url(staff_client):
    response = staff_client.post(
        "/admin/projects/project/add/",
        _project_form(repo_url="https://github.com/deepmind/lab/tree/master/game_scripts/levels/contributed/psychlab"),
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    project = Project.objects.get(slug="new-project")
    assert (project.full_name, project.sub_path) == ("deepmind/lab", "game_scripts/levels/contributed/psychlab")


def test_a_project_is_added_with_only_its_url_name_and_slug_from_the_repository(staff_client, project_factory):
    project_factory(slug="lab")
    for url in ("https://github.com/example/New.Project", "https://github.com/deepmind/lab"):
        response = staff_client.post("/admin/projects/project/add/", _project_form(name="", slug="", repo_url=url))
        assert response.status_code == 302, response.content.decode()[:2000]
    assert Project.objects.get(repo_owner="example").name == "New.Project"
    assert Project.objects.get(repo_owner="example").slug == "newproject"  # slugify's, as `track` makes it
    assert (Project.objects.get(repo_owner="deepmind").name, Project.objects.get(repo_owner="deepmind").slug) == (
        "lab",
        "lab-2",  # "lab" is taken
    )


def test_a_folder_of_a_repository_is_named_after_the_folder(staff_client):
    url = "https://github.com/deepmind/lab/tree/master/game_scripts/levels/contributed/psychlab"
    response = staff_client.post("/admin/projects/project/add/", _project_form(name="", slug="", repo_url=url))
    assert response.status_code == 302
    assert Project.objects.values_list("name", "slug").get() == ("psychlab", "psychlab")


def test_a_given_name_and_slug_are_kept(staff_client):
    response = staff_client.post(
        "/admin/projects/project/add/", _project_form(name="Lab", slug="", repo_url="https://github.com/deepmind/lab")
    )
    assert response.status_code == 302
    assert Project.objects.values_list("name", "slug").get() == ("Lab", "lab")


def test_paper_links_are_url_fields_blank_ones_ignored(staff_client):
    page = staff_client.get("/admin/projects/project/add/").content.decode()
    assert 'type="url" name="paper_urls_0"' in page and 'name="paper_urls_4"' in page
    response = staff_client.post(
        "/admin/projects/project/add/",
        _project_form(paper_urls_0="https://arxiv.org/abs/1703.06870", paper_urls_1=" ", paper_urls_2="http://x.org/b"),
    )
    assert response.status_code == 302
    assert Project.objects.get().paper_urls == ["https://arxiv.org/abs/1703.06870", "http://x.org/b"]


def test_a_paper_link_that_is_not_a_web_address_is_named_in_the_error(staff_client):
    response = staff_client.post(
        "/admin/projects/project/add/",
        _project_form(paper_urls_0="https://arxiv.org/abs/1703.06870", paper_urls_1="javascript:alert(1)"),
    )
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors["paper_urls"]
    assert errors == ["Link 2: “javascript:alert(1)” is not a web address (https://…)."]
    assert not Project.objects.exists()


def test_a_project_with_many_paper_links_keeps_them_all(staff_client, project_factory):
    links = [f"https://arxiv.org/abs/{n}" for n in range(7)]
    project = project_factory(paper_urls=links)
    page = staff_client.get(f"/admin/projects/project/{project.pk}/change/").content.decode()
    assert 'value="https://arxiv.org/abs/6"' in page and 'name="paper_urls_8"' in page


def test_a_bad_github_url_is_a_form_error(staff_client):
    response = staff_client.post("/admin/projects/project/add/", _project_form(repo_url="https://gitlab.com/a/b"))
    assert response.status_code == 200
    assert "must be on github.com, not gitlab.com" in response.content.decode()
    assert not Project.objects.exists()


def test_a_repository_already_tracked_is_a_form_error(staff_client, seeded):
    response = staff_client.post(
        "/admin/projects/project/add/", _project_form(repo_url="https://github.com/FacebookResearch/detectron.git")
    )
    assert response.status_code == 200
    assert "already in the catalogue as “Detectron”" in response.content.decode()
    assert Project.objects.count() == 10


def test_publish_and_unpublish_actions(staff_client, ranking_snapshot, ranking_entry_factory):
    ranking_entry_factory(snapshot=ranking_snapshot, rank=1)
    url = "/admin/rankings/rankingsnapshot/"
    response = staff_client.post(url, {"action": "publish", "_selected_action": [ranking_snapshot.pk]}, follow=True)
    assert "Published 1 snapshot." in response.content.decode()
    ranking_snapshot.refresh_from_db()
    assert ranking_snapshot.status == RankingSnapshot.Status.PUBLISHED

    response = staff_client.post(url, {"action": "unpublish", "_selected_action": [ranking_snapshot.pk]}, follow=True)
    assert "Unpublished 1 snapshot." in response.content.decode()
    ranking_snapshot.refresh_from_db()
    assert ranking_snapshot.status == RankingSnapshot.Status.DRAFT


def test_publishing_a_snapshot_with_missing_ranks_shows_why(staff_client, ranking_snapshot, ranking_entry_factory):
    ranking_entry_factory(snapshot=ranking_snapshot, rank=2)
    response = staff_client.post(
        "/admin/rankings/rankingsnapshot/",
        {"action": "publish", "_selected_action": [ranking_snapshot.pk]},
        follow=True,
    )
    assert "missing: 1" in response.content.decode()
    ranking_snapshot.refresh_from_db()
    assert ranking_snapshot.status == RankingSnapshot.Status.DRAFT


def _snapshot_form(snapshot, entries):
    data = {
        "title": snapshot.title,
        "taken_at_0": "2024-01-01",
        "taken_at_1": "00:00:00",
        "origin": snapshot.origin,
        "method": "",
        "weights": "{}",
        "notes": "",
        "entries-TOTAL_FORMS": str(len(entries)),
        "entries-INITIAL_FORMS": str(len(entries)),
        "entries-MIN_NUM_FORMS": "0",
        "entries-MAX_NUM_FORMS": "1000",
    }
    for i, (entry, rank) in enumerate(entries):
        data.update(
            {
                f"entries-{i}-id": str(entry.pk),
                f"entries-{i}-snapshot": str(snapshot.pk),
                f"entries-{i}-rank": str(rank),
                f"entries-{i}-project": str(entry.project_id),
                f"entries-{i}-stars": "",
                f"entries-{i}-blurb": "",
            }
        )
    return data


def test_duplicate_ranks_in_the_entries_inline_are_a_form_error(staff_client, ranking_snapshot, ranking_entry_factory):
    first = ranking_entry_factory(snapshot=ranking_snapshot, rank=1)
    second = ranking_entry_factory(snapshot=ranking_snapshot, rank=2)
    response = staff_client.post(
        f"/admin/rankings/rankingsnapshot/{ranking_snapshot.pk}/change/",
        _snapshot_form(ranking_snapshot, [(first, 1), (second, 1)]),
    )
    assert response.status_code == 200
    assert "duplicate" in response.content.decode().lower()
    assert sorted(ranking_snapshot.entries.values_list("rank", flat=True)) == [1, 2]


def test_published_snapshots_are_read_only_in_admin(staff_client, seeded):
    response = staff_client.get(f"/admin/rankings/rankingsnapshot/{seeded.pk}/change/")
    content = response.content.decode()
    assert 'name="title"' not in content
    assert 'name="entries-0-rank"' not in content
    assert staff_client.get(f"/admin/rankings/rankingsnapshot/{seeded.pk}/delete/").status_code == 403


def test_the_old_admin_address_of_samples_redirects_to_the_stats_app(admin_client):
    response = admin_client.get("/admin/rankings/statssample/?source=github")
    assert response.status_code == 301
    assert response["Location"] == "/admin/stats/statssample/?source=github"


def test_adding_a_project_in_admin_queues_its_first_fetch(
    staff_client, monkeypatch, django_capture_on_commit_callbacks
):
    from stats import tasks

    sent = []
    monkeypatch.setattr(tasks.refresh_batch, "apply_async", lambda args=None, **kw: sent.append(args))
    with django_capture_on_commit_callbacks(execute=True):
        response = staff_client.post("/admin/projects/project/add/", _project_form())
    assert response.status_code == 302
    assert sent == [[[Project.objects.get(slug="new-project").pk]]]


def test_scores_weights_and_breakdowns_are_shown_with_three_decimals(staff_client, ranking_entry_factory):
    entry = ranking_entry_factory(
        score=1 / 1.123456789,
        breakdown={"momentum": {"value": 0.8123456789012345, "weight": 0.35, "contribution": 0.2843209876543211}},
    )
    snapshot = entry.snapshot
    snapshot.weights = {"momentum": 0.35000000000000003}
    snapshot.parameters = {"decay": 0.19999999999999996, "window_days": 30}
    snapshot.save()
    for published in (False, True):
        if published:
            snapshot.status = RankingSnapshot.Status.PUBLISHED
            snapshot.save()
        content = staff_client.get(f"/admin/rankings/rankingsnapshot/{snapshot.pk}/change/").content.decode()
        assert ">0.890<" in content  # the score
        assert "momentum: 0.812 × 0.350 = 0.284" in content  # its breakdown, on hover
        assert "&quot;momentum&quot;: 0.35}" in content and "&quot;decay&quot;: 0.2," in content
        assert "0.8901" not in content and "0000000" not in content and "9999999" not in content


def test_an_id_past_any_primary_key_is_a_form_error_not_a_500(staff_client):
    """Hypothesis found it: a topic id of 20 digits made SQLite's driver overflow (a 500)."""
    response = staff_client.post("/admin/projects/project/add/", _project_form(topics=["99999999999999999999"]))
    assert response.status_code == 200
    assert "is not a valid value" in response.content.decode()
    assert not Project.objects.exists()
