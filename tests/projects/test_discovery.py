"""Discovery against the fake GitHub over real HTTP: rules -> search -> candidates, never a duplicate."""

import datetime as dt
import io
import socket

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from github.search import FoundRepo, Window
from projects import discovery
from projects.models import DiscoveryRule, ExclusionPattern, Project, RepositoryName
from stats.models import StatsSample

pytestmark = pytest.mark.django_db
MAY = Window.days(dt.date(2024, 5, 1), dt.date(2024, 5, 31))
IN_MAY = "2024-05-10T12:00:00Z"


@pytest.fixture
def rule(db):
    for pattern, field, reason in discovery.DEFAULT_EXCLUSIONS:
        ExclusionPattern.objects.create(pattern=pattern, field=field, reason=reason)
    return DiscoveryRule.objects.create(name="LLM", topics=["llm", "machine-learning"], keywords=["deep learning"])


@pytest.fixture
def github(fake_github):
    fake_github.search.set_limit(authorized=False, per_minute=10_000)
    return fake_github


def run(**kwargs):
    return discovery.discovery_run(window=kwargs.pop("window", MAY), **kwargs)


def test_a_new_repository_becomes_a_candidate_with_figures_provenance_topics_and_a_first_sample(github, rule):
    repo = github.add_repo(
        "acme/fastllm",
        stars=420,
        forks=12,
        open_issues=3,
        description="Fast LLM inference",
        topics=["llm", "inference"],
        created_at="2024-05-20T08:00:00Z",
        language="Rust",
        license="Apache-2.0",
    )
    summary = run()
    assert summary.line() == f"found 1, new 1, already known 0, excluded 0, searches {summary.searches}"
    project = Project.objects.get()
    assert (project.status, project.full_name, project.github_id, project.slug) == (
        "candidate",
        "acme/fastllm",
        repo.id,
        "fastllm",
    )
    assert (project.stars, project.forks, project.open_issues, project.language, project.license) == (
        420,
        12,
        3,
        "Rust",
        "Apache-2.0",
    )
    assert project.description == "Fast LLM inference"
    assert project.repo_created_at == dt.datetime(2024, 5, 20, 8, tzinfo=dt.UTC)
    assert sorted(project.topics.values_list("slug", flat=True)) == ["inference", "llm"]
    assert (project.discovered_by, project.discovered_stars) == (rule, 420)
    assert project.discovered_query.startswith("topic:llm stars:>=20 fork:false archived:false created:")
    assert project.discovered_at is not None and project.stars_per_day > 0
    sample = StatsSample.objects.get(project=project)
    assert sample.stars == 420


LOOK_ALIKES = [
    ("someone/awesome-llm", "A curated list of LLM papers", ["llm"]),
    ("someone/llm-course", "Course to get into Large Language Models", ["llm"]),
    ("someone/LLM-Interview-Questions", "", ["llm"]),
    ("someone/ml-roadmap", "", ["machine-learning"]),
    ("someone/llm-papers", "", ["llm"]),
    ("someone/dl-notes", "", ["machine-learning"]),
    ("someone/llm-zh", "大模型学习资料整理", ["llm"]),
    ("someone/llm-guide-cn", "", ["llm"]),
    ("someone/ml-cheatsheet", "", ["machine-learning"]),
    ("someone/whatever", "Deep learning tutorials for beginners", ["machine-learning"]),
    ("someone/ai-stuff", "", ["llm", "awesome-list"]),
    ("someone/mirror-llama", "Mirror of meta/llama", ["llm"]),
]
REAL = [
    ("paper-qa/paperqa", "High accuracy RAG for answering questions from scientific documents", ["llm"]),
    ("ymcui/Chinese-LLaMA-Alpaca", "中文LLaMA&Alpaca大语言模型", ["llm"]),
    ("karpathy/notebooks-llm", "LLM experiments in notebooks", ["llm"]),
]


def test_lists_tutorials_and_their_chinese_variants_are_excluded_but_look_alike_projects_are_not(github, rule):
    for full_name, description, topics in LOOK_ALIKES + REAL:
        github.add_repo(full_name, stars=500, description=description, topics=topics, created_at=IN_MAY)
    summary = run()
    assert (summary.found, summary.excluded, summary.new) == (len(LOOK_ALIKES) + len(REAL), len(LOOK_ALIKES), 3)
    assert sorted(Project.objects.values_list("repo_name", flat=True)) == sorted(n.split("/")[1] for n, _, _ in REAL)


