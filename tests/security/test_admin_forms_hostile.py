"""Every admin add and change form, posted hypothesis-generated data.

The fields (and the inlines' formsets) are read from the form Django renders, so a field
added later is fuzzed too. Whatever is posted, admin answers with the form and its errors
(nothing changed) or saves something that passes the models' own validation; never a 500.
"""

import pytest
from django import forms
from django.db import transaction
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from projects.models import Author, Authorship, Project, Topic
from rankings.models import RankingEntry, RankingSnapshot
from tests.factories import RankingEntryFactory, RankingSnapshotFactory

pytestmark = pytest.mark.django_db

MODELS = [Topic, Author, Project, Authorship, RankingSnapshot, RankingEntry]
HOSTILE_TEXT = [
    "",
    " ",
    "\x00",
    "a\x00b",
    "<script>alert(1)</script>",
    "' OR '1'='1",
    "x" * 5000,
    "-1",
    "0",
    "99999999999999999999",
    "1e309",
    "NaN",
    "2024-02-30",
    "[]",
    "{}",
    '["\\u0000"]',
    '["javascript:alert(1)"]',
    '["https://arxiv.org/abs/1703.06870"]',
    "null",
    "https://github.com/../../etc/passwd",
    "https://github.com/a/b",
    "\u202e\ufeff",
]
text = st.one_of(
    st.sampled_from(HOSTILE_TEXT),
    st.text(alphabet=st.characters(blacklist_categories=["Cs"]), max_size=60),
)


def _state() -> list[list[dict]]:
    return [list(model.objects.order_by("pk").values()) for model in MODELS]


def _add(fields, initial, form: forms.BaseForm, name: str, field: forms.Field):
    """One form field as the browser posts it: a split date and time are two inputs."""
    posted = form.add_prefix(name)
    value = form[name].value()
    if isinstance(field.widget, forms.MultiWidget):
        parts = value if isinstance(value, list) else field.widget.decompress(value)
        for i, part in enumerate(parts):
            fields[f"{posted}_{i}"] = field
            if part not in (None, ""):
                initial[f"{posted}_{i}"] = str(part)
        return
    fields[posted] = field
    if isinstance(field, forms.BooleanField):
        if value:
            initial[posted] = "on"
    elif value not in (None, "", []):
        initial[posted] = [str(v) for v in value] if isinstance(value, list) else str(value)


def _spec(response) -> tuple[dict[str, forms.Field], dict[str, str]]:
    """The fields a browser would post on this admin page, and the values it would post unchanged."""
    fields: dict[str, forms.Field] = {}
    initial: dict[str, str] = {}
    form = response.context["adminform"].form
    for name, field in form.fields.items():
        _add(fields, initial, form, name, field)
    for inline in response.context["inline_admin_formsets"]:
        formset = inline.formset
        for subform in [formset.management_form, *formset.forms]:
            for name, field in subform.fields.items():
                _add(fields, initial, subform, name, field)
    return fields, initial


def _value(field: forms.Field, valid: list[str]):
    """A strategy for one field: a plausible value (a real choice, a known id) or anything at all."""
    plausible = list(valid)
    if isinstance(field, forms.ModelMultipleChoiceField):
        return st.lists(st.one_of(st.sampled_from(plausible or ["1"]), text), max_size=3)
    if isinstance(field, forms.ChoiceField):
        plausible += [str(key) for key, _ in field.choices if key not in ("", None)]
    if isinstance(field, forms.BooleanField):
        plausible += ["on", "", "false"]
    options = [text]
    if plausible:
        options.insert(0, st.sampled_from(plausible))
    return st.one_of(*options)


@st.composite
def posts(draw, fields, initial, ids):
    """What the page would post (made valid for add forms), with a few fields changed or left out."""
    data = dict(initial)
    names = sorted(fields)
    for name in draw(st.lists(st.sampled_from(names), max_size=4, unique=True)) if names else []:
        if draw(st.booleans()) and name in data:
            del data[name]
        else:
            data[name] = draw(_value(fields[name], ids))
    data["_save"] = "Save"
    return data


@pytest.fixture
def catalogue(seeded):
    draft = RankingSnapshotFactory(title="Draft")
    RankingEntryFactory(snapshot=draft, project=Project.objects.get(slug="detectron"), rank=1)
    return {
        "project": Project.objects.get(slug="psychlab").pk,
        "author": Author.objects.order_by("pk").first().pk,
        "topic": Topic.objects.create(slug="rl", name="Reinforcement learning").pk,
        "draft": draft.pk,
        "published": seeded.pk,
    }


