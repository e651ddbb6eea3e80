import pytest
from django.core.management import call_command
from django.db.models import Avg

from projects.models import Author, Authorship, Project, Topic
from rankings.models import RankingEntry, RankingSnapshot
from stats.models import StatsSample

pytestmark = pytest.mark.django_db


def _table_counts():
    return {
        model.__name__: model.objects.count()
        for model in (Author, Authorship, Project, Topic, RankingEntry, RankingSnapshot, StatsSample)
    }


def test_seed_creates_the_published_editorial_snapshot(seeded):
    assert seeded.title == "Mybridge Top 10 · February 2018"
    assert seeded.status == RankingSnapshot.Status.PUBLISHED
    assert seeded.origin == RankingSnapshot.Origin.EDITORIAL
    assert seeded.taken_at.isoformat() == "2018-02-01T00:00:00+00:00"


def test_seed_has_the_articles_entries_and_figures(seeded):
    entries = list(seeded.entries.select_related("project").order_by("rank"))
    assert [e.rank for e in entries] == list(range(1, 11))
    assert (entries[0].project.name, entries[0].stars) == ("Detectron", 11248)
    assert (entries[-1].project.name, entries[-1].stars) == ("NPMT", 68)
    assert [e.project.slug for e in entries] == [
        "detectron",
        "faceswap",
        "gradient-checkpointing",
        "lime",
        "dm-control",
        "psychlab",
        "deepj",
        "simple",
        "deep-neuroevolution",
        "npmt",
    ]
    assert seeded.entries.aggregate(avg=Avg("stars"))["avg"] == pytest.approx(2579.6)


def test_seed_keeps_psychlabs_sub_path(seeded):
    psychlab = Project.objects.get(slug="psychlab")
    assert (psychlab.full_name, psychlab.sub_path) == ("deepmind/lab", "game_scripts/levels/contributed/psychlab")


def test_seed_credits_people_and_organizations(seeded):
    checkpointing = Project.objects.with_credits().get(slug="gradient-checkpointing")
    credits = [(c.author.name, c.author.kind, c.author.affiliation) for c in checkpointing.authorships.all()]
    assert credits == [
        ("OpenAI", "organization", ""),
        ("Tim Salimans", "person", "OpenAI"),
        ("Yaroslav Bulatov", "person", ""),
    ]
    lime = Project.objects.get(slug="lime")
    assert lime.authors_et_al is True
    assert lime.paper_urls == ["https://arxiv.org/abs/1602.04938"]
    assert Project.objects.get(slug="deepj").demo_url == "https://deepj.ai/"
    assert set(Project.objects.get(slug="dm-control").topics.values_list("slug", flat=True)) == {
        "reinforcement-learning",
        "continuous-control",
        "simulation",
    }


def test_seed_records_the_article_figures_as_history(seeded):
    sample = StatsSample.objects.get(project__slug="detectron")
    assert (str(sample.captured_on), sample.stars, sample.source) == ("2018-02-01", 11248, "import")


def test_seed_twice_changes_nothing(capsys):
    call_command("seed")
    before = _table_counts()
    snapshot = RankingSnapshot.objects.get()
    rows_before = list(RankingEntry.objects.values_list("id", "rank", "project_id", "stars"))
    call_command("seed")
    assert _table_counts() == before
    assert list(RankingEntry.objects.values_list("id", "rank", "project_id", "stars")) == rows_before
    assert RankingSnapshot.objects.get().pk == snapshot.pk
    assert "nothing changed" in capsys.readouterr().out


def test_seed_does_not_overwrite_an_editors_changes(seeded):
    Project.objects.filter(slug="lime").update(description="Edited by an editor.")
    call_command("seed")
    assert Project.objects.get(slug="lime").description == "Edited by an editor."
