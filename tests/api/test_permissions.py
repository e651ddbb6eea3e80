"""Reads need no model permission, so they never build the view's queryset; writes still check."""

import pytest
from django.contrib.auth.models import AnonymousUser
from rest_framework.test import APIRequestFactory, force_authenticate
from rest_framework.views import APIView

from mltop.api.permissions import ModelPermissionsOrAnonReadOnly
from projects.models import Project
from tests import factories


class _View(APIView):
    queryset = Project.objects.none()
    permission_classes = [ModelPermissionsOrAnonReadOnly]
    queryset_built = 0

    def get_queryset(self):
        type(self).queryset_built += 1
        return Project.objects.all()

    def post(self, request):  # a write the view offers: methods it does not offer are 405s, not checked here
        raise NotImplementedError


def _allowed(method: str, user) -> bool:
    request = getattr(APIRequestFactory(), method.lower())("/")
    force_authenticate(request, user=user)
    view = _View()
    view.request = view.initialize_request(request)
    return ModelPermissionsOrAnonReadOnly().has_permission(view.request, view)


@pytest.mark.parametrize("method", ["GET", "HEAD", "OPTIONS"])
def test_anyone_reads_without_the_queryset_being_built(method):
    _View.queryset_built = 0
    assert _allowed(method, AnonymousUser())
    assert _View.queryset_built == 0


@pytest.mark.django_db
def test_writes_still_need_the_model_permission():
    _View.queryset_built = 0
    assert not _allowed("POST", AnonymousUser())
    assert not _allowed("POST", factories.StaffUserFactory(is_superuser=False))
    assert _allowed("POST", factories.StaffUserFactory(is_superuser=True))
    assert _View.queryset_built == 3  # each write is checked against the model's permissions
