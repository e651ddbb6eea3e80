from django.http import HttpResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET


@never_cache
@require_GET
def livez(request):
    """Liveness: the process answers, whatever the database says (readiness is /healthz).

    It touches nothing, so the benchmark also uses it as the ceiling of a request's cost.
    """
    return HttpResponse("ok", content_type="text/plain")
