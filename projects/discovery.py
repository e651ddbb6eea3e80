"""Discovery: finding the month's new ML repositories on GitHub and queueing them for editors.

A run searches GitHub (github/search.py) once per topic and keyword of every active
``DiscoveryRule`` (times each of its languages), over one window of creation dates, and
then sorts every repository it found, each counted once, into:

- **excluded**: a fork, archived, a mirror or a template, below the rule's star floor, or
  matching an ``ExclusionPattern`` (curated lists, courses, tutorials, notes, roadmaps, in
  English and Chinese) or one of the rule's own exclusions; nothing is written for it;
- **already known**: a project with the repository's GitHub id (a renamed repository comes
  back under its new name with the same id), or its owner/name without regard to case, or
  an earlier name of a project. Tracked and excluded projects (rejected candidates are
  excluded with a reason) are left exactly as they are; a candidate gets its new figures;
- **new**: a ``Project`` with status ``candidate`` (or ``tracked`` when the rule auto-accepts
  from a star count and the repository has that many), with the search result's figures and
  its provenance (rule, query, when, stars). ``projects_entered`` is sent for them after
  the transaction, so the figures app records a first sample and queues their refresh.

The database's unique constraints (GitHub id; owner/name without case) make a second run,
or two runs racing, add nothing twice.
"""

from __future__ import annotations

import datetime as dt
import logging
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Value
from django.db.models.functions import Concat, Lower
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from github.search import FoundRepo, RepoSearch, Window, repository_query

from .models import DiscoveryRule, ExclusionPattern, Project, RepositoryName, Topic
from .signals import projects_entered

logger = logging.getLogger(__name__)

DEFAULT_WINDOW_DAYS = 35
# The longest window qualifier a search carries (a slice with datetime bounds): rules are checked with it.
LONGEST_WINDOW = "created:2024-05-01T00:00:00+00:00..2024-05-16T11:59:59+00:00"
CHUNK = 500  # names per IN (...) lookup: far below SQLite's and PostgreSQL's parameter limits

# The common ML topic vocabulary on GitHub (the most used ML topics, and then some).
DEFAULT_TOPICS = [
    "machine-learning", "deep-learning", "artificial-intelligence", "ai", "llm", "large-language-models",
    "nlp", "natural-language-processing", "computer-vision", "reinforcement-learning", "pytorch", "tensorflow",
    "transformers", "transformer", "generative-ai", "genai", "diffusion-models", "stable-diffusion",
    "ai-agents", "ai-agent", "agents", "llm-agent", "rag", "retrieval-augmented-generation", "speech-recognition",
    "text-to-speech", "object-detection", "image-segmentation", "neural-network", "neural-networks", "gpt",
    "chatgpt", "openai", "langchain", "llama", "llms", "multimodal", "vision-language-model", "fine-tuning",
    "lora", "mlops", "data-science", "jax", "keras", "onnx", "inference", "llm-inference", "embeddings",
    "vector-database", "prompt-engineering", "text-generation", "image-generation", "gan", "yolo",
    "graph-neural-networks", "time-series-forecasting", "recommender-system", "federated-learning",
    "autonomous-driving", "robotics", "mcp", "model-context-protocol", "ollama", "huggingface", "deepseek",
]  # fmt: skip
# Phrases in the name or description of repositories that carry no topic yet.
DEFAULT_KEYWORDS = [
    "machine learning", "deep learning", "neural network", "large language model", "llm",
    "reinforcement learning", "computer vision", "diffusion model", "language model", "pytorch",
    "ai agent", "multimodal", "generative ai", "object detection", "speech recognition",
]  # fmt: skip
DEFAULT_MIN_STARS = 20

