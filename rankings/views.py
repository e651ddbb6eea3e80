from django.conf import settings
from django.core.paginator import EmptyPage
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.cache import patch_cache_control
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from mltop.ids import MAX_ID, positive_number
from mltop.pagecache import LIVE_TIMEOUT, SNAPSHOT_TIMEOUT, cached_by_generation, cached_page, fragment
from projects.models import Project
from stats.gains import GAIN_TOLERANCE_DAYS

from . import charts, newcomers, scoring, selectors
from .models import RankingSnapshot


class BadParameter(ValueError):
    pass


def _id_param(request, name: str, *, required: bool = True) -> int | None:
    """A positive integer query parameter, or BadParameter with a message for readers."""
    raw = request.GET.get(name)
    if raw is None or raw == "":
        if required:
            raise BadParameter(_("The “%(name)s” parameter is missing.") % {"name": name})
        return None
    number = positive_number(raw)
    if number is None:
        raise BadParameter(_("The “%(name)s” parameter must be a positive whole number.") % {"name": name})
    # Past any id, whatever its length: not found, as any other.
    return number


def bad_request(request, message: str):
    return render(request, "400.html", {"message": message}, status=400)


def _known_id(pk: int) -> int:
    if pk > MAX_ID:
        raise Http404(_("No published snapshot with that id."))
    return pk


@require_safe
def current_ranking(request):
    def render_page():
        page = cached_by_generation("ranking-current", selectors.snapshot_current_page, timeout=LIVE_TIMEOUT)
        context = {"page": page, "fragment": fragment("ranking-current", timeout=LIVE_TIMEOUT)}
        return render(request, "rankings/current.html", context)

    return cached_page(request, "ranking-current", render_page, timeout=LIVE_TIMEOUT)


@require_safe
def snapshot_detail(request, pk):
    def build():
        return selectors.snapshot_page(pk=_known_id(pk))

    def render_page():
        try:
            page = cached_by_generation(f"snapshot:{pk}", build)
        except RankingSnapshot.DoesNotExist:
            raise Http404(_("No published snapshot with that id.")) from None
        context = {"page": page, "fragment": fragment(f"snapshot:{pk}")}
        return render(request, "rankings/snapshot_detail.html", context)

    try:
        return cached_page(request, f"snapshot:{pk}", render_page, timeout=SNAPSHOT_TIMEOUT)
    except Http404:
        # Only a page that is not published reaches here: readers never touch the session.
        if not request.user.is_staff:
            raise
        return _draft_preview(request, pk)


def _draft_preview(request, pk):
    """A draft as staff preview it ("View on site" in admin): marked, never cached, never indexed."""
    try:
        page = selectors.snapshot_draft_page(pk=_known_id(pk))
    except RankingSnapshot.DoesNotExist:
        raise Http404(_("No published snapshot with that id.")) from None
    response = render(request, "rankings/snapshot_detail.html", {"page": page, "preview": True})
    patch_cache_control(response, private=True, no_store=True)
    response["X-Robots-Tag"] = "noindex"
    return response


@require_safe
def project_detail(request, slug):
    def render_page():
        try:
            page = cached_by_generation(
                f"project:{slug}", lambda: selectors.project_page(slug=slug), timeout=LIVE_TIMEOUT
            )
        except Project.DoesNotExist:
            raise Http404(_("No project with that slug.")) from None
        fragment_key = fragment(f"project:{slug}", timeout=LIVE_TIMEOUT)
        context = {"page": page, "project": page.project, "fragment": fragment_key}
        return render(request, "projects/project_detail.html", context)

    return cached_page(request, f"project:{slug}", render_page, timeout=LIVE_TIMEOUT)


@require_safe
def snapshot_archive(request):
    """The archive; ``?id=`` jumps to one snapshot, so the menu on every ranking works without JS."""
    try:
        jump = _id_param(request, "id", required=False)
        number = positive_number(request.GET.get("page", "1"))
        if number is None:
            raise BadParameter(_("The “page” parameter must be a positive whole number."))
    except BadParameter as exc:
        return bad_request(request, str(exc))
    if jump is not None:
        return redirect("snapshot-detail", pk=jump)
    try:
        archive = cached_by_generation(f"archive:{number}", lambda: selectors.snapshot_archive_page(page=number))
    except EmptyPage:
        raise Http404(_("That page of the archive does not exist.")) from None
    return render(request, "rankings/archive.html", {"archive": archive, "fragment": fragment(f"archive:{number}")})


