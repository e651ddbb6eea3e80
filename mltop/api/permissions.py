"""Permissions of the REST API."""

from rest_framework.permissions import SAFE_METHODS, DjangoModelPermissionsOrAnonReadOnly


class ModelPermissionsOrAnonReadOnly(DjangoModelPermissionsOrAnonReadOnly):
    """DRF's DjangoModelPermissionsOrAnonReadOnly, without building the view's queryset for reads.

    DRF calls ``get_queryset()`` only to learn the model whose permissions it checks, and no
    permission is needed to read (its ``perms_map`` is empty for GET, HEAD and OPTIONS); the
    queryset's annotations would cost more than the rest of a cache hit, so reads skip it.
    """

    def has_permission(self, request, view):
        if request.method in SAFE_METHODS and not self.perms_map.get(request.method):
            return bool(request.user)
        if not hasattr(view, request.method.lower()):
            # A method the endpoint does not offer: DRF checks permissions before it looks for a
            # handler, which would make it a 401 for anonymous clients; it is a 405 for everyone.
            return True
        return super().has_permission(request, view)