_SEP = r"(?:^|[-_.\s])"  # a name part starts here
_END = r"(?:$|[-_.\s])"
# (pattern, applies to, reason): what is not a project, in English and Chinese.
DEFAULT_EXCLUSIONS = [
    (r"^awesome|awesome[-_]", "name", "curated list"),
    (r"^awesome\b|\bawesome[- ](?:list|collection|resources|papers)", "description", "curated list"),
    (rf"{_SEP}(?:papers?|paper-?list|reading-?list|resources?|lists?|collection){_END}", "name", "curated list"),
    (r"\bcurated\b|^(?:a |an )?(?:list|collection|compilation) of\b", "description", "curated list"),
    (r"\b(?:list|collection|compilation) of (?:[\w-]+ ){0,3}(?:papers|resources|links|tutorials|courses|books"
     r"|materials|repos|repositories)\b", "description", "curated list"),
    (rf"{_SEP}(?:roadmaps?|interviews?|interview-questions|courses?|tutorials?|lessons?|notes|cheat-?sheets?"
     rf"|handbook|book|guide|learning-path|study|bootcamp|homework|assignments?|exercises|lectures?|syllabus"
     rf"|workshop|from-scratch|zero-to-hero|jiaocheng|mianshi|biji|xuexi){_END}", "name", "learning material"),
    (r"\b(?:roadmap|interview questions?|cheat ?sheets?|study notes|learning notes|lecture notes|course materials?"
     r"|(?:online |free |crash )?course (?:on|for|about)|tutorials? (?:on|for|about)|step[- ]by[- ]step guide"
     r"|learn(?:ing)? path|for beginners|from scratch)\b", "description", "learning material"),
    (r"^(?:awesome.*|tutorials?|courses?|roadmap|interview|interview-questions|cheatsheets?|cheat-sheet|notes"
     r"|papers|paper-list|reading-list|books?|education|learning-resources|lecture-notes|study-notes)$",
     "topics", "learning material or list"),
    (r"教程|面试|笔记|学习资料|学习路线|路线图|课程|合集|汇总|整理|大全|入门|精选|书籍|论文列表|论文集", "description",
     "Chinese learning material or list"),
    (r"^(?:a )?mirror\b|\bmirror of\b|\bunofficial mirror\b", "description", "mirror"),
    (rf"{_SEP}(?:mirror|template|boilerplate|starter|starter-kit){_END}", "name", "mirror or template"),
    (r"^(?:a )?(?:template|boilerplate|starter(?: kit)?) (?:for|to|repo)\b", "description", "template"),
]  # fmt: skip


@dataclass(frozen=True)
class Found:
    repo: FoundRepo
    rule: DiscoveryRule
    query: str
    exclusion: str = ""  # why it is not a candidate, or ''


@dataclass(frozen=True)
class DiscoverySummary:
    found: int = 0
    new: int = 0
    known: int = 0
    excluded: int = 0
    searches: int = 0
    accepted: int = 0  # new projects tracked at once by a rule's auto-accept
    new_ids: tuple[int, ...] = field(default=(), repr=False)

    def line(self) -> str:
        return (
            f"found {self.found}, new {self.new}, already known {self.known}, "
            f"excluded {self.excluded}, searches {self.searches}"
        )


# -- pure parts ----------------------------------------------------------------------------


def default_window(today: dt.date) -> Window:
    return Window.days(today - dt.timedelta(days=DEFAULT_WINDOW_DAYS), today)


def rule_queries(rule: DiscoveryRule) -> list[str]:
    """The searches of one rule (without their window): each topic and keyword, times each language."""
    languages = [lang for lang in rule.languages if lang] or [""]
    common = {
        "min_stars": rule.min_stars,
        "include_forks": rule.include_forks,
        "include_archived": rule.include_archived,
    }
    queries = []
    for language in languages:
        queries += [repository_query(topic=t, language=language, **common) for t in rule.topics if t.strip()]
        queries += [repository_query(keyword=k, language=language, **common) for k in rule.keywords if k.strip()]
    return list(dict.fromkeys(queries))


@dataclass(frozen=True)
class CompiledPattern:
    regex: re.Pattern
    field: str
    reason: str


