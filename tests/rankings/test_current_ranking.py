import pytest

pytestmark = pytest.mark.django_db


def test_api_current_ranking_shape(client, seeded, django_assert_num_queries):
    with django_assert_num_queries(4):
        response = client.get("/api/rankings/current/")
    assert response.status_code == 200
    body = response.json()
    assert (body["id"], body["title"]) == (seeded.pk, "Mybridge Top 10 · February 2018")
    assert body["taken_at"] == "2018-02-01T00:00:00Z"
    assert [e["rank"] for e in body["entries"]] == list(range(1, 11))
    first = body["entries"][0]
    assert first["stars"] == 11248 and first["score"] is None
    assert first["project"] == {
        "slug": "detectron",
        "name": "Detectron",
        "full_name": "facebookresearch/Detectron",
        "html_url": "https://github.com/facebookresearch/Detectron",
        "authors": [
            {"name": "Facebook AI Research", "slug": "facebook-ai-research", "kind": "organization", "affiliation": ""}
        ],
        "authors_et_al": False,
    }
    assert body["entries"][5]["project"]["html_url"] == (
        "https://github.com/deepmind/lab/tree/HEAD/game_scripts/levels/contributed/psychlab"
    )


def test_api_current_ranking_is_404_json_before_anything_is_published(client):
    response = client.get("/api/rankings/current/")
    assert response.status_code == 404
    assert response.json() == {"detail": "No ranking has been published yet."}


def test_api_is_read_only_for_anonymous_clients(client, seeded):
    response = client.post(f"/api/rankings/{seeded.pk}/unpublish/", {}, content_type="application/json")
    assert response.status_code in (401, 403)
    # A write no endpoint offers is a 405 for anyone, before any credentials are asked for.
    assert client.post("/api/rankings/current/", {}, content_type="application/json").status_code == 405


def test_home_page_lists_the_ten_in_rank_order(client, seeded, django_assert_num_queries):
    with django_assert_num_queries(5):
        response = client.get("/")
    assert response.status_code == 200
    content = response.content.decode()
    names = [
        "Detectron",
        "FaceSwap",
        "Gradient-checkpointing",
        "Lime",
        "dm_control",
        "Psychlab",
        "DeepJ",
        "Simple",
        "Deep-neuroevolution",
        "NPMT",
    ]
    positions = [content.index(f">{name}</a>") for name in names]
    assert positions == sorted(positions)
    assert "11,248" in content and "Mybridge Top 10 · February 2018" in content
    assert "Facebook AI Research" in content and "et al." in content
    assertTemplateUsed = [t.name for t in response.templates]
    assert "base.html" in assertTemplateUsed and "rankings/current.html" in assertTemplateUsed


def test_home_page_without_a_ranking_says_so(client):
    response = client.get("/")
    assert response.status_code == 200
    assert "No ranking published yet" in response.content.decode()


def test_project_and_author_pages(client, seeded):
    assert "deepmind/lab" in client.get("/projects/psychlab/").content.decode()
    assert "Psychlab" in client.get("/authors/charles-beattie/").content.decode()
    assert client.get("/projects/no-such-project/").status_code == 404
    assert client.get("/rankings/999999/").status_code == 404
    assert client.get(f"/rankings/{seeded.pk}/").status_code == 200


def test_healthz_reports_the_database(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok" and body["checks"]["database"]["status"] == "ok"
