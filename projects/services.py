"""Writes to the catalogue: every change editors and commands make goes through here."""

import logging
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.text import slugify
from django.utils.translation import gettext as _

from github.client import GitHubClient, RepoStats
from github.errors import GitHubError
from github.repo_urls import GitHubRepoRef, InvalidGitHubURL, parse_github_url

from .models import Author, Authorship, Project, RepositoryName, Topic
from .selectors import project_for_repository
from .signals import projects_entered

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class RepositoryIdentity:
    """A repository as GitHub names it now; ``renamed_from`` is the name we were given, if it moved."""

    owner: str
    name: str
    github_id: int | None = None
    renamed_from: tuple[str, str] | None = None


def repository_identify(*, owner: str, name: str, client: GitHubClient | None = None) -> RepositoryIdentity:
    """Ask GitHub, in one request and without retries, what this repository is called now.

    An editor is waiting: when GitHub cannot answer (unreachable, rate limited, not found) the
    name stays as given and the first refresh reconciles it later.
    """
    client = client or GitHubClient(max_retries=0, timeout=(3.0, 10.0))
    try:
        answer = client.repo_get(owner, name)
    except GitHubError as exc:
        logger.info("Could not ask GitHub about %s/%s before saving: %s", owner, name, exc)
        return RepositoryIdentity(owner, name)
    if not isinstance(answer, RepoStats):
        return RepositoryIdentity(owner, name)
    moved = (answer.owner.lower(), answer.name.lower()) != (owner.lower(), name.lower())
    return RepositoryIdentity(answer.owner, answer.name, answer.github_id, (owner, name) if moved else None)


def project_duplicate_of(*, ref: GitHubRepoRef, identity: RepositoryIdentity) -> Project | None:
    """The project that already tracks this repository (folder), under any of its names or its id."""
    found = project_for_repository(owner=ref.owner, name=ref.name, sub_path=ref.sub_path)
    if found is None and identity.renamed_from:
        found = project_for_repository(owner=identity.owner, name=identity.name, sub_path=ref.sub_path)
    if found is None and identity.github_id is not None:
        found = Project.objects.filter(github_id=identity.github_id, sub_path=ref.sub_path).first()
    return found


def duplicate_message(*, ref: GitHubRepoRef, identity: RepositoryIdentity, project: Project) -> str:
    if identity.renamed_from:
        return _("%(old)s is now %(new)s, which is already in the catalogue as “%(name)s”.") % {
            "old": f"{ref.owner}/{ref.name}",
            "new": f"{identity.owner}/{identity.name}",
            "name": project,
        }
    return _("%(repo)s is already in the catalogue as “%(name)s”.") % {"repo": ref.html_url, "name": project}


def unique_slug(model, text: str, *, max_length: int = 200) -> str:
    """A slug for ``text`` not yet used by ``model``: ``name``, then ``name-2``, ``name-3``…"""
    base = (slugify(text) or "item")[: max_length - 6]
    slug, n = base, 2
    while model.objects.filter(slug=slug).exists():
        slug, n = f"{base}-{n}", n + 1
    return slug


def project_default_name(*, repo_name: str, sub_path: str = "") -> str:
    """What a project is called when no one names it: the repository, or the folder it lives in."""
    return sub_path.rsplit("/", 1)[-1] if sub_path else repo_name


@transaction.atomic
def project_create_from_url(
    *,
    url: str,
    name: str = "",
    status: str = Project.Status.TRACKED,
    description: str = "",
    slug: str = "",
    paper_urls: list[str] | None = None,
    demo_url: str = "",
    stars: int | None = None,
    client: GitHubClient | None = None,
    ask_github: bool = True,
    announce: bool = True,
) -> Project:
    """Add a project by its GitHub URL; raise ValidationError for a bad or known URL.

    Known means under the repository's current name, any earlier name the catalogue recorded,
    or (when GitHub answers, and ``ask_github``) the name GitHub gives it now: a URL with an old
    name never makes a second project. ``slug`` defaults to one made from the name; ``stars`` is
    a figure known before the first fetch (the seed's, printed in the article), which the first
    refresh replaces. ``announce`` sends ``projects_entered`` (first fetch and star history, once
    committed); callers that queue those themselves (the ``track`` command) pass False.
    """
    try:
        ref = parse_github_url(url)
    except InvalidGitHubURL as exc:
        raise ValidationError({"repo_url": str(exc)}) from exc
    identity = RepositoryIdentity(ref.owner, ref.name)
    if ask_github and project_for_repository(owner=ref.owner, name=ref.name, sub_path=ref.sub_path) is None:
        identity = repository_identify(owner=ref.owner, name=ref.name, client=client)
    duplicate = project_duplicate_of(ref=ref, identity=identity)
    if duplicate is not None:
        raise ValidationError(duplicate_message(ref=ref, identity=identity, project=duplicate), code="duplicate")
    display_name = name or project_default_name(repo_name=identity.name, sub_path=ref.sub_path)
    project = Project(
        name=display_name,
        slug=slug or unique_slug(Project, display_name),
        repo_owner=identity.owner,
        repo_name=identity.name,
        sub_path=ref.sub_path,
        status=status,
        description=description,
        paper_urls=list(paper_urls or []),
        demo_url=demo_url,
        stars=stars,
    )
    # Folders of one repository share it; only the first project holds GitHub's id.
    if identity.github_id is not None and not Project.objects.filter(github_id=identity.github_id).exists():
        project.github_id = identity.github_id
    project.full_clean()
    project.save()
    if identity.renamed_from:
        RepositoryName.objects.create(project=project, owner=identity.renamed_from[0], name=identity.renamed_from[1])
    if announce:
        projects_entered.send(sender=Project, project_ids=[project.pk])
    return project


def topic_get_or_create(*, slug: str) -> Topic:
    topic, _ = Topic.objects.get_or_create(slug=slugify(slug), defaults={"name": slug})
    return topic


@transaction.atomic
def author_get_or_create(*, name: str, kind: str, affiliation: str = "", github_login: str = "") -> Author:
    """The author whose slug is made from ``name``; created with these details if there is none.

    An author who exists is returned as editors left them: the details given here are not applied.
    """
    slug = slugify(name)
    author = Author.objects.filter(slug=slug).first()
    if author is not None:
        return author
    author = Author(slug=slug, name=name, kind=kind, affiliation=affiliation, github_login=github_login)
    author.full_clean()
    author.save()
    return author


@transaction.atomic
def project_set_topics(*, project: Project, topics: list[Topic]) -> None:
    """Replace a project's topics with ``topics``."""
    project.topics.set(topics)


@transaction.atomic
def project_set_authors(*, project: Project, authors: list[Author], et_al: bool = False) -> None:
    """Replace a project's credits with ``authors``, in that order."""
    project.authorships.all().delete()
    Authorship.objects.bulk_create(
        Authorship(project=project, author=author, position=position) for position, author in enumerate(authors)
    )
    if project.authors_et_al != et_al:
        project.authors_et_al = et_al
        project.save(update_fields=["authors_et_al"])


@transaction.atomic
def project_set_status(*, project: Project, status: str, reason: str | None = None) -> Project:
    """Change a project's editorial status (and its public reason, when given)."""
    project.status = status
    fields = ["status"]
    if reason is not None:
        project.status_reason = reason
        fields.append("status_reason")
    project.full_clean(validate_constraints=False, validate_unique=False)
    project.save(update_fields=fields)
    return project
