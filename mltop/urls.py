from django.contrib import admin
from django.urls import include, path

from mltop import views as site_views
from projects import views as project_views
from rankings import views as ranking_views

urlpatterns = [
    path("", ranking_views.current_ranking, name="ranking-current"),
    path("rankings/<int:pk>/", ranking_views.snapshot_detail, name="snapshot-detail"),
    path("projects/<slug:slug>/", project_views.project_detail, name="project-detail"),
    path("authors/<slug:slug>/", project_views.author_detail, name="author-detail"),
    path("healthz", ranking_views.healthz, name="healthz"),
    path("livez", site_views.livez, name="livez"),
    path("api/", include("rankings.api.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
]
