"""Refreshing projects' figures from GitHub: plain functions the tasks and commands call.

A batch (at most 100 projects) is fetched with one GraphQL request when a token is set,
otherwise with one conditional REST request per repository. Whatever happens, every
project ends with fresh figures or with its old figures plus a recorded reason:

- fetched: figures, facts and canonical owner/name updated, today's sample written;
- 304 not modified: figures kept, counted as a successful fetch, today's sample written;
- not found: ``missing_since`` and the reason recorded, nothing deleted;
- other per-repository errors (a timeout, 5xx or malformed reply for that repository
  alone): the reason recorded, figures kept, the rest of the batch still fetched;
- GitHub unavailable (every repository so far, or several in a row): the reason recorded,
  figures kept, ``outage`` set for the caller to retry the batch;
- rate limited: what was fetched is saved; the rest keep their figures with the reason
  recorded and are returned as ``deferred`` with the time GitHub resets, for the caller to schedule.

Samples are upserted on (project, UTC day), so re-running a batch, or two runs racing,
updates that day's row and never duplicates it.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from django.core.cache import cache
from django.db import transaction
from django.db.models import OuterRef, Q, Subquery
from django.utils import timezone

from projects.models import FETCHED_FIELDS, Project

from .github import (
    GRAPHQL_BATCH_SIZE,
    GitHubClient,
    GitHubError,
    GitHubUnavailable,
    NotModified,
    RateLimited,
    RepoNotFound,
    RepoStats,
)
from .models import StatsSample

logger = logging.getLogger(__name__)

BATCH_SIZE = GRAPHQL_BATCH_SIZE
# This many repositories in a row unavailable (after the client's own retries) is an outage of
# GitHub, not a fault of those repositories: the batch stops and is retried as a whole later.
OUTAGE_STREAK = 3
# Renames change the canonical owner/name; the ETag belongs to the conditional requests.
PROJECT_FIGURE_FIELDS = [*FETCHED_FIELDS, "etag", "repo_owner", "repo_name"]


@dataclass(frozen=True)
class RefreshSummary:
    refreshed: int = 0
    not_modified: int = 0
    failed: int = 0
    missing: int = 0
    deferred: int = 0

    def __add__(self, other: RefreshSummary) -> RefreshSummary:
        names = ("refreshed", "not_modified", "failed", "missing", "deferred")
        return RefreshSummary(*(getattr(self, f) + getattr(other, f) for f in names))

    def line(self) -> str:
        text = (
            f"refreshed {self.refreshed}, not modified {self.not_modified}, "
            f"failed {self.failed}, missing {self.missing}"
        )
        if self.deferred:
            text += f", deferred {self.deferred} until the rate limit resets"
        return text


@dataclass(frozen=True)
class BatchResult:
    summary: RefreshSummary
    deferred_ids: list[int] = field(default_factory=list)
    retry_at: dt.datetime | None = None
    outage: str = ""  # set when GitHub was unavailable: the caller may retry the batch later


def batches(ids: Sequence[int], size: int = BATCH_SIZE) -> Iterable[list[int]]:
    for start in range(0, len(ids), size):
        yield list(ids[start : start + size])


def sample_record(*, project: Project, captured_at: dt.datetime) -> StatsSample:
    """Write ``project``'s current figures as its sample for the UTC day of ``captured_at``."""
    samples_upsert([_sample_for(project, captured_at)])
    return StatsSample.objects.get(project=project, captured_on=captured_at.astimezone(dt.UTC).date())


def _sample_for(project: Project, captured_at: dt.datetime) -> StatsSample:
    return StatsSample(
        project_id=project.pk,
        captured_on=captured_at.astimezone(dt.UTC).date(),
        captured_at=captured_at,
        stars=project.stars,
        forks=project.forks,
        watchers=project.watchers,
        open_issues=project.open_issues,
        pushed_at=project.pushed_at,
        source=StatsSample.Source.GITHUB,
    )


def samples_upsert(samples: list[StatsSample]) -> None:
    """Insert samples, or update the day's row that exists: atomic in the database, so races cannot duplicate."""
    if samples:
        StatsSample.objects.bulk_create(
            samples,
            update_conflicts=True,
            unique_fields=["project", "captured_on"],
            update_fields=["captured_at", "stars", "forks", "watchers", "open_issues", "pushed_at", "source"],
        )


def _apply_stats(project: Project, stats: RepoStats, *, now: dt.datetime, take_id: bool = True) -> None:
    project.stars = stats.stars
    project.forks = stats.forks
    project.watchers = stats.watchers
    project.open_issues = stats.open_issues
    project.archived = stats.archived
    project.license = stats.license[:100]
    project.language = stats.language[:100]
    project.repo_created_at = stats.created_at
    project.pushed_at = stats.pushed_at
    project.last_fetched_at = now
    project.fetch_error = ""
    project.missing_since = None
    project.etag = stats.etag[:200]
    if take_id:
        project.github_id = stats.github_id
    if (project.repo_owner, project.repo_name) != (stats.owner, stats.name):
        logger.info("Project %s: %s/%s is now %s", project.slug, project.repo_owner, project.repo_name, stats.full_name)
        project.repo_owner, project.repo_name = stats.owner, stats.name
    if project.stars_30d_ago is not None:
        project.stars_gained_30d = stats.stars - project.stars_30d_ago


