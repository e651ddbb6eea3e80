"""Every URL under /api/: one router for the resources, the schema, its docs, and JSON 404s."""

from django.urls import path, re_path
from drf_spectacular.views import SpectacularAPIView, SpectacularRedocView, SpectacularSwaggerSplitView
from rest_framework.routers import DefaultRouter

from projects.api.views import AuthorViewSet
from rankings.api.views import CategoryViewSet, ProjectViewSet, RankingSnapshotViewSet

from .exceptions import api_not_found

router = DefaultRouter()
router.register("rankings", RankingSnapshotViewSet, basename="api-ranking")
router.register("projects", ProjectViewSet, basename="api-project")
router.register("authors", AuthorViewSet, basename="api-author")
router.register("categories", CategoryViewSet, basename="api-category")

urlpatterns = [
    path("schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("docs/", SpectacularSwaggerSplitView.as_view(url_name="api-schema"), name="api-docs"),
    path("redoc/", SpectacularRedocView.as_view(url_name="api-schema"), name="api-redoc"),
    *router.urls,
    # Last: anything else under /api/ ending in a slash is a JSON 404. Paths without the slash
    # stay unmatched so that CommonMiddleware can redirect /api/projects to /api/projects/.
    re_path(r"^[\s\S]*/$", api_not_found),
]
