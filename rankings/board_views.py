"""Pages of the boards: the month's newcomers (with an index of months) and the fields."""

import re

from django.http import Http404
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from mltop.pagecache import SNAPSHOT_TIMEOUT, cached_by_generation, cached_page, fragment
from projects.models import Category

from .models import RankingSnapshot
from .selectors import boards as board_selectors

PERIOD_RE = re.compile(r"^\d{4}-(0[1-9]|1[0-2])$")


def _board_page(
    request, name: str, build, template: str, key: str, *, missing: tuple[type[Exception], str] | None = None
):
    """A whole page cached per generation around its data, cached per generation too.

    ``missing`` is (the exception ``build`` raises for an unknown page, the 404's message).
    """
    unknown: tuple[type[Exception], ...] = (missing[0],) if missing else ()
    message = missing[1] if missing else ""

    def render_page():
        try:
            data = cached_by_generation(name, build)
        except unknown:
            raise Http404(message) from None
        return render(request, template, {key: data, "fragment": fragment(name)})

    return cached_page(request, name, render_page, timeout=SNAPSHOT_TIMEOUT)


@require_safe
def newcomers_index(request):
    return _board_page(
        request, "newcomers-index", board_selectors.newcomers_editions, "rankings/newcomers_index.html", "editions"
    )


@require_safe
def newcomers_month(request, period):
    no_edition = _("No newcomers' edition for that month.")
    if not PERIOD_RE.match(period):
        raise Http404(no_edition)
    return _board_page(
        request,
        f"newcomers:{period}",
        lambda: board_selectors.newcomers_page(period=period),
        "rankings/newcomers.html",
        "page",
        missing=(RankingSnapshot.DoesNotExist, no_edition),
    )


@require_safe
def categories_index(request):
    return _board_page(
        request, "categories-index", board_selectors.categories_index, "rankings/categories.html", "categories"
    )


@require_safe
def category_detail(request, slug):
    return _board_page(
        request,
        f"category:{slug}",
        lambda: board_selectors.category_page(slug=slug),
        "rankings/category_detail.html",
        "page",
        missing=(Category.DoesNotExist, _("No field with that name.")),
    )