def compile_patterns(rows: Iterable[tuple[str, str, str]]) -> list[CompiledPattern]:
    compiled = []
    for pattern, applies_to, reason in rows:
        try:
            compiled.append(CompiledPattern(re.compile(pattern, re.IGNORECASE), applies_to, reason))
        except re.error:
            logger.warning("Exclusion pattern %r is not a regular expression; ignored", pattern)
    return compiled


def exclusion_reason(repo: FoundRepo, *, rule: DiscoveryRule, patterns: Sequence[CompiledPattern]) -> str:
    """Why ``repo`` is not a candidate under ``rule``, or ''."""
    if repo.fork and not rule.include_forks:
        return "fork"
    if repo.archived and not rule.include_archived:
        return "archived"
    if repo.mirror:
        return "mirror"
    if repo.is_template:
        return "template"
    if repo.stars < rule.min_stars:
        return "below the star floor"
    texts = {"name": [repo.name], "description": [repo.description], "topics": list(repo.topics)}
    for pattern in patterns:
        fields = texts.keys() if pattern.field == "any" else [pattern.field]
        for name in fields:
            if any(pattern.regex.search(text) for text in texts[name] if text):
                return pattern.reason or pattern.regex.pattern
    return ""


def stars_per_day(stars: int, created_at: dt.datetime | None, now: dt.datetime) -> float | None:
    """The "worth a look" signal: stars per day since creation (a repository a day old counts one day)."""
    if created_at is None:
        return None
    days = max(1.0, (now - created_at).total_seconds() / 86400)
    return round(stars / days, 3)


# -- reading the catalogue -----------------------------------------------------------------


def _chunks(items: Sequence, size: int = CHUNK):
    for start in range(0, len(items), size):
        yield items[start : start + size]


def known_repositories(repos: Sequence[FoundRepo]) -> dict[int, Project]:
    """The catalogued project of each repository, by GitHub id: id, then owner/name, then earlier names."""
    result: dict[int, Project] = {}
    ids = [r.github_id for r in repos]
    for chunk in _chunks(ids):
        for project in Project.objects.filter(github_id__in=chunk):
            result[project.github_id] = project
    rest = {r.full_name.lower(): r.github_id for r in repos if r.github_id not in result}
    names = list(rest)
    for chunk in _chunks(names):
        projects = Project.objects.annotate(
            full=Lower(Concat("repo_owner", Value("/"), "repo_name")),
        ).filter(full__in=chunk, sub_path="")
        for project in projects:
            result.setdefault(rest[project.full], project)
    names = [n for n in names if rest[n] not in result]
    for chunk in _chunks(names):
        earlier = (
            RepositoryName.objects.annotate(full=Lower(Concat("owner", Value("/"), "name")))
            .filter(full__in=chunk, project__sub_path="")
            .select_related("project")
            .order_by("-recorded_at")
        )
        for row in earlier:
            result.setdefault(rest[row.full], row.project)
    return result


# -- writing ---------------------------------------------------------------------------------


def _slugs_for(repos: Sequence[FoundRepo]) -> dict[int, str]:
    """A free slug per repository: its name, else owner-name, else owner-name-id."""
    options = {
        r.github_id: [
            slugify(r.name)[:190] or f"repo-{r.github_id}",
            slugify(f"{r.owner}-{r.name}")[:180] or f"repo-{r.github_id}",
            f"{slugify(f'{r.owner}-{r.name}')[:170]}-{r.github_id}",
        ]
        for r in repos
    }
    wanted = [slug for choices in options.values() for slug in choices]
    taken = set()
    for chunk in _chunks(wanted):
        taken.update(Project.objects.filter(slug__in=chunk).values_list("slug", flat=True))
    result = {}
    for github_id, choices in options.items():
        slug = next((s for s in choices if s not in taken), choices[-1])
        taken.add(slug)
        result[github_id] = slug
    return result


