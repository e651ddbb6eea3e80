import pytest
from django.urls import reverse

from projects.models import Project

pytestmark = pytest.mark.django_db


def test_methodology_shows_the_weights_in_force(client, settings, django_assert_num_queries):
    settings.RANKING_WEIGHTS = {"popularity": 0.2, "momentum": 0.5, "engagement": 0.1, "recency": 0.2}
    settings.RANKING_RECENCY_HALF_LIFE_DAYS = 60
    with django_assert_num_queries(1):
        response = client.get(reverse("methodology"))
    assert response.status_code == 200
    content = response.content.decode()
    assert reverse("methodology") == "/methodology/"
    assert '<td class="num" data-weight="momentum">50%</td>' in content
    assert '<td class="num" data-weight="popularity">20%</td>' in content
    assert "halving every 60 days" in content
    assert "mltop-score/1" in content
    assert "No project has been removed." in content


def test_methodology_lists_removed_projects_with_reasons(client, project_factory, django_assert_num_queries):
    project_factory(name="Star farm", status=Project.Status.EXCLUDED, status_reason="Stars were bought.")
    project_factory(name="Fork", status=Project.Status.EXCLUDED, status_reason="A copy of another project.")
    project_factory(name="Fine")
    with django_assert_num_queries(1):
        response = client.get("/methodology/")
    content = response.content.decode()
    assert "Stars were bought." in content and "A copy of another project." in content
    assert content.index("Fork") < content.index("Star farm")
    assert "Fine" not in content


def test_methodology_in_simplified_chinese_still_renders(client):
    response = client.get("/methodology/", headers={"accept-language": "zh-hans"})
    assert response.status_code == 200
