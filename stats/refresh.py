"""Refreshing projects' figures from GitHub: fetch (fetching.py) -> reconcile (reconcile.py) -> write.

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
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone

from github.client import GRAPHQL_BATCH_SIZE, GitHubClient
from projects.models import Project, RepositoryName

from .fetching import fetch_batch
from .gains import base_stars
from .reconcile import change_for, claims
from .samples import sample_for, samples_upsert

BATCH_SIZE = GRAPHQL_BATCH_SIZE


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


def refresh_project_ids(*, slugs: Sequence[str] = ()) -> list[int]:
    """Ids to refresh: the named projects, or every tracked one and every candidate; in a stable order."""
    queryset = Project.objects.filter(slug__in=slugs) if slugs else Project.objects.refreshable()
    return list(queryset.order_by("pk").values_list("pk", flat=True))


def _batch_projects(project_ids: Sequence[int], *, now: dt.datetime) -> list[Project]:
    # The base of the 30-day gain the refresh stores (gains.py's rule; the end is today's fetch).
    base = base_stars("pk", as_of=now.astimezone(dt.UTC).date(), days=30)
    return list(Project.objects.filter(pk__in=project_ids).annotate(stars_30d_base=base).order_by("pk"))


def project_refresh_batch(*, project_ids: Sequence[int], client: GitHubClient | None = None) -> BatchResult:
    """Fetch and store figures for up to 100 projects; see the module docstring for outcomes."""
    if len(project_ids) > BATCH_SIZE:
        raise ValueError(f"a batch holds at most {BATCH_SIZE} projects")
    client = client or GitHubClient()
    now = timezone.now()
    projects = _batch_projects(project_ids, now=now)
    fetched = fetch_batch(client, projects)

    counts = dict.fromkeys(("refreshed", "not_modified", "failed", "missing"), 0)
    samples, changed, unchanged, deferred, former_names = [], [], [], [], []
    claimed = claims(projects, fetched.answers)
    for project in projects:
        if project.pk not in fetched.answers:
            # Deferred: the figures stay, and editors see why they are not fresh yet.
            deferred.append(project.pk)
            project.fetch_error = f"Rate limited by GitHub; fetched again after {fetched.retry_at:%Y-%m-%d %H:%M} UTC"
            changed.append((project, ("fetch_error",)))
            continue
        change = change_for(project, fetched.answers[project.pk], claimed, now=now)
        counts[change.outcome] += 1
        if change.fields:
            changed.append((project, change.fields))
        if change.outcome == "not_modified":
            unchanged.append(project.pk)
        if change.sample:
            samples.append(sample_for(project, now))
        if change.former_name:
            former_names.append(
                RepositoryName(project=project, owner=change.former_name[0], name=change.former_name[1])
            )

    with transaction.atomic():
        # One UPDATE per changed project: bulk_update's CASE per field and row costs far more.
        for project, fields in changed:
            project.save(update_fields=list(fields))
        if unchanged:
            # A 304 keeps the figures and counts as a successful fetch.
            Project.objects.filter(pk__in=unchanged).update(last_fetched_at=now, fetch_error="", missing_since=None)
        samples_upsert(samples)
        RepositoryName.objects.bulk_create(former_names, ignore_conflicts=True)
    return BatchResult(
        summary=RefreshSummary(**counts, deferred=len(deferred)),
        deferred_ids=deferred,
        retry_at=fetched.retry_at,
        outage=fetched.outage,
    )
