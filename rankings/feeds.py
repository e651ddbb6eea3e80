"""The Atom feed of published snapshots, each item listing its top-10."""

from django.contrib.syndication.views import Feed
from django.http import HttpResponse
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from mltop.pagecache import cached_by_generation

from . import selectors


class SnapshotFeed(Feed):
    feed_type = Atom1Feed
    description_template = "rankings/feed_item.html"
    author_name = "MLTop"  # Atom requires an author; the rankings are the site's own

    def title(self):
        return _("MLTop: machine-learning top-10 rankings")

    def subtitle(self):
        return _("Each published ranking of open-source machine-learning projects on GitHub.")

    def link(self):
        return reverse("ranking-current")

    def items(self):
        return cached_by_generation("feed", selectors.feed_snapshots)

    def item_title(self, item):
        return item.display_title

    def item_link(self, item):
        return item.get_absolute_url()

    def item_pubdate(self, item):
        return item.published_at or item.taken_at

    def item_updateddate(self, item):
        return item.published_at or item.taken_at

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["entries"] = kwargs["item"].top_entries
        # Feed readers show descriptions out of context: links must be absolute.
        context["site_url"] = kwargs["request"].build_absolute_uri("/").rstrip("/")
        return context


_snapshot_feed = SnapshotFeed()


def snapshot_feed(request):
    """The feed, its XML cached per language and host until the next publish (it holds no CSRF token)."""

    def build():
        response = _snapshot_feed(request)
        return response.content, response["Content-Type"]

    name = f"feed-xml:{get_language()}:{request.scheme}://{request.get_host()}"
    content, content_type = cached_by_generation(name, build)
    return HttpResponse(content, content_type=content_type)
