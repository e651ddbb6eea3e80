from django.http import Http404
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from . import selectors
from .models import Author


@require_safe
def author_detail(request, slug):
    try:
        author = selectors.author_detail(slug=slug)
    except Author.DoesNotExist:
        raise Http404(_("No author with that slug.")) from None
    return render(request, "projects/author_detail.html", {"author": author})