@require_safe
def snapshot_compare(request):
    if "a" not in request.GET and "b" not in request.GET:
        index = cached_by_generation("published-index", selectors.published_index)
        context = {"comparison": None, "index": index, "fragment": fragment("compare-picker")}
        return render(request, "rankings/compare.html", context)
    try:
        a, b = _id_param(request, "a"), _id_param(request, "b")
    except BadParameter as exc:
        return bad_request(request, str(exc))

    def build():
        comparison = selectors.snapshot_compare(a=_known_id(a), b=_known_id(b), top_n=selectors.TOP_N)
        return comparison, selectors.published_index()

    try:
        # Not "compare:…": data cached under that name before the comparison took its present shape.
        comparison, index = cached_by_generation(f"comparison:{a}:{b}", build)
    except RankingSnapshot.DoesNotExist:
        raise Http404(_("No published snapshot with that id.")) from None
    context = {"comparison": comparison, "index": index, "fragment": fragment(f"compare:{a}:{b}")}
    return render(request, "rankings/compare.html", context)


BADGE_MAX_AGE = 60 * 60


@require_safe
def badge(request, slug):
    """A README badge: "MLTop #3" in the current top-10, otherwise the project's status."""

    def build():
        project = Project.objects.only("pk", "status").get(slug=slug)
        return project.status, selectors.project_current_rank(project_id=project.pk)

    http_status = 200
    try:
        status, rank = cached_by_generation(f"badge:{slug}", build)
    except Project.DoesNotExist:
        # A README shows whatever comes back as an image: a badge that says so, not a broken
        # image (the HTML 404 page); the status still tells link checkers it is not there.
        status, rank, http_status = None, None, 404
    if rank is not None and rank <= selectors.TOP_N:
        svg = charts.badge("MLTop", f"#{rank}")
    elif status is None:
        svg = charts.badge("MLTop", _("not tracked"), color="#57606a")
    else:
        svg = charts.badge("MLTop", str(Project.Status(status).label).lower(), color="#57606a")
    response = HttpResponse(svg, content_type="image/svg+xml; charset=utf-8", status=http_status)
    patch_cache_control(response, public=True, max_age=BADGE_MAX_AGE)
    return response


def _newcomers_method() -> dict:
    params = newcomers.NewcomerParameters.from_settings(settings)
    return {
        "method": newcomers.METHOD,
        "params": params,
        "weight": {name: round(100 * params.weights[name]) for name in newcomers.COMPONENTS},
        "month_stars_reference": newcomers.MONTH_STARS_REFERENCE,
        "forks_reference": newcomers.FORKS_REFERENCE,
        "half_life": newcomers.RECENCY_HALF_LIFE_DAYS,
    }


@require_safe
def methodology(request):
    """How the score works, with the weights in force, and the archive of removed projects."""
    params = scoring.Parameters.from_settings(settings)
    weights = [
        {"name": name, "weight": params.weights[name], "percent": round(100 * params.weights[name])}
        for name in scoring.COMPONENTS
    ]
    context = {
        "method": scoring.METHOD,
        "params": params,
        "weights": weights,
        "weight": {item["name"]: item["percent"] for item in weights},
        "short_percent": round(100 * params.short_share),
        "long_percent": 100 - round(100 * params.short_share),
        "reference": {
            "stars": scoring.POPULARITY_REFERENCE_STARS,
            "pace": scoring.MOMENTUM_REFERENCE_STARS_PER_DAY,
            "forks": scoring.ENGAGEMENT_REFERENCE_FORKS,
            "watchers": scoring.ENGAGEMENT_REFERENCE_WATCHERS,
            "min_history": scoring.SPIKE_MIN_HISTORY,
        },
        "top_k": settings.RANKING_TOP_K,
        "gain_tolerance": GAIN_TOLERANCE_DAYS,
        "removed": selectors.projects_removed(),
        "newcomers": _newcomers_method(),
    }
    return render(request, "rankings/methodology.html", context)
