"""Reads of the catalogue shared by pages and the API."""

from django.db.models import Count, Prefetch

from .models import Author, Project


def project_detail(*, slug: str) -> Project:
    """A project with its credits and topics; raises Project.DoesNotExist."""
    return Project.objects.with_credits().get(slug=slug)


def author_detail(*, slug: str) -> Author:
    """An author with their projects by name: two queries; raises Author.DoesNotExist."""
    return Author.objects.prefetch_related(
        Prefetch("projects", queryset=Project.objects.order_by("name"), to_attr="project_list")
    ).get(slug=slug)


def project_with_repository(*, owner: str, name: str, sub_path: str = "") -> Project | None:
    """The project for a repository (GitHub names are case-insensitive), if catalogued."""
    return Project.objects.filter(repo_owner__iexact=owner, repo_name__iexact=name, sub_path=sub_path).first()


def project_for_repository(*, owner: str, name: str, sub_path: str = "") -> Project | None:
    """The project for a repository under its current name or any earlier one (newest first)."""
    project = project_with_repository(owner=owner, name=name, sub_path=sub_path)
    if project is not None:
        return project
    return (
        Project.objects.filter(former_names__owner__iexact=owner, former_names__name__iexact=name, sub_path=sub_path)
        .order_by("-former_names__recorded_at")
        .first()
    )


def projects_for_api():
    """Projects with credits, topics and the rule that found them: three queries for any number of them."""
    return Project.objects.with_credits().select_related("discovered_by")


def authors_with_project_count():
    return Author.objects.annotate(project_count=Count("authorships", distinct=True))


def author_with_projects():
    """Authors whose ``projects`` come prefetched by name, for a detail page or endpoint: two queries."""
    return authors_with_project_count().prefetch_related(
        Prefetch("projects", queryset=Project.objects.order_by("name", "pk"))
    )
