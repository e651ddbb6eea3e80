"""The Atom feed of one field's boards, each item listing its top-10."""

from django.http import Http404, HttpResponse
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from mltop.pagecache import cached_by_generation
from projects.models import Category

from .feeds import SnapshotFeed
from .selectors import boards as board_selectors


class CategoryFeed(SnapshotFeed):
    def get_object(self, request, slug):
        try:
            return cached_by_generation(
                f"category-feed:{slug}", lambda: board_selectors.category_feed_snapshots(slug=slug)
            )
        except Category.DoesNotExist:
            raise Http404(_("No field with that name.")) from None

    def title(self, obj):
        category, _snapshots = obj
        return _("MLTop: top 10 in %(category)s") % {"category": category.name_in(get_language())}

    def subtitle(self, obj):
        category, _snapshots = obj
        return category.description_in(get_language()) or self.title(obj)

    def link(self, obj):
        return obj[0].get_absolute_url()

    def items(self, obj):
        return obj[1]


_category_feed = CategoryFeed()


def category_feed(request, slug):
    """The field's feed, its XML cached per language and host until the next publish."""

    def build():
        response = _category_feed(request, slug=slug)
        return response.content, response["Content-Type"]

    name = f"category-feed-xml:{slug}:{get_language()}:{request.scheme}://{request.get_host()}"
    content, content_type = cached_by_generation(name, build)
    return HttpResponse(content, content_type=content_type)