def test_forks_archived_mirrors_and_templates_do_not_become_candidates(github, rule):
    github.add_repo("a/real", stars=50, topics=["llm"], created_at=IN_MAY)
    github.add_repo("b/forked", stars=50, topics=["llm"], created_at=IN_MAY, fork=True)
    github.add_repo("c/archived", stars=50, topics=["llm"], created_at=IN_MAY, archived=True)
    github.add_repo("d/mirrored", stars=50, topics=["llm"], created_at=IN_MAY, mirror_url="https://git.example/x")
    github.add_repo("e/templated", stars=50, topics=["llm"], created_at=IN_MAY, is_template=True)
    summary = run()
    assert list(Project.objects.values_list("repo_name", flat=True)) == ["real"]
    assert (summary.found, summary.excluded) == (3, 2)  # search itself leaves forks and archived out


def test_a_second_run_over_the_same_window_adds_nothing(github, rule):
    for i in range(30):
        github.add_repo(f"org/model-{i}", stars=30 + i, topics=["llm"], created_at=IN_MAY)
    first = run()
    second = run()
    assert (first.new, second.new, second.known) == (30, 0, 30)
    assert Project.objects.count() == 30


def test_a_renamed_repository_is_matched_on_its_github_id(github, rule, project_factory):
    repo = github.add_repo("old/name", stars=90, topics=["llm"], created_at=IN_MAY)
    project = project_factory(repo_owner="old", repo_name="name", github_id=repo.id, status="tracked")
    github.rename("old/name", "new/better-name")
    summary = run()
    assert (summary.new, summary.known) == (0, 1)
    assert Project.objects.get() == project


def test_owner_and_name_match_without_case_and_earlier_names_match_too(github, rule, project_factory):
    github.add_repo("DeepMind/Lab2", stars=90, topics=["llm"], created_at=IN_MAY)
    github.add_repo("Team/renamed-away", stars=90, topics=["llm"], created_at=IN_MAY)
    project_factory(repo_owner="deepmind", repo_name="lab2")
    moved = project_factory(repo_owner="team", repo_name="new-home")
    RepositoryName.objects.create(project=moved, owner="team", name="renamed-away")
    summary = run()
    assert (summary.new, summary.known) == (0, 2)
    assert Project.objects.count() == 2


def test_a_rejected_candidate_found_again_stays_rejected(github, rule, project_factory):
    github.add_repo("spam/llm-thing", stars=300, topics=["llm"], created_at=IN_MAY)
    run()
    project = Project.objects.get()
    assert discovery.candidates_reject(project_ids=[project.pk], reason="Not open source") == 1
    github.update("spam/llm-thing", stars=900)
    summary = run()
    project.refresh_from_db()
    assert (summary.new, summary.known) == (0, 1)
    assert (project.status, project.status_reason, project.stars) == ("excluded", "Not open source", 300)


def test_a_candidate_that_stops_matching_or_is_deleted_stays_until_an_editor_decides(github, rule):
    github.add_repo("gone/soon", stars=300, topics=["llm"], created_at=IN_MAY)
    run()
    github.delete("gone/soon")
    summary = run()
    assert summary.found == 0
    assert Project.objects.get().status == "candidate"


def test_known_candidates_get_their_new_figures(github, rule):
    github.add_repo("rising/star", stars=100, topics=["llm"], created_at=IN_MAY)
    run()
    github.update("rising/star", stars=700)
    run()
    assert Project.objects.get().stars == 700


def test_auto_accept_tracks_candidates_above_the_rules_threshold_and_is_off_by_default(github, rule):
    github.add_repo("big/one", stars=5000, topics=["llm"], created_at=IN_MAY)
    github.add_repo("small/one", stars=50, topics=["llm"], created_at=IN_MAY)
    assert DiscoveryRule._meta.get_field("auto_accept_stars").default is None or rule.auto_accept_stars is None
    rule.auto_accept_stars = 1000
    rule.save()
    summary = run()
    assert summary.accepted == 1
    assert dict(Project.objects.values_list("repo_owner", "status")) == {"big": "tracked", "small": "candidate"}


def test_a_dry_run_counts_and_writes_nothing(github, rule):
    github.add_repo("a/one", stars=50, topics=["llm"], created_at=IN_MAY)
    summary = run(dry_run=True)
    assert (summary.found, summary.new) == (1, 1)
    assert not Project.objects.exists()


