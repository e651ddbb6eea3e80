"""Reads of the catalogue shared by pages and the API."""

from .models import Author, Project


def project_detail(*, slug: str) -> Project:
    """A project with its credits and topics; raises Project.DoesNotExist."""
    return Project.objects.with_credits().get(slug=slug)


def author_detail(*, slug: str) -> Author:
    return Author.objects.prefetch_related("projects").get(slug=slug)


def project_with_repository(*, owner: str, name: str, sub_path: str = "") -> Project | None:
    """The project for a repository (GitHub names are case-insensitive), if catalogued."""
    return Project.objects.filter(repo_owner__iexact=owner, repo_name__iexact=name, sub_path=sub_path).first()
