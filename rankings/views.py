from django.conf import settings
from django.db import connection
from django.http import Http404, JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from . import scoring, selectors
from .models import RankingSnapshot


@require_GET
def current_ranking(request):
    snapshot = selectors.snapshot_current()
    entries = selectors.entries_for_display(snapshot) if snapshot else []
    return render(request, "rankings/current.html", {"snapshot": snapshot, "entries": entries})


@require_GET
def snapshot_detail(request, pk):
    try:
        snapshot = selectors.snapshot_published(pk=pk)
    except RankingSnapshot.DoesNotExist:
        raise Http404("No published snapshot with that id.") from None
    entries = selectors.entries_for_display(snapshot)
    return render(request, "rankings/snapshot_detail.html", {"snapshot": snapshot, "entries": entries})


@require_GET
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
        "removed": selectors.projects_removed(),
    }
    return render(request, "rankings/methodology.html", context)


@never_cache
@require_GET
def healthz(request):
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
        database = {"status": "ok", "vendor": connection.vendor}
    except Exception as exc:  # any driver error means the database is down for us
        database = {"status": "down", "vendor": connection.vendor, "error": exc.__class__.__name__}
    healthy = database["status"] == "ok"
    return JsonResponse(
        {"status": "ok" if healthy else "down", "checks": {"database": database}}, status=200 if healthy else 503
    )