def test_only_repositories_created_in_the_window_are_asked_for(github, rule):
    github.add_repo("a/may", stars=50, topics=["llm"], created_at=IN_MAY)
    github.add_repo("a/april", stars=50, topics=["llm"], created_at="2024-04-30T23:59:59Z")
    run()
    assert list(Project.objects.values_list("repo_name", flat=True)) == ["may"]


def test_the_command_prints_the_summary_line_and_progress_on_stderr(github, rule):
    github.add_repo("a/one", stars=50, topics=["llm"], created_at=IN_MAY)
    out, err = io.StringIO(), io.StringIO()
    call_command("discover", "--since", "2024-05-01", "--until", "2024-05-31", stdout=out, stderr=err)
    searches = len([r for r in github.requests if r.path.startswith("/search/")])
    assert out.getvalue().strip() == f"found 1, new 1, already known 0, excluded 0, searches {searches}"
    out2 = io.StringIO()
    call_command("discover", "--since", "2024-05-01", "--until", "2024-05-31", "--rule", "LLM", stdout=out2)
    assert out2.getvalue().strip().startswith("found 1, new 0, already known 1, excluded 0, searches ")


def test_the_command_fails_clearly_when_github_cannot_be_reached(settings, rule):
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        settings.GITHUB_API_URL = f"http://127.0.0.1:{sock.getsockname()[1]}"
    settings.GITHUB_RETRY_BACKOFF = 0.01
    with pytest.raises(CommandError, match="GitHub could not be reached"):
        call_command("discover", "--since", "2024-05-01", "--until", "2024-05-31", stdout=io.StringIO())
    assert not Project.objects.exists()


def test_the_command_refuses_an_unknown_rule_and_a_bad_date(rule):
    with pytest.raises(CommandError, match="No discovery rule named nope"):
        call_command("discover", "--rule", "nope")
    with pytest.raises(CommandError, match="not a date"):
        call_command("discover", "--since", "May")


def test_default_rules_cover_the_common_ml_topics_and_are_created_once(db):
    assert discovery.discovery_rules_ensure_defaults() == ["ML topics", "ML keywords"]
    assert discovery.discovery_rules_ensure_defaults() == []
    topics = DiscoveryRule.objects.get(name="ML topics")
    assert len(topics.topics) >= 40 and topics.min_stars == 20
    assert not topics.include_forks and not topics.include_archived and topics.auto_accept_stars is None
    for topic in ("machine-learning", "deep-learning", "llm", "rag", "ai-agents", "object-detection"):
        assert topic in topics.topics
    assert ExclusionPattern.objects.count() == len(discovery.DEFAULT_EXCLUSIONS)
    for query in discovery.rule_queries(topics):
        assert len(f"{query} {MAY.split(3)[1].qualifier()}") <= 256


def test_exclusion_reason_reads_name_description_and_topics():
    rule = DiscoveryRule(name="r", min_stars=20, exclusions=["^internal-"])
    patterns = discovery.compile_patterns(discovery.DEFAULT_EXCLUSIONS + [("^internal-", "any", "rule exclusion")])

    def repo(name, description="", topics=(), **kw):
        fields = dict(stars=100, forks=0, open_issues=0, archived=False, fork=False, is_template=False, mirror=False)
        fields.update(kw)
        return FoundRepo(1, "o", name, description, tuple(topics), license="", language="", created_at=None,
                         pushed_at=None, **fields)  # fmt: skip

    assert discovery.exclusion_reason(repo("vllm"), rule=rule, patterns=patterns) == ""
    assert discovery.exclusion_reason(repo("x", topics=["awesome"]), rule=rule, patterns=patterns)
    assert discovery.exclusion_reason(repo("x", "深度学习教程"), rule=rule, patterns=patterns)
    assert discovery.exclusion_reason(repo("internal-tool"), rule=rule, patterns=patterns) == "rule exclusion"
    assert discovery.exclusion_reason(repo("x", stars=5), rule=rule, patterns=patterns) == "below the star floor"


def test_the_task_runs_on_its_own_queue_and_takes_a_lock(settings, github, rule):
    from mltop.celery import app
    from projects import tasks

    assert app.amqp.router.route({}, tasks.DISCOVER_TASK)["queue"].name == settings.CELERY_DISCOVERY_QUEUE
    github.add_repo("a/one", stars=50, topics=["llm"], created_at=timezone.now().strftime("%Y-%m-%dT%H:%M:%SZ"))
    assert tasks.discover.apply().get()["new"] == 1
    from mltop.locks import held

    with held(tasks.DISCOVER_LOCK, timeout=60):
        assert tasks.discover.apply().get() == {"skipped": True}
