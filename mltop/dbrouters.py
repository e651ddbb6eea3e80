"""A PostgreSQL read replica for what readers ask: pages and API reads there, everything else on the primary.

With DATABASE_REPLICA_URL set, the ``replica`` database alias exists and this router is
installed (settings). A read goes to the replica only when all of these hold:

- it runs inside a reader's request: ``ReplicaReadsMiddleware`` marks GET, HEAD and OPTIONS
  requests outside admin, so admin, every write, the builds, refresh, backfill, discovery,
  commands and migrations (none of which run in such a request) stay on the primary;
- it reads the catalogue, figures or rankings (``READER_APPS``): sessions, users and login
  throttling (django-axes) are read on the primary, so a login is never lost to replica lag;
- no transaction is open on the primary: inside ``atomic()`` a read must see what the
  transaction wrote, which only the primary has;
- the client has not written anything in the last ``DATABASE_REPLICA_PIN_SECONDS``: after a
  POST (an editor saving in admin, then opening the public page), a cookie sends that client's
  reads to the primary for a while, so it reads its own writes while the replica catches up.

Writes always go to the primary, and migrations run on it alone (the replica copies them).
"""

import contextlib
import contextvars
from functools import cached_property

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections
from django.urls import reverse

REPLICA = "replica"
READER_APPS = frozenset({"projects", "stats", "rankings"})
PIN_COOKIE = "mltop_primary"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})

_reader_request = contextvars.ContextVar("reader_request", default=False)


@contextlib.contextmanager
def replica_reads():
    """Reads of reader data in this block may use the replica (the middleware wraps readers' requests in it)."""
    token = _reader_request.set(True)
    try:
        yield
    finally:
        _reader_request.reset(token)


class PrimaryReplicaRouter:
    def db_for_read(self, model, **hints):
        if (
            _reader_request.get()
            and model._meta.app_label in READER_APPS
            and not connections[DEFAULT_DB_ALIAS].in_atomic_block
        ):
            return REPLICA
        return DEFAULT_DB_ALIAS

    def db_for_write(self, model, **hints):
        return DEFAULT_DB_ALIAS

    def allow_relation(self, obj1, obj2, **hints):
        return True  # one database and its copy: an object read from either relates to any other

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        return db == DEFAULT_DB_ALIAS


class ReplicaReadsMiddleware:
    """Marks readers' requests (see the module docstring) and pins a client that wrote to the primary."""

    def __init__(self, get_response):
        self.get_response = get_response

    @cached_property
    def admin_prefix(self) -> str:
        return reverse("admin:index")  # on first use: the URLconf is not loaded when middleware is built

    def __call__(self, request):
        if request.method not in SAFE_METHODS:
            response = self.get_response(request)
            if settings.DATABASE_REPLICA_URL and response.status_code < 400:
                # The cookie matters only while the replica may lag; it carries no data.
                response.set_cookie(
                    PIN_COOKIE,
                    "1",
                    max_age=settings.DATABASE_REPLICA_PIN_SECONDS,
                    secure=settings.SESSION_COOKIE_SECURE,
                    httponly=True,
                    samesite="Lax",
                )
            return response
        if PIN_COOKIE in request.COOKIES or request.path.startswith(self.admin_prefix):
            return self.get_response(request)
        with replica_reads():
            return self.get_response(request)