def _new_project(found: Found, *, slug: str, now: dt.datetime) -> Project:
    repo, rule = found.repo, found.rule
    auto = rule.auto_accept_stars is not None and repo.stars >= rule.auto_accept_stars
    project = Project(
        name=repo.name[:200],
        slug=slug,
        repo_owner=repo.owner,
        repo_name=repo.name,
        github_id=repo.github_id,
        description=repo.description,
        status=Project.Status.TRACKED if auto else Project.Status.CANDIDATE,
        status_reason="" if not auto else f"Accepted automatically by rule “{rule.name}” at {repo.stars} stars.",
        stars=repo.stars,
        forks=repo.forks,
        open_issues=repo.open_issues,
        archived=repo.archived,
        fork=repo.fork,
        license=repo.license[:100],
        language=repo.language[:100],
        repo_created_at=repo.created_at,
        pushed_at=repo.pushed_at,
        discovered_by=rule,
        discovered_query=found.query[:300],
        discovered_at=now,
        discovered_stars=repo.stars,
        stars_per_day=stars_per_day(repo.stars, repo.created_at, now),
    )
    project.full_clean(exclude=["slug"], validate_unique=False, validate_constraints=False)
    return project


def _set_topics(projects: Sequence[Project], topics_by_github_id: dict[int, tuple[str, ...]]) -> None:
    slugs = {slugify(t)[:60]: t[:60] for p in projects for t in topics_by_github_id.get(p.github_id, ()) if slugify(t)}
    if not slugs:
        return
    Topic.objects.bulk_create([Topic(slug=s, name=n) for s, n in slugs.items()], ignore_conflicts=True)
    topic_ids = dict(Topic.objects.filter(slug__in=list(slugs)).values_list("slug", "pk"))
    links = {
        (p.pk, topic_ids[slugify(t)[:60]])
        for p in projects
        for t in topics_by_github_id.get(p.github_id, ())
        if slugify(t)[:60] in topic_ids
    }
    through = Project.topics.through
    through.objects.bulk_create([through(project_id=pid, topic_id=tid) for pid, tid in links], ignore_conflicts=True)


@transaction.atomic
def candidates_upsert(*, found: Sequence[Found], now: dt.datetime) -> tuple[list[int], int, int]:
    """Store what discovery found: new candidates created, known candidates' figures updated.

    Returns (ids of new projects, how many were already known, how many were auto-accepted).
    Tracked and excluded projects are never touched.
    """
    known = known_repositories([f.repo for f in found])
    fresh = [f for f in found if f.repo.github_id not in known]
    updated = []
    for f in found:
        project = known.get(f.repo.github_id)
        if project is not None and project.status == Project.Status.CANDIDATE:
            project.stars, project.forks, project.open_issues = f.repo.stars, f.repo.forks, f.repo.open_issues
            project.pushed_at = f.repo.pushed_at
            project.stars_per_day = stars_per_day(f.repo.stars, f.repo.created_at or project.repo_created_at, now)
            updated.append(project)
    Project.objects.bulk_update(updated, ["stars", "forks", "open_issues", "pushed_at", "stars_per_day"])
    slugs = _slugs_for([f.repo for f in fresh])
    projects = [_new_project(f, slug=slugs[f.repo.github_id], now=now) for f in fresh]
    # A run racing this one may have added some meanwhile: the unique constraints skip them.
    Project.objects.bulk_create(projects, ignore_conflicts=True, batch_size=CHUNK)
    created = []
    for chunk in _chunks([p.github_id for p in projects]):
        created += list(Project.objects.filter(github_id__in=chunk, discovered_at=now))
    _set_topics(created, {f.repo.github_id: f.repo.topics for f in fresh})
    accepted = sum(1 for p in created if p.status == Project.Status.TRACKED)
    return [p.pk for p in created], len(found) - len(created), accepted


def active_patterns(rule: DiscoveryRule | None = None) -> list[CompiledPattern]:
    rows = list(ExclusionPattern.objects.filter(active=True).values_list("pattern", "field", "reason"))
    if rule is not None:
        rows += [(p, "any", f"rule exclusion {p}") for p in rule.exclusions if p]
    return compile_patterns(rows)


