"""Writes to the catalogue: every change editors and commands make goes through here."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.text import slugify

from github.repo_urls import InvalidGitHubURL, parse_github_url

from .models import Author, Authorship, Project, Topic
from .signals import projects_entered


def unique_slug(model, text: str, *, max_length: int = 200) -> str:
    """A slug for ``text`` not yet used by ``model``: ``name``, then ``name-2``, ``name-3``…"""
    base = (slugify(text) or "item")[: max_length - 6]
    slug, n = base, 2
    while model.objects.filter(slug=slug).exists():
        slug, n = f"{base}-{n}", n + 1
    return slug


@transaction.atomic
def project_create_from_url(
    *,
    url: str,
    name: str = "",
    status: str = Project.Status.TRACKED,
    description: str = "",
    announce: bool = True,
) -> Project:
    """Add a project by its GitHub URL; raise ValidationError for a bad or known URL.

    ``announce`` sends ``projects_entered`` (first fetch and star history, once committed);
    callers that queue those themselves (the ``track`` command) pass False.
    """
    try:
        ref = parse_github_url(url)
    except InvalidGitHubURL as exc:
        raise ValidationError({"repo_url": str(exc)}) from exc
    display_name = name or (ref.sub_path.rsplit("/", 1)[-1] if ref.sub_path else ref.name)
    project = Project(
        name=display_name,
        slug=unique_slug(Project, display_name),
        repo_owner=ref.owner,
        repo_name=ref.name,
        sub_path=ref.sub_path,
        status=status,
        description=description,
    )
    project.full_clean()
    project.save()
    if announce:
        projects_entered.send(sender=Project, project_ids=[project.pk])
    return project


def topic_get_or_create(*, slug: str) -> Topic:
    topic, _ = Topic.objects.get_or_create(slug=slugify(slug), defaults={"name": slug})
    return topic


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
