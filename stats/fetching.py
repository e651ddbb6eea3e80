"""Fetching a batch's repositories from GitHub: what each project's repository answered.

A rejected token (401) stops the batch at once and changes no project: it is a configuration
error, raised as ``TokenRejected`` for the caller to report.

With a token, one GraphQL request for the whole batch; without, one conditional REST request
per repository. Per repository the answer is ``RepoStats``, ``NotModified`` or the
``GitHubError`` it raised. Across the batch: a rate limit stops the asking (the rest are
deferred until GitHub's reset), and several repositories in a row unavailable is an outage
of GitHub, not a fault of those repositories.
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass, field

from github.client import GitHubClient, RepoStats
from github.errors import GitHubError, GitHubUnavailable, RateLimited, RepoNotFound, TokenRejected
from projects.models import Project

logger = logging.getLogger(__name__)

# This many repositories in a row unavailable (after the client's own retries) is an outage of
# GitHub, not a fault of those repositories: the batch stops and is retried as a whole later.
OUTAGE_STREAK = 3


@dataclass
class FetchOutcome:
    """What GitHub answered for each project id; those missing from ``answers`` were deferred."""

    answers: dict[int, object] = field(default_factory=dict)
    retry_at: dt.datetime | None = None  # set when a rate limit deferred the rest
    outage: str = ""  # set when GitHub was unavailable: the caller may retry the batch later


def fetch_batch(client: GitHubClient, projects: list[Project]) -> FetchOutcome:
    outcome = FetchOutcome()
    try:
        if client.uses_graphql:
            outcome.answers = _fetch_graphql(client, projects)
        else:
            _fetch_rest(client, projects, outcome.answers)
    except TokenRejected:
        raise  # the token is wrong for every repository: nothing is any project's fault
    except RateLimited as exc:
        # Keep what was fetched; the rest waits for the reset rather than hammering GitHub.
        outcome.retry_at = exc.reset_at
        logger.warning(
            "Rate limited: %d projects deferred until %s", len(projects) - len(outcome.answers), exc.reset_at
        )
    except GitHubUnavailable as exc:
        outcome.outage = str(exc)
        for project in projects:
            outcome.answers.setdefault(project.pk, exc)
    except GitHubError as exc:
        # A refusal of the whole request (e.g. GraphQL 401): every repository in it failed.
        for project in projects:
            outcome.answers.setdefault(project.pk, exc)
    if not outcome.outage:
        _recognise_by_id(client, projects, outcome.answers)
    return outcome


def _fetch_graphql(client: GitHubClient, projects: list[Project]) -> dict[int, object]:
    # One alias per repository: projects in folders of the same repository share its figures.
    refs = list(dict.fromkeys((p.repo_owner.lower(), p.repo_name.lower()) for p in projects))
    answers = dict(zip(refs, client.repos_get_many(refs), strict=True))
    return {p.pk: answers[(p.repo_owner.lower(), p.repo_name.lower())] for p in projects}


def _fetch_rest(client: GitHubClient, projects: list[Project], answers: dict[int, object]) -> None:
    streak = 0  # repositories in a row that GitHub failed to serve
    for project in projects:
        try:
            answers[project.pk] = client.repo_get(project.repo_owner, project.repo_name, etag=project.etag)
        except (RateLimited, TokenRejected):
            raise
        except GitHubUnavailable as exc:
            # One repository timing out, answering 5xx or sending broken JSON fails alone;
            # several in a row mean GitHub itself is down, so stop asking.
            answers[project.pk] = exc
            streak += 1
            if streak >= OUTAGE_STREAK:
                raise
            continue
        except GitHubError as exc:  # this repository only: not found, moved too often, refused
            answers[project.pk] = exc
        streak = 0
    if projects and all(isinstance(answer, GitHubUnavailable) for answer in answers.values()):
        raise next(iter(answers.values()))


def _recognise_by_id(client: GitHubClient, projects: list[Project], answers: dict[int, object]) -> None:
    """Look up by GitHub id the projects whose name is gone or now names another repository.

    A rename's redirect ends when someone creates a repository under the old name; GitHub's
    numeric id still finds ours. Rare, so one REST request each; a failure keeps the first answer.
    """
    for project in projects:
        answer = answers.get(project.pk)
        lost = isinstance(answer, RepoNotFound) or (
            isinstance(answer, RepoStats) and answer.github_id != project.github_id
        )
        if project.github_id is None or not lost:
            continue
        try:
            answers[project.pk] = client.repo_get_by_id(project.github_id)
        except TokenRejected:
            raise
        except GitHubError as exc:
            logger.info("Project %s: GitHub id %s not found either: %s", project.slug, project.github_id, exc)
