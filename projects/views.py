from django.http import Http404
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from rankings import selectors as ranking_selectors
from rankings.pagecache import LIVE_TIMEOUT, cached_by_generation, cached_page, fragment

from . import selectors
from .models import Author, Project


@require_GET
def project_detail(request, slug):
    def render_page():
        try:
            page = cached_by_generation(
                f"project:{slug}", lambda: ranking_selectors.project_page(slug=slug), timeout=LIVE_TIMEOUT
            )
        except Project.DoesNotExist:
            raise Http404(_("No project with that slug.")) from None
        fragment_key = fragment(f"project:{slug}", timeout=LIVE_TIMEOUT)
        context = {"page": page, "project": page.project, "fragment": fragment_key}
        return render(request, "projects/project_detail.html", context)

    return cached_page(request, f"project:{slug}", render_page, timeout=LIVE_TIMEOUT)


@require_GET
def author_detail(request, slug):
    try:
        author = selectors.author_detail(slug=slug)
    except Author.DoesNotExist:
        raise Http404(_("No author with that slug.")) from None
    return render(request, "projects/author_detail.html", {"author": author})