def _identity_problem(project: Project, stats: RepoStats, claimed: dict) -> str:
    """Why ``stats`` cannot be written to ``project`` ('' when it can)."""
    if project.github_id is not None and project.github_id != stats.github_id:
        return (
            f"{project.full_name} now names a different repository (GitHub id {stats.github_id}, "
            f"ours was {project.github_id}); the original was renamed away or deleted"
        )
    other = claimed.get((stats.owner.lower(), stats.name.lower(), project.sub_path))
    if other is not None and other != project.pk:
        return f"GitHub now calls this repository {stats.full_name}, which another project already tracks"
    holder = claimed.get(("id", stats.github_id))
    if holder is not None and holder[0] != project.pk and holder[1] == project.sub_path:
        return f"GitHub repository {stats.github_id} is already tracked by another project"
    return ""


def _claims(projects: list[Project], results: dict[int, object]) -> dict:
    """Who already holds each (owner, name, sub-path), and each GitHub id, that a result would take."""
    names = Q()
    ids = set()
    for project in projects:
        stats = results.get(project.pk)
        if isinstance(stats, RepoStats):
            ids.add(stats.github_id)
            # Only a rename can run into another project's name (the catalogue keeps names unique).
            if (stats.owner.lower(), stats.name.lower()) != (project.repo_owner.lower(), project.repo_name.lower()):
                names |= Q(repo_owner__iexact=stats.owner, repo_name__iexact=stats.name, sub_path=project.sub_path)
    if not ids:
        return {}
    claimed = {}
    for pk, owner, name, sub_path, github_id in Project.objects.filter(names | Q(github_id__in=ids)).values_list(
        "pk", "repo_owner", "repo_name", "sub_path", "github_id"
    ):
        claimed[(owner.lower(), name.lower(), sub_path)] = pk
        if github_id is not None:
            claimed[("id", github_id)] = (pk, sub_path)
    return claimed


def _fetch_graphql(client: GitHubClient, projects: list[Project]) -> dict[int, object]:
    # One alias per repository: projects in folders of the same repository share its figures.
    refs = list(dict.fromkeys((p.repo_owner.lower(), p.repo_name.lower()) for p in projects))
    answers = dict(zip(refs, client.repos_get_many(refs), strict=True))
    return {p.pk: answers[(p.repo_owner.lower(), p.repo_name.lower())] for p in projects}


def _recognise_by_id(client: GitHubClient, projects: list[Project], results: dict[int, object]) -> None:
    """Look up by GitHub id the projects whose name is gone or now names another repository.

    A rename's redirect ends when someone creates a repository under the old name; GitHub's
    numeric id still finds ours. Rare, so one REST request each; a failure keeps the first answer.
    """
    for project in projects:
        result = results.get(project.pk)
        lost = isinstance(result, RepoNotFound) or (
            isinstance(result, RepoStats) and result.github_id != project.github_id
        )
        if project.github_id is None or not lost:
            continue
        try:
            results[project.pk] = client.repo_get_by_id(project.github_id)
        except GitHubError as exc:
            logger.info("Project %s: GitHub id %s not found either: %s", project.slug, project.github_id, exc)