def discovery_run(
    *,
    window: Window,
    rule_names: Sequence[str] = (),
    dry_run: bool = False,
    search: RepoSearch | None = None,
    on_found: Callable[[int], None] | None = None,
) -> DiscoverySummary:
    """Search every active rule (or the named ones) over ``window`` and queue what is new.

    Raises GitHubUnavailable when GitHub cannot be reached, RateLimited when a wait would
    be too long; what was found before that is not written (a run is one transaction).
    """
    search = search or RepoSearch()
    rules = DiscoveryRule.objects.filter(active=True) if not rule_names else DiscoveryRule.objects.all()
    if rule_names:
        rules = rules.filter(name__in=rule_names)
    seen: dict[int, Found] = {}
    for rule in rules.order_by("name"):
        patterns = active_patterns(rule)
        for query in rule_queries(rule):
            for hit in search.search(query, window=window):
                if hit.repo.github_id in seen:
                    continue
                reason = exclusion_reason(hit.repo, rule=rule, patterns=patterns)
                seen[hit.repo.github_id] = Found(repo=hit.repo, rule=rule, query=hit.query, exclusion=reason)
                if on_found is not None:
                    on_found(len(seen))
    candidates = [f for f in seen.values() if not f.exclusion]
    excluded = len(seen) - len(candidates)
    now = timezone.now()
    if dry_run:
        known = known_repositories([f.repo for f in candidates])
        return DiscoverySummary(
            found=len(seen),
            new=len(candidates) - len(known),
            known=len(known),
            excluded=excluded,
            searches=search.searches,
        )
    new_ids, known_count, accepted = candidates_upsert(found=candidates, now=now)
    DiscoveryRule.objects.filter(pk__in=[r.pk for r in rules]).update(last_run_at=now)
    if new_ids:
        projects_entered.send(sender=Project, project_ids=new_ids)
    return DiscoverySummary(
        found=len(seen),
        new=len(new_ids),
        known=known_count,
        excluded=excluded,
        searches=search.searches,
        accepted=accepted,
        new_ids=tuple(new_ids),
    )


@transaction.atomic
def discovery_rules_ensure_defaults() -> list[str]:
    """Create the default rules and exclusion patterns that do not exist yet; never changes existing ones."""
    created = []
    defaults = [
        ("ML topics", {"topics": DEFAULT_TOPICS}),
        ("ML keywords", {"keywords": DEFAULT_KEYWORDS}),
    ]
    for name, fields in defaults:
        rule, was_created = DiscoveryRule.objects.get_or_create(
            name=name, defaults={**fields, "min_stars": DEFAULT_MIN_STARS}
        )
        if was_created:
            rule.full_clean()
            created.append(name)
    for pattern, applies_to, reason in DEFAULT_EXCLUSIONS:
        if not ExclusionPattern.objects.filter(pattern=pattern, field=applies_to).exists():
            row = ExclusionPattern(pattern=pattern, field=applies_to, reason=reason)
            row.full_clean()
            row.save()
    return created


@transaction.atomic
def candidates_accept(*, project_ids: Sequence[int]) -> int:
    """Track these candidates (editors' bulk accept); returns how many changed."""
    ids = list(Project.objects.candidates().filter(pk__in=project_ids).values_list("pk", flat=True))
    Project.objects.filter(pk__in=ids).update(status=Project.Status.TRACKED, status_reason="")
    if ids:
        projects_entered.send(sender=Project, project_ids=ids)
    return len(ids)


@transaction.atomic
def candidates_reject(*, project_ids: Sequence[int], reason: str) -> int:
    """Exclude these candidates with one reason for the batch; they stay excluded on every later run."""
    reason = reason.strip()
    if not reason:
        raise ValidationError({"status_reason": _("Say why these candidates are rejected: readers see this reason.")})
    return (
        Project.objects.candidates()
        .filter(pk__in=project_ids)
        .update(status=Project.Status.EXCLUDED, status_reason=reason)
    )
