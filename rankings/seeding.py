"""Loading the first published ranking (Mybridge, February 2018) from the project's data file.

Idempotent: every row is looked up by its natural key first, and nothing that exists is
changed, so running the seed again (or after editors have edited) changes nothing.
"""

import json
from dataclasses import dataclass
from pathlib import Path

from django.db import transaction
from django.utils.dateparse import parse_datetime
from django.utils.text import slugify

from github.repo_urls import parse_github_url
from projects.models import Author, Authorship, Project, Topic
from stats.models import StatsSample

from .models import RankingEntry, RankingSnapshot

SEED_FILE = Path(__file__).resolve().parent / "data" / "mybridge-2018-02.json"


@dataclass(frozen=True)
class SeedResult:
    snapshot: RankingSnapshot
    created: bool


def _author(data: dict) -> Author:
    author, _ = Author.objects.get_or_create(
        slug=slugify(data["name"]),
        defaults={
            "name": data["name"],
            "kind": data["kind"],
            "affiliation": data.get("affiliation", ""),
            "github_login": data.get("github_login", ""),
        },
    )
    return author


def _project(data: dict, *, captured_at) -> Project:
    ref = parse_github_url(data["repo_url"])
    project = Project.objects.filter(
        repo_owner__iexact=ref.owner, repo_name__iexact=ref.name, sub_path=ref.sub_path
    ).first()
    if project is not None:
        return project
    project = Project(
        name=data["name"],
        slug=data["slug"],
        repo_owner=ref.owner,
        repo_name=ref.name,
        sub_path=ref.sub_path,
        description=data["description"],
        paper_urls=data.get("papers", []),
        demo_url=data.get("demo_url", ""),
        authors_et_al=data.get("et_al", False),
        status=Project.Status.TRACKED,
        stars=data["stars"],
    )
    project.full_clean()
    project.save()
    project.topics.set(Topic.objects.get_or_create(slug=slug, defaults={"name": slug})[0] for slug in data["topics"])
    Authorship.objects.bulk_create(
        Authorship(project=project, author=_author(author), position=position)
        for position, author in enumerate(data["authors"])
    )
    StatsSample.objects.get_or_create(
        project=project,
        captured_on=captured_at.date(),
        defaults={"captured_at": captured_at, "stars": data["stars"], "source": StatsSample.Source.IMPORT},
    )
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
    snapshot = RankingSnapshot.objects.create(
        title=meta["title"],
        taken_at=taken_at,
        origin=meta["origin"],
        status=RankingSnapshot.Status.PUBLISHED,
        published_at=taken_at,
        method=meta["method"],
        weights={},
        notes=meta["notes"],
    )
    RankingEntry.objects.bulk_create(
        RankingEntry(
            snapshot=snapshot,
            project=_project(entry, captured_at=taken_at),
            rank=entry["rank"],
            stars=entry["stars"],
        )
        for entry in data["entries"]
    )
    return SeedResult(snapshot=snapshot, created=True)
