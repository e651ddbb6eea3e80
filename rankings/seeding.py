"""Loading the first published ranking (Mybridge, February 2018) from the project's data file.

Idempotent: every row is looked up by its natural key first, and nothing that exists is
changed, so running the seed again (or after editors have edited) changes nothing. Rows are
written by the services of the catalogue, the figures and the rankings, with their checks.
"""

import json
from dataclasses import dataclass
from pathlib import Path

from django.db import transaction
from django.utils.dateparse import parse_datetime

from github.repo_urls import parse_github_url
from projects import selectors as catalogue
from projects import services as catalogue_services
from projects.models import Project
from stats.samples import sample_record_article

from . import services
from .models import RankingSnapshot

SEED_FILE = Path(__file__).resolve().parent / "data" / "mybridge-2018-02.json"


@dataclass(frozen=True)
class SeedResult:
    snapshot: RankingSnapshot
    created: bool


def _project(data: dict, *, captured_at) -> Project:
    ref = parse_github_url(data["repo_url"])
    project = catalogue.project_with_repository(owner=ref.owner, name=ref.name, sub_path=ref.sub_path)
    if project is not None:
        return project
    project = catalogue_services.project_create_from_url(
        url=data["repo_url"],
        name=data["name"],
        slug=data["slug"],
        description=data["description"],
        paper_urls=data.get("papers", []),
        demo_url=data.get("demo_url", ""),
        stars=data["stars"],
        status=Project.Status.TRACKED,
        # The seed is the 2018 article as printed, loaded offline: GitHub is not asked, and the
        # scheduled refresh (and backfill_stats) bring the projects' figures up to date.
        ask_github=False,
        announce=False,
    )
    catalogue_services.project_set_topics(
        project=project, topics=[catalogue_services.topic_get_or_create(slug=slug) for slug in data["topics"]]
    )
    authors = [
        catalogue_services.author_get_or_create(
            name=author["name"],
            kind=author["kind"],
            affiliation=author.get("affiliation", ""),
            github_login=author.get("github_login", ""),
        )
        for author in data["authors"]
    ]
    catalogue_services.project_set_authors(project=project, authors=authors, et_al=data.get("et_al", False))
    sample_record_article(project=project, captured_at=captured_at, stars=data["stars"])
    return project


@transaction.atomic
def seed_load(path: Path = SEED_FILE) -> SeedResult:
    """Create the seed snapshot with its projects, authors, topics and figures, once."""
    data = json.loads(Path(path).read_text(encoding="utf-8"))
    meta = data["snapshot"]
    existing = RankingSnapshot.objects.filter(title=meta["title"], origin=meta["origin"]).first()
    if existing is not None:
        return SeedResult(snapshot=existing, created=False)

    taken_at = parse_datetime(meta["taken_at"])
    snapshot = services.snapshot_create_published(
        title=meta["title"],
        taken_at=taken_at,
        origin=meta["origin"],
        method=meta["method"],
        notes=meta["notes"],
        entries=[(_project(entry, captured_at=taken_at), entry["rank"], entry["stars"]) for entry in data["entries"]],
    )
    return SeedResult(snapshot=snapshot, created=True)
