"""Writes to the catalogue: every change editors and commands make goes through here."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.text import slugify

from github.repo_urls import InvalidGitHubURL, parse_github_url

from .models import Author, Authorship, Project, Topic


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
    slug: str = "",
    paper_urls: list[str] | None = None,
    demo_url: str = "",
    stars: int | None = None,
) -> Project:
    """Add a project by its GitHub URL; raise ValidationError for a bad or known URL.

    ``slug`` defaults to one made from the name; ``stars`` is a figure known before the first
    fetch (the seed's, printed in the article), which the first refresh replaces.
    """
    try:
        ref = parse_github_url(url)
    except InvalidGitHubURL as exc:
        raise ValidationError({"repo_url": str(exc)}) from exc
    display_name = name or (ref.sub_path.rsplit("/", 1)[-1] if ref.sub_path else ref.name)
    project = Project(
        name=display_name,
        slug=slug or unique_slug(Project, display_name),
        repo_owner=ref.owner,
        repo_name=ref.name,
        sub_path=ref.sub_path,
        status=status,
        description=description,
        paper_urls=list(paper_urls or []),
        demo_url=demo_url,
        stars=stars,
    )
    project.full_clean()
    project.save()
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