def project_refresh_batch(*, project_ids: Sequence[int], client: GitHubClient | None = None) -> BatchResult:
    """Fetch and store figures for up to 100 projects; see the module docstring for outcomes."""
    if len(project_ids) > BATCH_SIZE:
        raise ValueError(f"a batch holds at most {BATCH_SIZE} projects")
    client = client or GitHubClient()
    now = timezone.now()
    month_ago = (now - dt.timedelta(days=30)).date()
    projects = list(
        Project.objects.filter(pk__in=project_ids)
        .annotate(
            stars_30d_ago=Subquery(
                StatsSample.objects.filter(project=OuterRef("pk"), captured_on__lte=month_ago)
                .order_by("-captured_on")
                .values("stars")[:1]
            )
        )
        .order_by("pk")
    )

    results: dict[int, object] = {}
    deferred: list[int] = []
    retry_at = None
    outage = ""
    try:
        if client.uses_graphql:
            results = _fetch_graphql(client, projects)
        else:
            streak = 0  # repositories in a row that GitHub failed to serve
            for project in projects:
                try:
                    results[project.pk] = client.repo_get(project.repo_owner, project.repo_name, etag=project.etag)
                except RateLimited:
                    raise
                except GitHubUnavailable as exc:
                    # One repository timing out, answering 5xx or sending broken JSON fails alone;
                    # several in a row mean GitHub itself is down, so stop asking (outage below).
                    results[project.pk] = exc
                    streak += 1
                    if streak >= OUTAGE_STREAK:
                        raise
                    continue
                except GitHubError as exc:  # this repository only: not found, moved too often, refused
                    results[project.pk] = exc
                streak = 0
            if projects and all(isinstance(r, GitHubUnavailable) for r in results.values()):
                raise next(iter(results.values()))
    except RateLimited as exc:
        # Keep what was fetched; the rest waits for the reset rather than hammering GitHub.
        deferred = [p.pk for p in projects if p.pk not in results]
        retry_at = exc.reset_at
        logger.warning("Rate limited: %d projects deferred until %s", len(deferred), retry_at)
    except GitHubUnavailable as exc:
        outage = str(exc)
        for project in projects:
            results.setdefault(project.pk, exc)
    except GitHubError as exc:
        # A refusal of the whole request (e.g. GraphQL 401): every repository in it failed.
        for project in projects:
            results.setdefault(project.pk, exc)

    if not outage:
        _recognise_by_id(client, projects, results)

    counts = dict.fromkeys(("refreshed", "not_modified", "failed", "missing"), 0)
    samples, changed, unchanged = [], [], []
    claimed = _claims(projects, results)
    for project in projects:
        if project.pk not in results:
            if retry_at is not None:
                # Deferred: the figures stay, and editors see why they are not fresh yet.
                project.fetch_error = f"Rate limited by GitHub; fetched again after {retry_at:%Y-%m-%d %H:%M} UTC"
                changed.append((project, ["fetch_error"]))
            continue
        result = results[project.pk]
        if isinstance(result, RepoStats):
            problem = _identity_problem(project, result, claimed)
            if problem:
                project.fetch_error = problem
                project.missing_since = project.missing_since or now
                counts["missing"] += 1
                changed.append((project, ["fetch_error", "missing_since"]))
            else:
                # GitHub ids are unique in the catalogue: folders of one repository share its
                # figures, but only the first project tracking it holds the id.
                holder = claimed.setdefault(("id", result.github_id), (project.pk, project.sub_path))
                _apply_stats(project, result, now=now, take_id=holder[0] == project.pk)
                claimed[(result.owner.lower(), result.name.lower(), project.sub_path)] = project.pk
                samples.append(_sample_for(project, now))
                counts["refreshed"] += 1
                changed.append((project, PROJECT_FIGURE_FIELDS))
        elif isinstance(result, NotModified):
            if project.stars is not None:
                samples.append(_sample_for(project, now))
            counts["not_modified"] += 1
            unchanged.append(project.pk)
        elif isinstance(result, RepoNotFound):
            project.missing_since = project.missing_since or now
            project.fetch_error = str(result)
            counts["missing"] += 1
            changed.append((project, ["fetch_error", "missing_since"]))
        else:
            project.fetch_error = str(result) or type(result).__name__
            counts["failed"] += 1
            changed.append((project, ["fetch_error"]))

    with transaction.atomic():
        # One UPDATE per changed project: bulk_update's CASE per field and row costs far more.
        for project, fields in changed:
            project.save(update_fields=fields)
        if unchanged:
            # A 304 keeps the figures and counts as a successful fetch.
            Project.objects.filter(pk__in=unchanged).update(last_fetched_at=now, fetch_error="", missing_since=None)
        samples_upsert(samples)
    return BatchResult(
        summary=RefreshSummary(**counts, deferred=len(deferred)),
        deferred_ids=deferred,
        retry_at=retry_at,
        outage=outage,
    )


def refresh_project_ids(*, slugs: Sequence[str] = ()) -> list[int]:
    """Ids to refresh: the named projects, or every tracked one; in a stable order."""
    queryset = Project.objects.filter(slug__in=slugs) if slugs else Project.objects.tracked()
    return list(queryset.order_by("pk").values_list("pk", flat=True))


# -- the run lock -----------------------------------------------------------------------

RUN_LOCK_KEY = "refresh:run-lock"
RUN_PENDING_KEY = "refresh:run-pending"
# Longer than any healthy run (10,000 repositories take minutes), shorter than the 6-hour
# schedule: a run whose worker died frees the lock before the next scheduled run.
RUN_LOCK_TIMEOUT = 5 * 60 * 60


def refresh_run_start(*, run_id: str, batch_count: int) -> bool:
    """Take the run lock for ``run_id``; False when another run still holds it."""
    if not cache.add(RUN_LOCK_KEY, run_id, timeout=RUN_LOCK_TIMEOUT):
        return False
    cache.set(f"{RUN_PENDING_KEY}:{run_id}", batch_count, timeout=RUN_LOCK_TIMEOUT)
    if batch_count == 0:
        refresh_run_finish(run_id=run_id)
    return True


def refresh_run_batch_done(*, run_id: str) -> None:
    """Count one batch of ``run_id`` as finished; the last one releases the run lock."""
    try:
        left = cache.decr(f"{RUN_PENDING_KEY}:{run_id}")
    except ValueError:
        left = 0
    if left <= 0:
        refresh_run_finish(run_id=run_id)


def refresh_run_finish(*, run_id: str) -> None:
    if cache.get(RUN_LOCK_KEY) == run_id:
        cache.delete(RUN_LOCK_KEY)
    cache.delete(f"{RUN_PENDING_KEY}:{run_id}")


def refresh_run_active() -> str | None:
    return cache.get(RUN_LOCK_KEY)
