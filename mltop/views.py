from django.conf import settings
from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent
from django.db import connection
from django.http import HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views import defaults
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_safe
from django.views.i18n import set_language
from modern_csrf.decorators import csrf_protect as cross_origin_protect

from . import problems
from .health import broker_status


@never_cache
@require_safe
def livez(request):
    """Liveness: the process answers, whatever the database says (readiness is /healthz).

    It touches nothing, so the benchmark also uses it as the ceiling of a request's cost.
    """
    return HttpResponse("ok", content_type="text/plain")


# The language switcher in every reader page's header posts here. Django's token check is
# swapped for cross-origin protection by the browser's own headers (Sec-Fetch-Site, else
# Origin, as Go's net/http and OWASP describe): a form posted from another site is refused
# all the same, and reader pages need no per-reader token, so every reader is served the same
# cached bytes (with a token, minting and masking it was nearly all of a cached page's cost).
# Only this view works this way; the admin and every other form keep Django's tokens.
language_switch = csrf_exempt(cross_origin_protect(set_language))


def bad_request(request, exception=None):
    """The 400 page (handler400), saying plainly when the request was refused for its size.

    Django raises RequestDataTooBig or TooManyFieldsSent when a form post is over
    DATA_UPLOAD_MAX_MEMORY_SIZE / DATA_UPLOAD_MAX_NUMBER_FIELDS; under /api/ the answer is JSON.
    """
    if isinstance(exception, RequestDataTooBig):
        status = 413
        message = _("The request is too large: this site accepts at most %(size)s KB.") % {
            "size": settings.DATA_UPLOAD_MAX_MEMORY_SIZE // 1024
        }
    elif isinstance(exception, TooManyFieldsSent):
        status = 400
        message = _("The form has too many fields: this site accepts at most %(count)s.") % {
            "count": settings.DATA_UPLOAD_MAX_NUMBER_FIELDS
        }
    else:
        status, message = 400, None
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": message or _("Bad request.")}, status=status)
    # A page: 400 even for a body too large, so browsers show our page with its message.
    return render(request, "400.html", {"message": message}, status=400)


def server_error(request):
    """The 500 page (handler500); under /api/ a JSON error like every other answer there,
    so a client parsing the API's errors never gets an HTML page."""
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": "Server error: the API could not answer this request."}, status=500)
    return defaults.server_error(request)


@never_cache
@require_safe
def healthz(request):
    """Readiness: the database and the Celery broker, each reported; 503 when either is down."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
        database = {"status": "ok", "vendor": connection.vendor}
    except Exception as exc:  # any driver error means the database is down for us
        database = {"status": "down", "vendor": connection.vendor, "error": exc.__class__.__name__}
    checks = {"database": database, "broker": broker_status(timeout=settings.HEALTHZ_BROKER_TIMEOUT)}
    healthy = all(check["status"] == "ok" for check in checks.values())
    body = {"status": "ok" if healthy else "down", "checks": checks}
    # Problems an operator must fix that do not stop this process serving (so no 503: a load
    # balancer must not pull every replica because GitHub refused the token).
    token = problems.get(problems.GITHUB_TOKEN)
    body["github"] = {"status": "token rejected", "error": token["message"]} if token else {"status": "ok"}
    return JsonResponse(body, status=200 if healthy else 503)
