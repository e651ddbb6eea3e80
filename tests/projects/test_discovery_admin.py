"""Triage in admin: the candidate queue, bulk accept and reject, the rules, the count on the index."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from projects.models import DiscoveryRule, Project

pytestmark = pytest.mark.django_db
QUEUE = "/admin/projects/candidate/"


@pytest.fixture
def rule(db):
    return DiscoveryRule.objects.create(name="ML topics", topics=["llm"])


def make_candidates(project_factory, topic_factory, rule, n, *, start=0):
    llm = topic_factory(slug="llm") if start == 0 else None
    made = []
    for i in range(start, start + n):
        project = project_factory(
            status=Project.Status.CANDIDATE,
            stars=100 + i,
            stars_per_day=float(i % 7),
            discovered_by=rule,
            discovered_at=timezone.now(),
            repo_created_at=dt.datetime(2024, 5, 1 + i % 28, tzinfo=dt.UTC),
        )
        if llm is not None:
            project.topics.add(llm)
        made.append(project)
    return made


def queries_for(client, url):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx.captured_queries), response


def test_the_queue_lists_candidates_most_worth_a_look_first(staff_client, project_factory, topic_factory, rule):
    low = project_factory(status="candidate", stars=5000, stars_per_day=1.0, name="Low")
    high = project_factory(status="candidate", stars=300, stars_per_day=50.0, name="High")
    tie = project_factory(status="candidate", stars=900, stars_per_day=50.0, name="Tie")
    project_factory(status="tracked", name="Tracked one")
    body = staff_client.get(QUEUE).content.decode()
    assert body.index(tie.name) < body.index(high.name) < body.index(low.name)
    assert "Tracked one" not in body
    assert f'href="https://github.com/{high.full_name}"' in body


def test_the_queue_takes_a_fixed_number_of_queries(staff_client, project_factory, topic_factory, rule):
    make_candidates(project_factory, topic_factory, rule, 5)
    few, _ = queries_for(staff_client, QUEUE)
    make_candidates(project_factory, topic_factory, rule, 150, start=5)
    many, response = queries_for(staff_client, QUEUE)
    assert few == many
    assert response.content.decode().count('name="_selected_action"') == 100  # paginated


@pytest.mark.parametrize(
    "query", ["discovered_by__id__exact={rule}", "topic=llm", "created_month=2024-05", "stars_range=100", "q=Project"]
)
def test_the_queue_filters(staff_client, project_factory, topic_factory, rule, query):
    make_candidates(project_factory, topic_factory, rule, 3)
    response = staff_client.get(f"{QUEUE}?{query.format(rule=rule.pk)}")
    assert response.status_code == 200
    assert response.content.decode().count('name="_selected_action"') == 3


def test_bulk_accept_tracks_the_selected_candidates(staff_client, project_factory, topic_factory, rule):
    a, b, c = make_candidates(project_factory, topic_factory, rule, 3)
    response = staff_client.post(QUEUE, {"action": "accept", "_selected_action": [a.pk, b.pk], "reason": ""})
    assert response.status_code == 302
    assert dict(Project.objects.values_list("pk", "status")) == {a.pk: "tracked", b.pk: "tracked", c.pk: "candidate"}


def test_bulk_reject_excludes_with_one_reason(staff_client, project_factory, topic_factory, rule):
    a, b, c = make_candidates(project_factory, topic_factory, rule, 3)
    staff_client.post(QUEUE, {"action": "reject", "_selected_action": [a.pk, c.pk], "reason": "A curated list"})
    rows = dict(Project.objects.values_list("pk", "status_reason"))
    assert Project.objects.get(pk=a.pk).status == "excluded" and rows[a.pk] == rows[c.pk] == "A curated list"
    assert Project.objects.get(pk=b.pk).status == "candidate"


def test_bulk_reject_without_a_reason_changes_nothing(staff_client, project_factory, topic_factory, rule):
    (a,) = make_candidates(project_factory, topic_factory, rule, 1)
    response = staff_client.post(QUEUE, {"action": "reject", "_selected_action": [a.pk], "reason": " "}, follow=True)
    assert "Say why these candidates are rejected" in response.content.decode()
    assert Project.objects.get(pk=a.pk).status == "candidate"


def test_the_admin_index_shows_how_many_candidates_wait(staff_client, project_factory, topic_factory, rule):
    make_candidates(project_factory, topic_factory, rule, 4)
    body = staff_client.get("/admin/").content.decode()
    assert "4 candidates await triage" in body and "4 new this week" in body


@pytest.mark.parametrize(
    ("data", "error"),
    [
        ({"topics": "[]", "keywords": "[]"}, "at least one topic or keyword"),
        ({"topics": '["llm"]', "keywords": '["' + "w " * 130 + '"]'}, "longer than 256"),
        ({"topics": '["llm"]', "exclusions": '["(unclosed"]'}, "not a regular expression"),
    ],
)
def test_the_rule_form_refuses_what_github_would(staff_client, data, error):
    form = {
        "name": "r",
        "active": "on",
        "topics": "[]",
        "keywords": "[]",
        "languages": "[]",
        "exclusions": "[]",
        "min_stars": "20",
    }
    response = staff_client.post("/admin/projects/discoveryrule/add/", {**form, **data})
    assert response.status_code == 200 and error in response.content.decode()
    assert not DiscoveryRule.objects.exists()


def test_rules_and_patterns_pages_open(staff_client, rule):
    for url in ("/admin/projects/discoveryrule/", f"/admin/projects/discoveryrule/{rule.pk}/change/",
                "/admin/projects/exclusionpattern/", "/admin/projects/exclusionpattern/add/"):  # fmt: skip
        assert staff_client.get(url).status_code == 200
