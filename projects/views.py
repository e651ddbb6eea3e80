from django.http import Http404
from django.shortcuts import render
from django.views.decorators.http import require_GET

from . import selectors
from .models import Author, Project


@require_GET
def project_detail(request, slug):
    try:
        project = selectors.project_detail(slug=slug)
    except Project.DoesNotExist:
        raise Http404("No project with that slug.") from None
    return render(request, "projects/project_detail.html", {"project": project})


@require_GET
def author_detail(request, slug):
    try:
        author = selectors.author_detail(slug=slug)
    except Author.DoesNotExist:
        raise Http404("No author with that slug.") from None
    return render(request, "projects/author_detail.html", {"author": author})
