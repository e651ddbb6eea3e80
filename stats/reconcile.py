"""Reconciling GitHub's answers with the catalogue: which project takes which figures.

A repository's identity is its GitHub id. A rename changes the canonical owner/name; an
answer whose id differs from the one we hold means our name now points at another
repository; two projects may not take one name or id (folders of one repository share its
figures, but only the first holds the id). Each answer becomes a ``Change``: the fields to
save and whether the day's sample is written.
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass

from django.db.models import Q

from github.client import NotModified, RepoStats
from github.errors import RepoNotFound
from projects.models import FETCHED_FIELDS, Project

logger = logging.getLogger(__name__)

# Renames change the canonical owner/name; the ETag belongs to the conditional requests.
PROJECT_FIGURE_FIELDS = [*FETCHED_FIELDS, "etag", "repo_owner", "repo_name"]


@dataclass(frozen=True)
class Change:
    """What one answer does to its project: an outcome to count, fields to save, a sample or not."""

    outcome: str  # refreshed, not_modified, missing or failed
    fields: tuple[str, ...] = ()
    sample: bool = False
    former_name: tuple[str, str] | None = None  # the owner/name GitHub renamed the repository from


def change_for(project: Project, answer: object, claimed: dict, *, now: dt.datetime) -> Change:
    """Apply ``answer`` to ``project`` in memory and say what to save."""
    if isinstance(answer, RepoStats):
        return _fetched(project, answer, claimed, now=now)
    if isinstance(answer, NotModified):
        return Change("not_modified", sample=project.stars is not None)
    project.fetch_error = str(answer) or type(answer).__name__
    if isinstance(answer, RepoNotFound):
        project.missing_since = project.missing_since or now
        return Change("missing", ("fetch_error", "missing_since"))
    return Change("failed", ("fetch_error",))


def _fetched(project: Project, stats: RepoStats, claimed: dict, *, now: dt.datetime) -> Change:
    problem = identity_problem(project, stats, claimed)
    if problem:
        project.fetch_error = problem
        project.missing_since = project.missing_since or now
        return Change("missing", ("fetch_error", "missing_since"))
    holder = claimed.setdefault(("id", stats.github_id), (project.pk, project.sub_path))
    before = (project.repo_owner, project.repo_name)
    apply_stats(project, stats, now=now, take_id=holder[0] == project.pk)
    claimed[(stats.owner.lower(), stats.name.lower(), project.sub_path)] = project.pk
    renamed = before[0].lower() != stats.owner.lower() or before[1].lower() != stats.name.lower()
    return Change("refreshed", tuple(PROJECT_FIGURE_FIELDS), sample=True, former_name=before if renamed else None)


def apply_stats(project: Project, stats: RepoStats, *, now: dt.datetime, take_id: bool = True) -> None:
    project.stars = stats.stars
    project.forks = stats.forks
    project.watchers = stats.watchers
    project.open_issues = stats.open_issues
    project.archived = stats.archived
    project.fork = stats.fork
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
    # Unknown without a capture near 30 days ago (gains.py): never a difference across years.
    base = project.stars_30d_base
    project.stars_gained_30d = None if base is None else stats.stars - base


def identity_problem(project: Project, stats: RepoStats, claimed: dict) -> str:
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


def claims(projects: list[Project], answers: dict[int, object]) -> dict:
    """Who already holds each (owner, name, sub-path), and each GitHub id, that an answer would take."""
    names = Q()
    ids = set()
    for project in projects:
        stats = answers.get(project.pk)
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
