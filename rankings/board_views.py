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


@require_safe
def newcomers_index(request):
    def render_page():
        editions = cached_by_generation("newcomers-index", board_selectors.newcomers_editions)
        context = {"editions": editions, "fragment": fragment("newcomers-index")}
        return render(request, "rankings/newcomers_index.html", context)

    return cached_page(request, "newcomers-index", render_page, timeout=SNAPSHOT_TIMEOUT)


@require_safe
def newcomers_month(request, period):
    if not PERIOD_RE.match(period):
        raise Http404(_("No newcomers' edition for that month."))

    def render_page():
        try:
            page = cached_by_generation(f"newcomers:{period}", lambda: board_selectors.newcomers_page(period=period))
        except RankingSnapshot.DoesNotExist:
            raise Http404(_("No newcomers' edition for that month.")) from None
        context = {"page": page, "fragment": fragment(f"newcomers:{period}")}
        return render(request, "rankings/newcomers.html", context)

    return cached_page(request, f"newcomers:{period}", render_page, timeout=SNAPSHOT_TIMEOUT)


@require_safe
def categories_index(request):
    def render_page():
        categories = cached_by_generation("categories-index", board_selectors.categories_index)
        context = {"categories": categories, "fragment": fragment("categories-index")}
        return render(request, "rankings/categories.html", context)

    return cached_page(request, "categories-index", render_page, timeout=SNAPSHOT_TIMEOUT)


@require_safe
def category_detail(request, slug):
    def render_page():
        try:
            page = cached_by_generation(f"category:{slug}", lambda: board_selectors.category_page(slug=slug))
        except Category.DoesNotExist:
            raise Http404(_("No field with that name.")) from None
        context = {"page": page, "fragment": fragment(f"category:{slug}")}
        return render(request, "rankings/category_detail.html", context)

    return cached_page(request, f"category:{slug}", render_page, timeout=SNAPSHOT_TIMEOUT)
