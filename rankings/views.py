from django.db import connection
from django.http import Http404, JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from mltop.caching import cache_per_generation

from . import selectors
from .models import RankingSnapshot


@cache_per_generation
@require_GET
def current_ranking(request):
    snapshot = selectors.snapshot_current()
    entries = selectors.entries_for_display(snapshot) if snapshot else []
    return render(request, "rankings/current.html", {"snapshot": snapshot, "entries": entries})


@cache_per_generation
@require_GET
def snapshot_detail(request, pk):
    try:
        snapshot = selectors.snapshot_published(pk=pk)
    except RankingSnapshot.DoesNotExist:
        raise Http404("No published snapshot with that id.") from None
    entries = selectors.entries_for_display(snapshot)
    return render(request, "rankings/snapshot_detail.html", {"snapshot": snapshot, "entries": entries})


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
