from django.contrib import admin
from django.urls import include, path
from django.views.generic import RedirectView

from mltop import views as site_views
from projects import views as project_views
from rankings import board_views
from rankings import views as ranking_views
from rankings.board_feeds import category_feed
from rankings.feeds import snapshot_feed

urlpatterns = [
    path("", ranking_views.current_ranking, name="ranking-current"),
    path("rankings/<int:pk>/", ranking_views.snapshot_detail, name="snapshot-detail"),
    path("projects/<slug:slug>/", ranking_views.project_detail, name="project-detail"),
    path("authors/<slug:slug>/", project_views.author_detail, name="author-detail"),
    path("healthz", site_views.healthz, name="healthz"),
    # Reader pages (archive, compare, feed, badges).
    path("rankings/", ranking_views.snapshot_archive, name="snapshot-archive"),
    path("rankings/compare/", ranking_views.snapshot_compare, name="snapshot-compare"),
    path("feed/", snapshot_feed, name="feed"),
    path("badge/<slug:slug>.svg", ranking_views.badge, name="badge"),
    path("methodology/", ranking_views.methodology, name="methodology"),
    # Boards (issue 16): the month's newcomers and the fields.
    path("rankings/new/", board_views.newcomers_index, name="newcomers-index"),
    path("rankings/new/<str:period>/", board_views.newcomers_month, name="newcomers-month"),
    path("topics/", board_views.categories_index, name="category-index"),
    path("topics/<slug:slug>/", board_views.category_detail, name="category-detail"),
    path("topics/<slug:slug>/feed/", category_feed, name="category-feed"),
    # API: everything under /api/ (routers, schema, docs, JSON 404s) lives in mltop/api/urls.py.
    path("api/", include("mltop.api.urls")),
    path("livez", site_views.livez, name="livez"),
    path("i18n/setlang/", site_views.language_switch, name="set_language"),
    # Samples moved from the rankings app to stats: bookmarks of the old admin list still work.
    path(
        "admin/rankings/statssample/",
        RedirectView.as_view(url="/admin/stats/statssample/", permanent=True, query_string=True),
    ),
    path("admin/", admin.site.urls),
]

# A request refused for its size gets a page (or, under /api/, JSON) that says so.
handler400 = "mltop.views.bad_request"
# An unexpected error under /api/ answers in JSON too.
handler500 = "mltop.views.server_error"