# Add forms start from a valid object, so that some posts save and are checked too.
VALID = {
    "project": {
        "name": "Fuzzed",
        "slug": "fuzzed",
        "repo_url": "https://github.com/fuzz/fuzzed",
        "status": "candidate",
    },
    "author": {"name": "Fuzzed", "slug": "fuzzed", "kind": "person"},
    "topic": {"slug": "fuzzed", "name": "Fuzzed"},
    "rankingsnapshot": {"title": "Fuzzed", "taken_at_0": "2024-05-01", "taken_at_1": "00:00:00", "origin": "editorial"},
}
FORMS = [
    "/admin/projects/project/add/",
    "/admin/projects/project/{project}/change/",
    "/admin/projects/author/add/",
    "/admin/projects/author/{author}/change/",
    "/admin/projects/topic/add/",
    "/admin/projects/topic/{topic}/change/",
    "/admin/rankings/rankingsnapshot/add/",
    "/admin/rankings/rankingsnapshot/{draft}/change/",
    "/admin/rankings/rankingsnapshot/{published}/change/",
]


@pytest.mark.parametrize("url", FORMS)
@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_a_hostile_post_gives_form_errors_or_a_valid_save(staff_client, catalogue, url, data):
    # Each example starts from the same catalogue: what one saved is rolled back before the next.
    with transaction.atomic():
        _post_and_check(staff_client, catalogue, url.format(**catalogue), data)
        transaction.set_rollback(True)


def _post_and_check(staff_client, catalogue, url, data):
    fields, initial = _spec(staff_client.get(url))
    if url.endswith("/add/"):
        initial.update(VALID[url.split("/")[3]])
    ids = [str(pk) for pk in catalogue.values()] + [
        str(pk) for pk in Project.objects.order_by("pk").values_list("pk", flat=True)
    ]
    post = data.draw(posts(fields, initial, ids))
    before = _state()
    frozen = _frozen(catalogue["published"])

    response = staff_client.post(url, post)

    assert response.status_code in (200, 302), response.status_code
    event(f"HTTP {response.status_code}")  # --hypothesis-show-statistics tells how many were saved
    if response.status_code == 200:
        # The form again, with its errors, and nothing written.
        assert b"errornote" in response.content or b"errorlist" in response.content
        assert _state() == before
    else:
        for model in (Topic, Author, Project, RankingSnapshot, RankingEntry):
            for obj in model.objects.all():
                obj.full_clean(validate_unique=False)
    # Whatever form was posted, the published snapshot and its entries are as they were.
    assert _frozen(catalogue["published"]) == frozen


def _frozen(pk: int):
    return list(RankingSnapshot.objects.filter(pk=pk).values()), list(
        RankingEntry.objects.filter(snapshot_id=pk).order_by("pk").values()
    )


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("name", "a\x00b"),
        ("description", "a\x00b"),
        ("repo_url", "https://github.com/a\x00/b"),
        ("paper_urls_0", "\x00"),
        ("paper_urls_1", "https://arxiv.org/abs/\x00"),
        ("demo_url", "https://example.com/\x00"),
        ("status_reason", "\x00"),
    ],
)
def test_nul_characters_are_form_errors_on_every_database(staff_client, catalogue, field, value):
    """PostgreSQL cannot store NUL in text or jsonb: the form must refuse it before the database does."""
    url = f"/admin/projects/project/{catalogue['project']}/change/"
    _, post = _spec(staff_client.get(url))
    post.update({field: value, "_save": "Save"})
    before = _state()
    response = staff_client.post(url, post)
    assert response.status_code == 200
    assert response.context["adminform"].form.errors[field.removesuffix("_0").removesuffix("_1")]
    assert _state() == before


@pytest.mark.parametrize(
    "value",
    ["javascript:alert(1)", "ftp://x.org/a", "arxiv.org/abs/1703.06870", '["https://arxiv.org"]', "x" * 600],
)
def test_paper_links_must_be_web_addresses(staff_client, catalogue, value):
    url = f"/admin/projects/project/{catalogue['project']}/change/"
    _, post = _spec(staff_client.get(url))
    post.update({"paper_urls_0": "https://arxiv.org/abs/1801.08116", "paper_urls_3": value, "_save": "Save"})
    response = staff_client.post(url, post)
    assert response.status_code == 200
    assert response.context["adminform"].form.errors["paper_urls"]


def test_paper_links_that_are_web_addresses_are_saved(staff_client, catalogue):
    url = f"/admin/projects/project/{catalogue['project']}/change/"
    _, post = _spec(staff_client.get(url))
    post.update({"paper_urls_0": "https://arxiv.org/abs/1801.08116", "_save": "Save"})
    assert staff_client.post(url, post).status_code == 302
    assert Project.objects.get(pk=catalogue["project"]).paper_urls == ["https://arxiv.org/abs/1801.08116"]
